"""The security log in /admin/: read, filtered and searched; nobody adds, changes or deletes a
record, not even a superuser (append-only). It is not in /manage/: coordinators read their
side's records on the portal's security log page."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    date_hierarchy = "at"
    list_display = (
        "at",
        "kind",
        "outcome",
        "subject_name",
        "actor_name",
        "city",
        "ip_address",
        "door",
    )
    list_filter = ("kind", "outcome", "door", "city")
    list_select_related = ("city",)
    search_fields = ("subject_name", "actor_name", "ip_address")
    fields = (
        "at",
        "kind",
        "outcome",
        "subject_name",
        "actor_name",
        "city",
        "former_city",
        "ip_address",
        "user_agent",
        "door",
        "detail",
    )
    readonly_fields = fields
