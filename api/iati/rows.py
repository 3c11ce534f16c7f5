"""What the IATI export of a plan reads: the plan's stage, themes, coordinating offices and
joint activities, in a fixed number of queries whatever the number of activities."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from cooperation.models import ActionPlan, Activity, Theme, ThemeAgency
from partners.models import Agency
from reviews import lifecycle


@dataclass(frozen=True)
class PlanRows:
    plan: ActionPlan  # with its partnership's two cities
    stage: str  # reviews.lifecycle.Stage
    themes: list[Theme]  # in order, each with .responsibilities (agency, its city)
    coordinators: list[Agency]  # the plan's coordinating offices
    activities: list[Activity]  # leads, commitment, participants, fundings joined


def plan_rows(plan: ActionPlan, *, today: datetime.date, user) -> PlanRows:
    """The plan's content for the export. Demo activities (made-up examples) are left out:
    this is open data."""
    themes = list(
        Theme.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ThemeAgency.objects.select_related("agency").order_by(
                    "role", "agency__city_id", "agency__name", "agency_id"
                ),
            )
        )
    )
    by_id = {theme.pk: theme for theme in themes}
    activities = list(
        Activity.objects.filter(theme__plan=plan, is_demo=False)
        .select_related("commitment", "first_lead_agency", "second_lead_agency")
        .prefetch_related(
            Prefetch("participants", queryset=Agency.objects.order_by("name", "id")),
            "fundings",
        )
        .order_by("theme__order", "planned_start", "id")
    )
    for activity in activities:
        activity.theme = by_id[activity.theme_id]  # the theme read above, not a query each
    coordinators = list(plan.coordinators.order_by("city_id", "name", "id"))
    stage = lifecycle.stage_of(plan, today, user=user).stage
    return PlanRows(
        plan=plan, stage=stage, themes=themes, coordinators=coordinators, activities=activities
    )
