from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from partners.fields import SafeChoiceFieldsAdminMixin

from .models import Review, ThemeAssessment


class ThemeAssessmentInline(SafeChoiceFieldsAdminMixin, TranslationStackedInline):
    model = ThemeAssessment
    extra = 0


@admin.register(Review)
class ReviewAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("title", "plan", "kind", "due_date", "status")
    list_filter = ("kind", "status", "plan")
    inlines = [ThemeAssessmentInline]
