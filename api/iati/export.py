"""The one way to export a plan as IATI XML: the API view and the command both call it."""

from __future__ import annotations

from django.utils import timezone

from cooperation.models import ActionPlan
from partners import clock

from .build import Publisher, build, to_bytes
from .rows import plan_rows

CONTENT_TYPE = "application/xml; charset=utf-8"


def export_plan(plan: ActionPlan, *, user) -> bytes:
    """The plan (with its partnership's cities joined) as an IATI 2.03 document, as ``user``
    sees it today (the plan's stage depends on their today)."""
    rows = plan_rows(plan, today=clock.today_for(user), user=user)
    return to_bytes(build(rows, Publisher.from_settings(), timezone.now()))


def filename_for(plan: ActionPlan) -> str:
    return f"iati-{plan.code}.xml"
