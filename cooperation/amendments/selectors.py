"""Reading amendments and versions: what a user may see, and the version in force on a date."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from partners import access

from ..models import ActionPlan
from .models import Amendment, AmendmentChange, PlanVersion

_PLAN = "plan__partnership"


def visible_amendments(user) -> QuerySet[Amendment]:
    return Amendment.objects.filter(access.partnership_q(user, _PLAN)).select_related(
        "plan__partnership__first_city",
        "plan__partnership__second_city",
        "side",
        "drafted_by",
        "decided_by",
    )


def amendments_of_plan(user, plan: ActionPlan) -> QuerySet[Amendment]:
    return visible_amendments(user).filter(plan=plan).order_by("-created_at", "-id")


def changes_of(amendment: Amendment) -> QuerySet[AmendmentChange]:
    return amendment.changes.select_related("theme", "commitment__theme", "agency").order_by(
        "order"
    )


def amendment_for_page(user, amendment_id: int) -> Amendment:
    """A visible amendment (raises Amendment.DoesNotExist)."""
    return visible_amendments(user).get(pk=amendment_id)


def visible_versions(user) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(access.partnership_q(user, _PLAN)).select_related("amendment")


def versions_of_plan(plan: ActionPlan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("amendment").order_by("number")


def version_in_force(plan: ActionPlan, on: datetime.date) -> PlanVersion | None:
    """The version in force on ``on``: the last one that had taken effect by then (None
    before any was frozen, or before the plan took effect)."""
    return (
        PlanVersion.objects.filter(plan=plan, effective_on__lte=on)
        .order_by("-effective_on", "-number")
        .first()
    )
