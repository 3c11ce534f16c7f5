"""Reads of reviews, with their joins, shared by the pages (and later the API)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils import timezone

from cooperation.models import Theme
from partners import access

from .models import Review, ReviewStatus, ThemeAssessment


def reviews_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Review]:
    """Reviews of the plans of the user's partnerships, each with ``is_overdue``.

    A review is overdue when its due date has passed and it is not completed.
    """
    today = today or timezone.localdate()
    return Review.objects.filter(access.partnership_q(user, "plan__partnership")).annotate(
        is_overdue=ExpressionWrapper(
            Q(due_date__lt=today) & ~Q(status=ReviewStatus.COMPLETED),
            output_field=BooleanField(),
        )
    )


def review_list(user) -> QuerySet[Review]:
    """The user's reviews by due date, with their plan: one query."""
    return reviews_visible_to(user).select_related("plan").order_by("due_date", "id")


def review_detail_queryset(user) -> QuerySet[Review]:
    """Reviews with the plan's themes and the assessments made: three queries per review."""
    return (
        reviews_visible_to(user)
        .select_related("plan__partnership")
        .prefetch_related(
            Prefetch("plan__themes", queryset=Theme.objects.order_by("order", "id")),
            Prefetch(
                "assessments",
                queryset=ThemeAssessment.objects.select_related("assessed_by"),
            ),
        )
    )


@dataclass
class ThemeRow:
    theme: Theme
    assessment: ThemeAssessment | None


def theme_rows(review: Review) -> list[ThemeRow]:
    """Every theme of the review's plan, in order, with its assessment in this review or None."""
    by_theme = {a.theme_id: a for a in review.assessments.all()}
    return [ThemeRow(theme, by_theme.get(theme.pk)) for theme in review.plan.themes.all()]
