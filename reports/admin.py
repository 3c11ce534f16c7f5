from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from .models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Progress reports as requested and rendered: read-only (members download them on the
    report pages, where access is checked)."""

    list_display = (
        "id",
        "plan",
        "theme",
        "language",
        "as_of",
        "status",
        "page_count",
        "size",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "language", "plan")
    list_select_related = ("plan", "theme", "requested_by")
    search_fields = ("sha256", "requested_by__username")
    date_hierarchy = "created_at"
    readonly_fields = (
        "plan",
        "theme",
        "language",
        "as_of",
        "status",
        "error",
        "stored_as",
        "sha256",
        "size",
        "page_count",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields

    @admin.display(description=_("file"))
    def stored_as(self, obj):
        # The name only: files are not served from MEDIA_URL, the report page serves them.
        return obj.file.name or "—"
