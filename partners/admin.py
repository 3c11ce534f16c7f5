from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .fields import SafeChoiceFieldsAdminMixin
from .models import Agency, City, Profile


@admin.register(City)
class CityAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("name", "country", "time_zone", "default_language")
    search_fields = ("code", "name_en", "name_zh_hans")


@admin.register(Agency)
class AgencyAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("name", "city", "kind", "parent")
    list_filter = ("city", "kind")
    search_fields = ("code", "name_en", "name_zh_hans")
    list_select_related = ("city", "parent")


@admin.register(Profile)
class ProfileAdmin(SafeChoiceFieldsAdminMixin, admin.ModelAdmin):
    list_display = ("user", "city", "agency", "role", "preferred_language")
    list_filter = ("city", "role")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user", "city", "agency")
