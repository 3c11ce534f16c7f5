"""The snapshot: everything a progress report shows of a plan (or one theme of it) as of a date.

The plan as of a date is rebuilt from the append-only status history: an activity's status
on that date is the ``to_status`` of its last status update made on or before the date (in
either city's time zone: the later end of the day counts), else the ``from_status`` of its first
update, else its status now. Activities created after the date are left out; actual dates after
it are not shown. Events and reviews have no history: they appear as they are recorded now.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F, Prefetch
from django.utils import timezone

from cooperation import money
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
from cooperation.progress import is_met, target_of
from cooperation.selectors import responsibilities_by_side
from events.models import Event
from partners import clock
from reviews.models import Review, ThemeAssessment

from .dates import lazy_date, lazy_range
from .versions import as_of_version

#: Statuses in the plan's order: summary columns, chart segments, legends.
STATUS_ORDER = list(ActivityStatus.values)


def _city_zones(plan: ActionPlan) -> list[ZoneInfo]:
    """The time zones of the plan's two cities (the portal's own when they are unknown)."""
    return [clock.zone_of(city) for city in plan.partnership.cities]


def end_of_day(plan: ActionPlan, as_of: datetime.date) -> datetime.datetime:
    """The first instant after ``as_of`` has ended in both cities of the plan."""
    next_day = as_of + datetime.timedelta(days=1)
    return max(
        datetime.datetime.combine(next_day, datetime.time(), tzinfo=tz) for tz in _city_zones(plan)
    )


@dataclass
class ActivityRow:
    activity: Activity
    status: str
    status_label: object
    planned: object
    actual: object
    note_en: str = ""
    note_zh_hans: str = ""
    note_date: object = None

    @property
    def note(self) -> str:
        """The latest note in either language (``{% tr item "note" %}`` chooses and marks)."""
        return self.note_en or self.note_zh_hans


@dataclass
class CommitmentRow:
    commitment: Commitment
    activities: list[ActivityRow]
    completed: int
    target: int
    met: bool


@dataclass
class ThemeChapter:
    theme: Theme
    sides: list[dict]
    others: list
    commitments: list[CommitmentRow]
    loose: list[ActivityRow]
    counts: dict[str, int]
    total: int
    commitments_met: int
    # The theme's money by source and currency (cooperation.money), as recorded now.
    money: money.Totals = field(default_factory=money.Totals)
    funding_chart: dict | None = None  # drawn by rendering (reports.charts.funding_chart)

    @property
    def anchor(self) -> str:
        return f"theme-{self.theme.pk}"

    @property
    def status_cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUS_ORDER]

    # What the chapter's template lays out: all of it (``reports.rendering.ChapterPiece`` is
    # a run of it, in a part of the parallel path).
    continued = False  # True: no heading, introduction, agencies or funding
    loose_head = True  # the heading of the activities not tied to a commitment

    @property
    def rows(self) -> list[CommitmentRow]:
        return self.commitments

    @property
    def loose_rows(self) -> list[ActivityRow]:
        return self.loose


@dataclass
class ReportData:
    plan: ActionPlan
    theme: Theme | None
    as_of: datetime.date
    chapters: list[ThemeChapter]
    events: list[Event]
    reviews: list[Review]
    signatories: list[Signatory]
    coordinators: list
    has_demo: bool
    totals: dict[str, int] = field(default_factory=dict)
    version: object = None

    @property
    def activity_count(self) -> int:
        return sum(c.total for c in self.chapters)


def _status_as_of(activity: Activity, updates: list[dict], cutoff: datetime.datetime):
    """(status, last update) of an activity just before ``cutoff``, from its history."""
    before = [u for u in updates if u["created_at"] < cutoff]
    if before:
        last = before[-1]
        return last["to_status"], last
    if updates:
        return updates[0]["from_status"], None
    return activity.status, None


def collect(plan: ActionPlan, theme: Theme | None, as_of: datetime.date) -> ReportData:
    """Everything the report shows, read in a fixed number of queries."""
    plan = (
        ActionPlan.objects.select_related("partnership__first_city", "partnership__second_city")
        .prefetch_related(
            Prefetch("signatories", queryset=Signatory.objects.select_related("city")),
            "coordinators",
        )
        .get(pk=plan.pk)
    )
    cutoff = end_of_day(plan, as_of)
    themes_qs = Theme.objects.filter(plan=plan).order_by("order")
    if theme is not None:
        themes_qs = themes_qs.filter(pk=theme.pk)
    themes = list(
        themes_qs.prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ThemeAgency.objects.select_related("agency__city").order_by(
                    "role", "agency__name"
                ),
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("withdrawn_by").order_by("order"),
            ),
        ).select_related("withdrawn_by")
    )
    # The plan as it stood on that date: the version in force then (reports/versions.py).
    themes, version = as_of_version(plan, themes, as_of)
    activities = list(
        Activity.objects.filter(theme__in=themes, created_at__lt=cutoff)
        .select_related("first_lead_agency__city", "second_lead_agency__city")
        .order_by("theme__order", F("planned_start").asc(nulls_last=True), "id")
    )
    history: dict[int, list[dict]] = defaultdict(list)
    for row in (
        StatusUpdate.objects.filter(activity__theme__in=themes, activity__created_at__lt=cutoff)
        .order_by("activity_id", "sequence")
        .values("activity_id", "created_at", "from_status", "to_status", "note_en", "note_zh_hans")
    ):
        history[row["activity_id"]].append(row)

    rows_by_theme: dict[int, list[ActivityRow]] = defaultdict(list)
    for activity in activities:
        status, last = _status_as_of(activity, history.get(activity.pk, []), cutoff)
        if status not in STATUS_ORDER:
            status = ActivityStatus.PLANNED
        started = status != ActivityStatus.PLANNED
        start = (
            activity.actual_start
            if started and activity.actual_start and activity.actual_start <= as_of
            else None
        )
        end = (
            activity.actual_end
            if status == ActivityStatus.COMPLETED
            and activity.actual_end
            and activity.actual_end <= as_of
            else None
        )
        rows_by_theme[activity.theme_id].append(
            ActivityRow(
                activity=activity,
                status=status,
                status_label=ActivityStatus(status).label,
                planned=lazy_range(activity.planned_start, activity.planned_end)
                if activity.planned_start or activity.planned_end
                else None,
                actual=lazy_range(start, end) if start or end else None,
                note_en=(last or {}).get("note_en") or "",
                note_zh_hans=(last or {}).get("note_zh_hans") or "",
                note_date=lazy_date(timezone.localtime(last["created_at"]).date())
                if last
                else None,
            )
        )

    funding = money.activity_totals(a.pk for a in activities)  # one query
    partnership = plan.partnership
    chapters = []
    totals: Counter = Counter()
    for th in themes:
        rows = rows_by_theme.get(th.pk, [])
        counts = Counter(r.status for r in rows)
        totals.update(counts)
        by_commitment: dict[int | None, list[ActivityRow]] = defaultdict(list)
        for r in rows:
            by_commitment[r.activity.commitment_id].append(r)
        commitment_rows = []
        for c in th.version_commitments:
            under = by_commitment.pop(c.pk, [])
            completed = sum(1 for r in under if r.status == ActivityStatus.COMPLETED)
            commitment_rows.append(
                CommitmentRow(c, under, completed, target_of(c), is_met(c, completed))
            )
        loose = [r for rs in by_commitment.values() for r in rs]
        sides, others = responsibilities_by_side(th, partnership)
        chapters.append(
            ThemeChapter(
                theme=th,
                sides=sides,
                others=others,
                commitments=commitment_rows,
                loose=loose,
                counts=dict(counts),
                total=len(rows),
                commitments_met=sum(1 for c in commitment_rows if c.met),
                money=money.combine(funding.get(r.activity.pk, money.Totals()) for r in rows),
            )
        )

    events_qs = Event.objects.filter(plan=plan).select_related("host_city")
    if theme is not None:
        events_qs = events_qs.filter(themes=theme)
    events = list(
        events_qs.order_by(
            F("start_date").asc(nulls_last=True), F("year").asc(nulls_last=True), "id"
        ).distinct()
    )
    for event in events:
        event.when = lazy_range(event.start_date, event.end_date or event.start_date)
    assessments = ThemeAssessment.objects.select_related("theme").order_by("theme__order")
    if theme is not None:
        assessments = assessments.filter(theme=theme)
    reviews = list(
        Review.objects.filter(plan=plan)
        .order_by("due_date", "id")
        .prefetch_related(Prefetch("assessments", queryset=assessments))
    )
    for review in reviews:
        review.due = lazy_date(review.due_date)
    return ReportData(
        plan=plan,
        theme=themes[0] if theme is not None and themes else None,
        as_of=as_of,
        chapters=chapters,
        events=events,
        reviews=reviews,
        signatories=list(plan.signatories.all()),
        coordinators=list(plan.coordinators.all()),
        has_demo=any(r.activity.is_demo for rs in rows_by_theme.values() for r in rs)
        or any(e.is_demo for e in events),
        totals=dict(totals),
        version=version,
    )
