"""Reads: querysets with their joins, shared by the pages, the API and /manage/.

Functions return QuerySets with their joins (or one object fetched with them) so that a
page runs a constant number of SQL queries whatever the number of rows. Visibility is decided
by ``partners.access`` only: these functions apply ``access.partnership_q``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.utils import timezone

from partners import access
from partners.models import Agency, City

from .models import (
    CLOSED_STATUSES,
    ActionPlan,
    Activity,
    Commitment,
    Evidence,
    Funding,
    Partnership,
    PlanStatus,
    ResponsibilityRole,
    Signatory,
    StatusUpdate,
    Theme,
    ThemeAgency,
)

STALE_AFTER_DAYS = 90

# The path from each model to its partnership, for access.partnership_q.
_PLAN_PATH = "partnership"
_THEME_PATH = "plan__partnership"
_ACTIVITY_PATH = "theme__plan__partnership"

# Stable order for lists of activities: plan, theme order, planned start (undated last), id.
ACTIVITY_ORDER = (
    "theme__plan_id",
    "theme__order",
    F("planned_start").asc(nulls_last=True),
    "id",
)


# --- plans and themes -----------------------------------------------------------------------


def visible_partnerships(user) -> QuerySet[Partnership]:
    return Partnership.objects.filter(access.partnership_q(user)).select_related(
        "first_city", "second_city"
    )


def visible_cities(user) -> QuerySet[City]:
    """The cities of the user's partnerships."""
    partnerships = Partnership.objects.filter(access.partnership_q(user))
    return City.objects.filter(
        Q(pk__in=partnerships.values("first_city_id"))
        | Q(pk__in=partnerships.values("second_city_id"))
    )


def visible_agencies(user) -> QuerySet[Agency]:
    """Agencies of the sides of the user's partnerships, and the third parties (no city) their
    partnerships name."""
    return Agency.objects.filter(Q(city__in=visible_cities(user)) | access.third_parties_q(user))


def _drafts_hidden(user, prefix: str = "") -> Q:
    """Renewal drafts are their coordinators' until published (ActionPlan.is_renewal_draft)."""
    if access.is_coordinator(user):
        return Q()
    path = f"{prefix}__" if prefix else ""
    return ~Q(**{f"{path}status": PlanStatus.DRAFT, f"{path}renewal_of__isnull": False})


def visible_plans(user) -> QuerySet[ActionPlan]:
    """Plans of the user's partnerships, newest first, with the partnership's two cities."""
    return (
        ActionPlan.objects.filter(access.partnership_q(user, _PLAN_PATH), _drafts_hidden(user))
        .select_related("partnership__first_city", "partnership__second_city")
        .order_by("-period_start_year", "-id")
    )


def current_plan(plans) -> ActionPlan | None:
    """Of a list of plans (newest first): the one in force, else the latest."""
    plans = list(plans)
    for plan in plans:
        if plan.status == PlanStatus.IN_FORCE:
            return plan
    return plans[0] if plans else None


def plan_for_dashboard(user, plan_id: int) -> ActionPlan:
    """A visible plan with its signatories (raises ActionPlan.DoesNotExist)."""
    return (
        visible_plans(user)
        .select_related("predecessor")
        .prefetch_related(
            Prefetch("signatories", queryset=Signatory.objects.select_related("city"))
        )
        .get(pk=plan_id)
    )


def visible_themes(user) -> QuerySet[Theme]:
    return Theme.objects.filter(
        access.partnership_q(user, _THEME_PATH), _drafts_hidden(user, "plan")
    ).select_related("plan__partnership__first_city", "plan__partnership__second_city")


def visible_commitments(user) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        access.partnership_q(user, _ACTIVITY_PATH), _drafts_hidden(user, "theme__plan")
    )


def _theme_parts() -> tuple[Prefetch, Prefetch]:
    return (
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
    )


def themes_of_plan(plan: ActionPlan, *, with_parts: bool = True) -> QuerySet[Theme]:
    """The plan's themes in order, with their responsible agencies and their commitments."""
    qs = Theme.objects.filter(plan=plan).select_related("withdrawn_by").order_by("order")
    return qs.prefetch_related(*_theme_parts()) if with_parts else qs


def theme_for_page(user, theme_id: int) -> Theme:
    """A visible theme with its responsible agencies and commitments (or Theme.DoesNotExist)."""
    return (
        visible_themes(user)
        .select_related("withdrawn_by")
        .prefetch_related(*_theme_parts())
        .get(pk=theme_id)
    )


def _status_counts(activities: QuerySet[Activity], key: str) -> dict:
    """{value of ``key``: {status: number of activities}}, in one query."""
    rows = activities.order_by().values(key, "status").annotate(n=Count("id"))
    counts: dict = defaultdict(dict)
    for row in rows:
        counts[row[key]][row["status"]] = row["n"]
    return counts


# --- activities -----------------------------------------------------------------------------


def visible_activities(user) -> QuerySet[Activity]:
    return Activity.objects.filter(access.partnership_q(user, _ACTIVITY_PATH))


def _lead_prefetches() -> tuple[Prefetch, Prefetch]:
    """The lead agencies with their cities, read apart from their activities' query."""
    return (
        Prefetch("first_lead_agency", queryset=Agency.objects.select_related("city")),
        Prefetch("second_lead_agency", queryset=Agency.objects.select_related("city")),
    )


def _with_leads(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return qs.select_related(
        "theme__plan__partnership",
        "first_lead_agency__city",
        "second_lead_agency__city",
    )


def activity_list(
    user, *, with_participants: bool = False, leads_apart: bool = False
) -> QuerySet[Activity]:
    """Rows of the activity list (and, with participants, of its CSV export).

    ``leads_apart``: the lead agencies and their cities in two small queries of their own (the
    list page). Joined, they made PostgreSQL spend longer planning a page of a text search
    than running it (6 ms against 5 at 10,000 activities)."""
    qs = visible_activities(user).select_related("commitment").order_by(*ACTIVITY_ORDER)
    if leads_apart:
        qs = qs.select_related("theme__plan__partnership").prefetch_related(*_lead_prefetches())
    else:
        qs = _with_leads(qs)
    if with_participants:
        qs = qs.prefetch_related(
            Prefetch("participants", queryset=Agency.objects.select_related("city"))
        ).select_related(  # the funding sheet names sources after the cities
            "theme__plan__partnership__first_city", "theme__plan__partnership__second_city"
        )
    return qs


# The theme page shows this many activities per commitment (and of those without one): the
# most recently updated, what a coordinator follows; the rest are a link to the filtered list.
THEME_PAGE_ACTIVITIES = 10

# Long texts the theme page's table never shows: not read for its rows.
_TABLE_DEFERS = ("description_en", "description_zh_hans", "outcomes_en", "outcomes_zh_hans")


def recent_activities_of_theme(
    theme: Theme, *, per_commitment: int = THEME_PAGE_ACTIVITIES
) -> QuerySet[Activity]:
    """Per commitment of ``theme`` (and for its activities without one) the ``per_commitment``
    most recently updated activities, with their lead agencies, in one query.

    The theme, plan and partnership are the caller's: not joined again for every row.
    """
    rank = Window(
        RowNumber(),
        partition_by=[F("commitment_id")],
        order_by=[F("updated_at").desc(), F("id").desc()],
    )
    return (
        Activity.objects.filter(theme=theme)
        .select_related("first_lead_agency__city", "second_lead_agency__city")
        .defer(*_TABLE_DEFERS)
        .annotate(rank=rank)
        .filter(rank__lte=per_commitment)
        .order_by("commitment_id", "-updated_at", "-id")
    )


def status_counts_by_commitment(theme: Theme) -> dict[int | None, dict[str, int]]:
    """{commitment id (None: no commitment): {status: number of activities}} of a theme, in
    one query."""
    return _status_counts(Activity.objects.filter(theme=theme), "commitment_id")


def activity_for_page(user, activity_id: int) -> Activity:
    """A visible activity with everything its page shows (raises Activity.DoesNotExist).

    Status updates come newest first with their authors; evidence newest first with the
    uploader; fundings by source; participants with their city; linked events.
    """
    return (
        _with_leads(visible_activities(user))
        .select_related(
            "theme__plan__partnership__first_city",
            "theme__plan__partnership__second_city",
            "commitment__withdrawn_by",
            "created_by",
            "updated_by",
        )
        .prefetch_related(
            Prefetch(
                "status_updates",
                queryset=StatusUpdate.objects.select_related("author").order_by("-sequence"),
            ),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("uploaded_by").order_by(
                    "-uploaded_at", "-id"
                ),
            ),
            Prefetch("fundings", queryset=Funding.objects.order_by("source", "id")),
            Prefetch("participants", queryset=Agency.objects.select_related("city")),
            # Events live in a higher layer: reached through the reverse relation only.
            "events",
        )
        .get(pk=activity_id)
    )


def activity_for_change(user, activity_id: int) -> Activity:
    """A visible activity with what permission checks and the edit form need."""
    return (
        _with_leads(visible_activities(user))
        .select_related("commitment")
        .prefetch_related("participants")
        .get(pk=activity_id)
    )


def visible_evidence(user) -> QuerySet[Evidence]:
    return Evidence.objects.filter(
        access.partnership_q(user, f"activity__{_ACTIVITY_PATH}")
    ).select_related("activity__theme__plan__partnership")


def evidence_for_user(user, evidence_id: int) -> Evidence:
    """A visible evidence file with its activity (raises Evidence.DoesNotExist)."""
    return visible_evidence(user).prefetch_related("activity__participants").get(pk=evidence_id)


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Activities not updated since this moment are stale (if still open)."""
    return (now or timezone.now()) - datetime.timedelta(days=STALE_AFTER_DAYS)


def stale_q(cutoff: datetime.datetime) -> Q:
    """Open activities not updated since ``cutoff``."""
    return Q(updated_at__lt=cutoff) & ~Q(status__in=CLOSED_STATUSES)


def stale_activities(plan: ActionPlan, *, now: datetime.datetime | None = None):
    """Open activities of the plan not updated for STALE_AFTER_DAYS days, oldest first, with
    their theme; their lead agencies come from ``attach_leads``."""
    return (
        Activity.objects.filter(theme__plan=plan)
        .filter(stale_q(stale_cutoff(now)))
        .select_related("theme")
        .order_by("updated_at", "id")
    )


def activities_of_agency(plan: ActionPlan, agency_id: int) -> QuerySet[Activity]:
    """The plan's activities an agency leads or takes part in (no duplicates), with their
    theme; their lead agencies come from ``attach_leads``."""
    return (
        Activity.objects.filter(theme__plan=plan)
        .filter(agency_q(agency_id))
        .select_related("theme")
        .order_by(*ACTIVITY_ORDER)
    )


def attach_leads(activities: list[Activity]) -> None:
    """Read the lead agencies (with their cities) of rows already fetched, in two small
    queries for all of them. Joined into the rows' own query they made PostgreSQL plan for
    longer than it ran (7 ms against 1 for the dashboard's stale activities)."""
    prefetch_related_objects(activities, *_lead_prefetches())


@dataclass
class PlanCounts:
    """A plan's activities counted: {theme id: {status: number}}, the stale ones, and those
    of an agency (None when no agency was asked about)."""

    by_theme: dict[int, dict[str, int]]
    stale: int
    of_agency: int | None


def plan_activity_counts(
    plan: ActionPlan, *, stale_before: datetime.datetime, agency_id: int | None = None
) -> PlanCounts:
    """The dashboard's counts in one pass over the plan's activities (a query each made the
    page read them three times): by theme and status, stale (open, not updated since
    ``stale_before``) and led by or with ``agency_id``."""
    counts = {"stale": Count("id", filter=stale_q(stale_before))}
    if agency_id is not None:
        counts["of_agency"] = Count("id", filter=agency_q(agency_id))
    rows = (
        Activity.objects.filter(theme__plan=plan)
        .order_by()
        .values("theme_id", "status")
        .annotate(n=Count("id"), **counts)
    )
    by_theme: dict = defaultdict(dict)
    stale = of_agency = 0
    for row in rows:
        by_theme[row["theme_id"]][row["status"]] = row["n"]
        stale += row["stale"]
        of_agency += row.get("of_agency", 0)
    return PlanCounts(dict(by_theme), stale, of_agency if agency_id is not None else None)


def agency_q(agency_id: int) -> Q:
    """Activities an agency leads or takes part in, without a join that duplicates rows.

    Their ids as one ``UNION ALL`` of three index lookups: written as ``OR`` of the two
    leads and the participation, PostgreSQL scanned every activity (10 ms for the
    dashboard's first 20 at 10,000 activities; 2.6 ms this way)."""
    led_first = Activity.objects.filter(first_lead_agency_id=agency_id).order_by().values("pk")
    led_second = Activity.objects.filter(second_lead_agency_id=agency_id).order_by().values("pk")
    participating = (
        Activity.participants.through.objects.filter(agency_id=agency_id)
        .order_by()
        .values("activity_id")
    )
    return Q(pk__in=led_first.union(led_second, participating, all=True))


def side_q(city_id: int) -> Q:
    """Activities with a lead agency on a city's side."""
    return Q(first_lead_agency__city_id=city_id) | Q(second_lead_agency__city_id=city_id)


def year_q(year: int) -> Q:
    """Activities planned or actually started in a year."""
    return Q(planned_start__year=year) | Q(actual_start__year=year)


def text_q(text: str) -> Q:
    """Title or description containing ``text``, in either language."""
    q = Q()
    for name in ("title_en", "title_zh_hans", "description_en", "description_zh_hans"):
        q |= Q(**{f"{name}__icontains": text})
    return q


def responsibilities_by_side(theme, partnership) -> tuple[list[dict], list]:
    """A theme's responsible agencies: per city of the partnership its agencies responsible
    without a rank (``responsible``), its lead and its supporting agencies, then the
    responsibilities of agencies on neither side (third parties).

    Uses ``theme.responsibilities`` as prefetched (with their agencies) by the caller.
    """
    responsibilities = list(theme.responsibilities.all())
    sides = []
    for city in partnership.cities:
        of_side = [r for r in responsibilities if r.agency.city_id == city.pk]
        sides.append(
            {
                "city": city,
                "responsible": [
                    r.agency for r in of_side if r.role == ResponsibilityRole.RESPONSIBLE
                ],
                "lead": [r.agency for r in of_side if r.role == ResponsibilityRole.LEAD],
                "supporting": [
                    r.agency for r in of_side if r.role == ResponsibilityRole.SUPPORTING
                ],
            }
        )
    city_ids = {partnership.first_city_id, partnership.second_city_id}
    others = [r for r in responsibilities if r.agency.city_id not in city_ids]
    return sides, others
