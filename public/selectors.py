"""What a public page shows, read in a fixed number of queries, and nothing personal.

Only public facts leave here: the plan as signed (its signatories are public officials named
in it), themes with their responsible agencies (organisations), commitments with counts of
their activities by status, events' titles, dates, places and kinds, and completed reviews'
conclusions. Never users, notes, evidence, funding, programmes or delegations; and never demo
data (made-up examples are not what the cities agreed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Subquery

from cooperation.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    Signatory,
    StatusUpdate,
    Theme,
    ThemeAgency,
)
from core.models import HistoryEntry
from events.models import Event
from partners import clock
from reviews import lifecycle
from reviews.models import Review, ReviewStatus

from .models import PublicPage
from .services import is_wellformed_slug


def enabled_page(slug: str) -> PublicPage:
    """The switched-on page at ``slug`` with its plan, and what its cached copy's freshness
    is read from (one query). Raises PublicPage.DoesNotExist, also for malformed slugs.

    Freshness: every change of plan content is a history entry (core.history), and every
    status change a status update; the newest of each (by id, the primary key's index) say
    whether anything changed since a copy was made.
    """
    if not is_wellformed_slug(slug):
        raise PublicPage.DoesNotExist
    newest_entry = HistoryEntry.objects.order_by("-id")
    newest_update = StatusUpdate.objects.order_by("-id")
    return (
        PublicPage.objects.filter(slug=slug, enabled=True)
        .select_related("plan__partnership__first_city", "plan__partnership__second_city")
        .annotate(
            history_id=Subquery(newest_entry.values("id")[:1]),
            history_at=Subquery(newest_entry.values("timestamp")[:1]),
            update_id=Subquery(newest_update.values("id")[:1]),
            update_at=Subquery(newest_update.values("created_at")[:1]),
        )
        .get()
    )


def enabled_pages():
    """Every switched-on page (the sitemap), with its plan's freshness."""
    return (
        PublicPage.objects.filter(enabled=True)
        .select_related("plan")
        .annotate(
            activity_at=Subquery(
                Activity.objects.filter(theme__plan=OuterRef("plan_id"))
                .order_by("-updated_at")
                .values("updated_at")[:1]
            )
        )
        .order_by("slug")
    )


@dataclass
class Progress:
    """Counts of activities by status, and how many of them are completed."""

    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def completed(self) -> int:
        return self.counts.get(ActivityStatus.COMPLETED, 0)

    @property
    def by_status(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.counts[s]) for s in ActivityStatus if self.counts.get(s)]


@dataclass
class PublicPlan:
    plan: ActionPlan
    signatories: list
    themes: list  # Theme with .public_responsibilities, .public_commitments, .other_progress
    events: list
    reviews: list
    progress: Progress
    # Where the plan is in its life (in force, ended, evaluated, renewed…), as of today.
    stage: object = None


def public_plan(plan: ActionPlan) -> PublicPlan:
    """Everything the public page and PDF show of ``plan`` (nine queries, whatever its size)."""
    signatories = list(
        Signatory.objects.filter(plan=plan).select_related("city").order_by("city_id", "id")
    )
    themes = list(
        Theme.objects.filter(plan=plan)
        .select_related("withdrawn_by")
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ThemeAgency.objects.select_related("agency").order_by(
                    "role", "agency__city_id", "agency__name"
                ),
                to_attr="public_responsibilities",
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("withdrawn_by").order_by("order"),
                to_attr="public_commitments",
            ),
        )
    )
    # (theme, commitment or None, status) -> count, in one grouped query.
    counts: dict[tuple, dict] = {}
    rows = (
        Activity.objects.filter(theme__plan=plan, is_demo=False)
        .values_list("theme_id", "commitment_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    overall = Progress()
    for theme_id, commitment_id, status, n in rows:
        counts.setdefault((theme_id, commitment_id), {})[status] = n
        overall.counts[status] = overall.counts.get(status, 0) + n
    for theme in themes:
        for commitment in theme.public_commitments:
            commitment.progress = Progress(counts.get((theme.pk, commitment.pk), {}))
        theme.other_progress = Progress(counts.get((theme.pk, None), {}))
    events = list(
        Event.objects.filter(plan=plan, is_demo=False)
        .select_related("host_city")
        .only(
            "id",
            "plan_id",
            "kind",
            "title_en",
            "title_zh_hans",
            "venue_en",
            "venue_zh_hans",
            "year",
            "start_date",
            "end_date",
            "host_city",
        )
        .order_by("start_date", "year", "id")
    )
    reviews = list(
        Review.objects.filter(plan=plan, status=ReviewStatus.COMPLETED).order_by(
            "completed_at", "id"
        )
    )
    return PublicPlan(
        plan=plan,
        signatories=signatories,
        themes=themes,
        events=events,
        reviews=reviews,
        progress=overall,
        stage=lifecycle.stage_of(plan, clock.today_for(None)),
    )
