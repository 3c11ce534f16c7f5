from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from partners.fields import SafeChoiceFieldsAdminMixin

from .models import DelegationMember, Event, EventSeries, ProgrammeItem


@admin.register(EventSeries)
class EventSeriesAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("name", "plan", "recurrence")


class ProgrammeItemInline(SafeChoiceFieldsAdminMixin, TranslationTabularInline):
    model = ProgrammeItem
    extra = 0


class DelegationMemberInline(SafeChoiceFieldsAdminMixin, TranslationTabularInline):
    model = DelegationMember
    extra = 0


@admin.register(Event)
class EventAdmin(SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("title", "kind", "host_city", "start_date", "end_date", "year", "is_demo")
    list_filter = ("kind", "host_city", "plan")
    search_fields = ("title_en", "title_zh_hans")
    filter_horizontal = ("themes", "organisers")
    inlines = [ProgrammeItemInline, DelegationMemberInline]
