"""Reads for the dashboard that reach into the higher layers (events, reviews)."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet

from cooperation.models import ActionPlan
from events.models import Event
from reviews.models import Review, ReviewStatus

UPCOMING_EVENTS = 5


def upcoming_events(plan: ActionPlan, today: datetime.date) -> QuerySet[Event]:
    """The plan's next events: from today on, then those without a date yet.

    An undated event whose year is already over is not upcoming.
    """
    undated = Q(start_date__isnull=True) & (Q(year__isnull=True) | Q(year__gte=today.year))
    return (
        Event.objects.filter(plan=plan)
        .filter(Q(start_date__gte=today) | undated)
        .select_related("host_city")
        .order_by(F("start_date").asc(nulls_last=True), F("year").asc(nulls_last=True), "id")[
            :UPCOMING_EVENTS
        ]
    )


def open_reviews(plan: ActionPlan) -> QuerySet[Review]:
    """The plan's reviews not yet completed, by due date."""
    return (
        Review.objects.filter(plan=plan)
        .exclude(status=ReviewStatus.COMPLETED)
        .order_by("due_date", "id")
    )
