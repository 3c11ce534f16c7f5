"""When a review reminds, and whom: the stages before and after the due date, the stale
activities of each responsible agency, and the recipients of a stage's reminder."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cooperation import selectors as cooperation_selectors
from cooperation.models import Activity, PlanStatus, ThemeAgency
from core.dates import long_date
from partners.models import Role

from ..models import Review, ReviewStatus

User = get_user_model()

# An activity needs an update when it has not changed since the previous review, or at least
# not in this many days.
STALE_AFTER_DAYS = 60
# Reviews of plans in these states are not reminded of any more.
ENDED_PLAN_STATUSES = (PlanStatus.CONCLUDED, PlanStatus.RENEWED)


def lead_times(review: Review) -> list[int]:
    """The review's configured lead times (days before the due date), cleaned and sorted."""
    values = review.reminder_days if isinstance(review.reminder_days, list) else []
    return sorted({v for v in values if isinstance(v, int) and not isinstance(v, bool) and v >= 0})


def current_stage(review: Review, today: datetime.date) -> int | None:
    """The reminder stage the review is in on ``today``, as ``lead_days``; None before the first.

    Before and on the due date: the smallest configured lead time whose day has come (a sweep
    that did not run for a while sends only the latest stage, never a flood of old ones).
    After it: one stage a week, -1 from the day after the due date, -8 a week later, and so on.
    """
    if today > review.due_date:
        k = (today - review.due_date - datetime.timedelta(days=1)).days // 7
        return -(1 + 7 * k)
    days_left = (review.due_date - today).days
    reached = [lead for lead in lead_times(review) if lead >= days_left]
    return min(reached) if reached else None


def stage_label(lead_days: int, due_date: datetime.date) -> str:
    """A stage in words, in the active language: "90 days before", "On the due date",
    "Overdue since 31 December 2021" (the weekly reminders while overdue)."""
    if lead_days > 0:
        return ngettext("%(days)s day before", "%(days)s days before", lead_days) % {
            "days": lead_days
        }
    if lead_days == 0:
        return gettext("On the due date")
    return gettext("Overdue since %(date)s") % {"date": long_date(due_date)}


@dataclass
class PlannedReminder:
    """One reminder of the current stage: who gets it, in which language, about what."""

    review: Review
    recipient: object  # a user
    lead_days: int
    language: str  # the recipient's preferred language; "" = English and Chinese
    activity_ids: list[int]
    as_coordinator: bool
    reminder_id: int | None = None  # set once claimed

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.review.pk, self.recipient.pk, self.lead_days)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def stale_cutoff(review: Review, today: datetime.date) -> datetime.datetime:
    """Activities not updated since this moment need an update: the later of the completion of
    the plan's previous completed review and the start of the day ``STALE_AFTER_DAYS`` ago."""
    window = _start_of(today - datetime.timedelta(days=STALE_AFTER_DAYS))
    previous = (
        Review.objects.filter(plan_id=review.plan_id, status=ReviewStatus.COMPLETED)
        .exclude(pk=review.pk)
        .filter(completed_at__lt=_start_of(today + datetime.timedelta(days=1)))
        .aggregate(latest=Max("completed_at"))["latest"]
    )
    return max(window, previous) if previous else window


def stale_activities_by_agency(review: Review, today: datetime.date) -> dict[int, list[int]]:
    """Agency id -> ids of its stale activities, for the agencies responsible for a theme of
    the review's plan: open activities of the plan the agency leads (on either side) or takes
    part in, not updated since ``stale_cutoff``. Three queries."""
    responsible = set(
        ThemeAgency.objects.filter(theme__plan_id=review.plan_id).values_list(
            "agency_id", flat=True
        )
    )
    if not responsible:
        return {}
    stale = Activity.objects.filter(theme__plan_id=review.plan_id).filter(
        cooperation_selectors.stale_q(stale_cutoff(review, today))
    )
    by_agency: dict[int, set[int]] = {}
    for pk, first, second in stale.values_list(
        "pk", "first_lead_agency_id", "second_lead_agency_id"
    ):
        for agency_id in (first, second):
            if agency_id in responsible:
                by_agency.setdefault(agency_id, set()).add(pk)
    participations = Activity.participants.through.objects.filter(
        activity__in=stale, agency_id__in=responsible
    ).values_list("agency_id", "activity_id")
    for agency_id, pk in participations:
        by_agency.setdefault(agency_id, set()).add(pk)
    return {agency_id: sorted(ids) for agency_id, ids in by_agency.items()}


def plan_reminders(review: Review, lead_days: int, today: datetime.date) -> list[PlannedReminder]:
    """Who gets the review's reminder of this stage.

    The active coordinators of both sides of the partnership (with all stale activities, which
    their e-mail counts per agency), and the active staff of every responsible agency that has
    stale activities (with the list of them). People without an e-mail address get nothing.
    """
    by_agency = stale_activities_by_agency(review, today)
    people = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .select_related("profile")
        .filter(
            Q(
                profile__role=Role.COORDINATOR,
                profile__city_id__in=review.plan.partnership.access_cities(),
            )
            | Q(profile__role=Role.AGENCY_STAFF, profile__agency_id__in=list(by_agency))
        )
        .order_by("profile__role", "profile__city_id", "username")
    )
    everything = sorted({pk for ids in by_agency.values() for pk in ids})
    planned = []
    for user in people:
        profile = user.profile
        as_coordinator = profile.role == Role.COORDINATOR
        planned.append(
            PlannedReminder(
                review=review,
                recipient=user,
                lead_days=lead_days,
                language=profile.preferred_language,
                activity_ids=everything if as_coordinator else by_agency[profile.agency_id],
                as_coordinator=as_coordinator,
            )
        )
    return planned


def open_reviews() -> QuerySet[Review]:
    """Reviews that still remind: not completed, of a plan that has not ended."""
    return (
        Review.objects.exclude(status=ReviewStatus.COMPLETED)
        .exclude(plan__status__in=ENDED_PLAN_STATUSES)
        .select_related("plan__partnership")
    )
