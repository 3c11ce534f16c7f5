"""Events in the IT administrators' /admin/, writing through ``events.services``.

The ``…Writes`` and ``…Rows`` classes connect an admin (or inline) to the services; /manage/
(``portal.plan_admin``) uses the same ones.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from core.admin import SafeChoiceFieldsAdminMixin, ServiceAdminMixin, ServiceInlineMixin
from partners.admin import ThirdPartiesSealedMixin

from . import services
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


# --- the service connections, shared with /manage/ ------------------------------------------


class SeriesWrites(ServiceAdminMixin):
    def get_readonly_fields(self, request, obj=None):
        # A series stays in its plan (services.update_series refuses a move too).
        return ("plan",) if obj is not None else ()

    def create(self, request, values):
        return services.create_series(user=request.user, **values)

    def update(self, request, obj, changes):
        return services.update_series(user=request.user, series=obj, **changes)

    def delete(self, request, obj):
        services.delete_series(user=request.user, series=obj)


class EventWrites(HostCityTimeMixin, ServiceAdminMixin):
    def create(self, request, values):
        return services.create_event(user=request.user, **values)

    def update(self, request, obj, changes):
        return services.update_event(user=request.user, event=obj, **changes)

    def delete(self, request, obj):
        services.delete_event(user=request.user, event=obj)


class ProgrammeRows(ServiceInlineMixin):
    def create_row(self, request, parent, values):
        return services.add_programme_item(user=request.user, event=parent, **values)

    def update_row(self, request, obj, changes):
        return services.update_programme_item(user=request.user, item=obj, **changes)

    def delete_row(self, request, obj):
        services.delete_programme_item(user=request.user, item=obj)


class DelegationRows(ServiceInlineMixin):
    def create_row(self, request, parent, values):
        return services.add_delegation_member(user=request.user, event=parent, **values)

    def update_row(self, request, obj, changes):
        return services.update_delegation_member(user=request.user, member=obj, **changes)

    def delete_row(self, request, obj):
        services.remove_delegation_member(user=request.user, member=obj)


# --- /admin/ --------------------------------------------------------------------------------


@admin.register(EventSeries)
class EventSeriesAdmin(SeriesWrites, SafeChoiceFieldsAdminMixin, TranslationAdmin):
    list_display = ("name", "plan", "recurrence")


class ProgrammeItemInline(
    ProgrammeRows, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationTabularInline
):
    model = ProgrammeItem
    extra = 0


class DelegationMemberInline(
    DelegationRows, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationTabularInline
):
    model = DelegationMember
    extra = 0


@admin.register(Event)
class EventAdmin(
    EventWrites, ThirdPartiesSealedMixin, SafeChoiceFieldsAdminMixin, TranslationAdmin
):
    list_display = ("title", "kind", "host_city", "start_date", "end_date", "year", "is_demo")
    list_filter = ("kind", "host_city", "plan")
    search_fields = ("title_en", "title_zh_hans")
    filter_horizontal = ("themes", "organisers")
    inlines = [ProgrammeItemInline, DelegationMemberInline]
