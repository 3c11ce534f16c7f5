from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from partners.fields import SafeChoiceFieldsAdminMixin

from .models import DelegationMember, Event, EventSeries, ProgrammeItem
from .selectors import event_time_zone


class HostCityTimeMixin:
    """Programme times are the host city's, as on the event page: read and shown so here too."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        event = self.get_object(request, unquote(object_id)) if object_id else None
        zone = event_time_zone(event) if event else timezone.get_current_timezone()
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse renders late: in the zone, now
            return response


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
class EventAdmin(HostCityTimeMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("title", "kind", "host_city", "start_date", "end_date", "year", "is_demo")
    list_filter = ("kind", "host_city", "plan")
    search_fields = ("title_en", "title_zh_hans")
    filter_horizontal = ("themes", "organisers")
    inlines = [ProgrammeItemInline, DelegationMemberInline]
