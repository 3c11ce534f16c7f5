"""Reads of reviews, with their joins, shared by the pages and the API."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.translation import ngettext_lazy

from cooperation.models import Activity, ActivityStatus, Commitment, Theme
from partners import access, clock

from .models import Reminder, Review, ReviewStatus, ThemeAssessment


def reviews_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Review]:
    """Reviews of the plans of the user's partnerships, each with ``is_overdue``.

    A review is overdue when its due date has passed and it is not completed.
    """
    today = today or clock.today_for(user)
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
    """Reviews with the plan's themes, their commitments and the assessments made: four
    queries per review."""
    return (
        reviews_visible_to(user)
        .select_related("plan__partnership")
        .prefetch_related(
            Prefetch(
                "plan__themes",
                queryset=Theme.objects.order_by("order", "id").prefetch_related(
                    Prefetch("commitments", queryset=Commitment.objects.order_by("order", "id"))
                ),
            ),
            Prefetch(
                "assessments",
                queryset=ThemeAssessment.objects.select_related("assessed_by"),
            ),
        )
    )


def review_for_page(user, review_id: int) -> Review:
    """A visible review with everything its page shows (raises Review.DoesNotExist)."""
    return review_detail_queryset(user).get(pk=review_id)


def review_for_change(user, review_id: int) -> Review:
    """A visible review with what permission checks need (raises Review.DoesNotExist)."""
    return reviews_visible_to(user).select_related("plan__partnership").get(pk=review_id)


# How far the activities got, one phrase per status ("2 in progress").
STATUS_PHRASES = {
    ActivityStatus.PLANNED: ngettext_lazy("%(count)s planned", "%(count)s planned", "count"),
    ActivityStatus.IN_PROGRESS: ngettext_lazy(
        "%(count)s in progress", "%(count)s in progress", "count"
    ),
    ActivityStatus.COMPLETED: ngettext_lazy("%(count)s completed", "%(count)s completed", "count"),
    ActivityStatus.ON_HOLD: ngettext_lazy("%(count)s on hold", "%(count)s on hold", "count"),
    ActivityStatus.CANCELLED: ngettext_lazy("%(count)s cancelled", "%(count)s cancelled", "count"),
}


@dataclass
class Progress:
    """Numbers of activities by status."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def parts(self) -> list[tuple[str, str]]:
        """(status, "2 in progress") for each status that has activities, in workflow order."""
        return [
            (status.value, STATUS_PHRASES[status] % {"count": self.counts[status.value]})
            for status in ActivityStatus
            if self.counts.get(status.value)
        ]

    def add(self, status: str, n: int) -> None:
        self.counts[status] = self.counts.get(status, 0) + n


@dataclass
class CommitmentRow:
    commitment: Commitment
    progress: Progress


@dataclass
class ThemeRow:
    theme: Theme
    assessment: ThemeAssessment | None
    commitments: list[CommitmentRow] = field(default_factory=list)
    # Activities of the theme tied to none of its commitments.
    loose: Progress = field(default_factory=Progress)
    total: Progress = field(default_factory=Progress)


def activity_counts(plan_id: int) -> dict[int, dict[int | None, dict[str, int]]]:
    """{theme id: {commitment id or None: {status: number of activities}}}: one query."""
    rows = (
        Activity.objects.filter(theme__plan_id=plan_id)
        .order_by()
        .values("theme_id", "commitment_id", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[int | None, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        counts[row["theme_id"]][row["commitment_id"]][row["status"]] = row["n"]
    return counts


def theme_rows(review: Review) -> list[ThemeRow]:
    """Every theme of the review's plan, in order, with its assessment in this review (or
    None), its commitments and how far the activities under each got. One query (the counts)
    on top of ``review_detail_queryset``."""
    by_theme = {a.theme_id: a for a in review.assessments.all()}
    counts = activity_counts(review.plan_id)
    rows = []
    for theme in review.plan.themes.all():
        row = ThemeRow(theme, by_theme.get(theme.pk))
        of_theme = counts.get(theme.pk, {})
        known = set()
        for commitment in theme.commitments.all():
            known.add(commitment.pk)
            progress = Progress(dict(of_theme.get(commitment.pk, {})))
            row.commitments.append(CommitmentRow(commitment, progress))
        for commitment_id, by_status in of_theme.items():
            for status, n in by_status.items():
                row.total.add(status, n)
                # Not tied to a commitment (or, oddly, to one of another theme).
                if commitment_id not in known:
                    row.loose.add(status, n)
        rows.append(row)
    return rows


def reminders_of(user) -> QuerySet[Reminder]:
    """The user's reminders of their partnerships' reviews, newest first, with the review and
    its plan: one query."""
    return (
        Reminder.objects.filter(recipient_id=user.pk)
        .filter(access.partnership_q(user, "review__plan__partnership"))
        .select_related("review__plan")
        .order_by("-created_at", "-id")
    )
