"""Progress report reads: the reports a user may see, and the name a download is saved as."""

from __future__ import annotations

from django.db.models import QuerySet

from partners import access

from .models import ProgressReport


def visible_reports(user) -> QuerySet[ProgressReport]:
    """Reports of the plans of the user's partnerships, with what the pages show."""
    return ProgressReport.objects.filter(
        access.partnership_q(user, "plan__partnership")
    ).select_related("plan", "theme", "requested_by")


def download_name(report: ProgressReport) -> str:
    """progress-report-<plan>[-<theme>]-<as of>-<language>.pdf"""
    parts = ["progress-report", report.plan.code]
    if report.theme_id:
        parts.append(report.theme.code)
    parts += [report.as_of.isoformat(), report.language]
    return "-".join(parts) + ".pdf"
