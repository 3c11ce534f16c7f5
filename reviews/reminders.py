"""Review reminders: who is reminded of which review when, and the delivery of each e-mail.

The rules, one function each, called by the Celery tasks, ``manage.py send_reminders``, the
admin and the tests alike:

- ``current_stage(review, today)``: the one reminder stage a review is in on a day.
- ``plan_reminders(review, lead_days, today)``: who gets that stage's reminder, in which
  language, about which stale activities.
- ``sweep(today=…, dry_run=…)``: for every open review, claims each (review, recipient, stage)
  by inserting its ``Reminder`` row (the unique constraint lets exactly one sweep win), and
  queues its delivery once the row is committed; re-queues failed and abandoned deliveries.
- ``deliver(reminder_id)``: claims one reminder with one conditional UPDATE, sends the e-mail,
  records the outcome. A second delivery of the same reminder finds nothing to claim.
- ``retry_now(ids)``: the admin's "retry now", through ``deliver``.

Exactly once, and the one window nothing closes: a worker that dies after the mail server
accepted the message and before ``sent`` is recorded leaves the row ``sending``; once its
lease (``REMINDER_CLAIM_MINUTES``) runs out, the next sweep sends it again. That second copy
carries the same ``Message-ID`` header as the first, so mail servers and clients that
de-duplicate can recognise it.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext, ngettext

from cooperation.models import CLOSED_STATUSES, Activity, PlanStatus, ThemeAgency
from partners import access, clock
from partners.models import Agency, Role
from partners.templatetags.content import tr_text

from .models import Reminder, ReminderStatus, Review, ReviewStatus

log = logging.getLogger(__name__)

User = get_user_model()

# An activity needs an update when it has not changed since the previous review, or at least
# not in this many days.
STALE_AFTER_DAYS = 60
# A failed send is tried again after 5 minutes, then 10, 20, … at most every 6 hours. The
# Celery task retries on the same schedule (see tasks.py).
BACKOFF_SECONDS = 300
BACKOFF_MAX_SECONDS = 6 * 3600
# Reviews of plans in these states are not reminded of any more.
ENDED_PLAN_STATUSES = (PlanStatus.CONCLUDED, PlanStatus.RENEWED)
# Languages an e-mail is written in when the recipient has not chosen one: English first.
BOTH_LANGUAGES = ("en", "zh-hans")
# Long dates: the plan's English is British ("31 December 2021"); other languages use their
# locale's own date format (Chinese: 2021年12月31日).
LONG_DATE_FORMATS = {"en": "j F Y"}


class ReminderDeliveryFailed(Exception):
    """The mail server refused or could not be reached; the reminder is due again later."""

    def __init__(self, reminder_id: int, retry_in: int, error: str):
        super().__init__(f"reminder {reminder_id}: {error} (next attempt in {retry_in} s)")
        self.reminder_id = reminder_id
        self.retry_in = retry_in


# --- stages ---------------------------------------------------------------------------------


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


def stage_label(lead_days: int) -> str:
    """A stage in words, in the active language: "90 days before", "3 days overdue"."""
    if lead_days > 0:
        return ngettext("%(days)s day before", "%(days)s days before", lead_days) % {
            "days": lead_days
        }
    if lead_days == 0:
        return gettext("On the due date")
    days = -lead_days
    return ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days}


# --- recipients -----------------------------------------------------------------------------


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
    stale = Activity.objects.filter(
        theme__plan_id=review.plan_id, updated_at__lt=stale_cutoff(review, today)
    ).exclude(status__in=CLOSED_STATUSES)
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


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    today: datetime.date
    dry_run: bool
    # The current stages' reminders claimed by this sweep (in a dry run: that would be).
    reminders: list[PlannedReminder] = field(default_factory=list)
    # Reminders another sweep claimed between our look and our insert.
    lost_races: int = 0
    # Failed or abandoned deliveries queued again (in a dry run: that would be).
    requeued: list[int] = field(default_factory=list)
    # Unsent reminders dropped because their review was completed or the recipient left.
    withdrawn: int = 0


def _due_again(now: datetime.datetime) -> QuerySet[Reminder]:
    """Unsent reminders of open reviews whose delivery should be (re)started: failed ones whose
    next attempt has come, ones whose sender's lease ran out (the worker died), and pending
    ones that were never picked up (the broker was down when they were queued)."""
    lease = datetime.timedelta(minutes=settings.REMINDER_CLAIM_MINUTES)
    return (
        Reminder.objects.filter(
            Q(status=ReminderStatus.FAILED, next_attempt_at__lte=now)
            | Q(status=ReminderStatus.SENDING, claimed_until__lt=now)
            | Q(status=ReminderStatus.PENDING, created_at__lt=now - lease),
            recipient__is_active=True,
        )
        .exclude(
            Q(review__status=ReviewStatus.COMPLETED)
            | Q(review__plan__status__in=ENDED_PLAN_STATUSES)
        )
        .order_by("pk")
    )


def _queue_delivery(reminder_id: int, as_of: datetime.date | None) -> None:
    from .tasks import deliver_reminder_task

    as_of_iso = as_of.isoformat() if as_of else None
    # robust: a broker outage must not abort the sweep; the row stays pending and the next
    # sweep queues it again.
    transaction.on_commit(lambda: deliver_reminder_task.delay(reminder_id, as_of_iso), robust=True)


def _claim(planned: PlannedReminder, as_of: datetime.date | None) -> int | None:
    """Insert the reminder's row (its claim) and queue its delivery after commit; None when a
    concurrent sweep claimed it first."""
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                review=planned.review,
                recipient=planned.recipient,
                lead_days=planned.lead_days,
                status=ReminderStatus.PENDING,
                activity_ids=planned.activity_ids,
                language=planned.language,
            )
            _queue_delivery(reminder.pk, as_of)
    except IntegrityError:
        return None
    return reminder.pk


def sweep(*, today: datetime.date | None = None, dry_run: bool = False) -> SweepResult:
    """Send each open review's current reminder stage to whoever has not had it yet.

    ``today`` defaults to today in Helsinki (the beat runs at 08:00 there). The e-mails then
    count days from the day they are sent; with an explicit ``today`` (a demo, an operator
    catching up) they count from that day. ``dry_run`` computes what would be sent and writes
    and queues nothing. Safe to run any number of times, concurrently too.
    """
    as_of = today
    today = today or clock.today_for(None)
    now = timezone.now()
    result = SweepResult(today=today, dry_run=dry_run)

    planned: list[PlannedReminder] = []
    for review in open_reviews():
        lead_days = current_stage(review, today)
        if lead_days is not None:
            planned.extend(plan_reminders(review, lead_days, today))

    if planned:
        stages = Q()
        for review_id, lead_days in {(p.review.pk, p.lead_days) for p in planned}:
            stages |= Q(review_id=review_id, lead_days=lead_days)
        existing = set(
            Reminder.objects.filter(stages).values_list("review_id", "recipient_id", "lead_days")
        )
        planned = [p for p in planned if p.key not in existing]

    if dry_run:
        result.reminders = planned
        result.requeued = list(_due_again(now).values_list("pk", flat=True))
        return result

    result.withdrawn, _ = Reminder.objects.filter(
        Q(review__status=ReviewStatus.COMPLETED)
        | Q(review__plan__status__in=ENDED_PLAN_STATUSES)
        | Q(recipient__is_active=False),
        status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED],
    ).delete()

    for item in planned:
        item.reminder_id = _claim(item, as_of)
        if item.reminder_id is None:
            result.lost_races += 1
        else:
            result.reminders.append(item)

    claimed_now = {item.reminder_id for item in result.reminders}
    for reminder_id in _due_again(now).values_list("pk", flat=True):
        if reminder_id not in claimed_now:
            _queue_delivery(reminder_id, as_of)
            result.requeued.append(reminder_id)
    return result


# --- delivery -------------------------------------------------------------------------------


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 300, 600, 1200, … ≤ 6 h."""
    return min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def message_id(reminder_id: int) -> str:
    """The same for every attempt at one reminder, so a duplicate can be recognised."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<review-reminder-{reminder_id}@{host}>"


def _claimable(now: datetime.datetime) -> Q:
    waiting = Q(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=ReminderStatus.SENDING, claimed_until__lt=now)
    return waiting | abandoned


def _record_failure(reminder_id: int, error: str) -> int:
    """Mark a claimed reminder failed, due again after the backoff; the backoff in seconds."""
    attempts = Reminder.objects.values_list("attempts", flat=True).get(pk=reminder_id)
    retry_in = backoff_seconds(attempts)
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING).update(
        status=ReminderStatus.FAILED,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=retry_in),
        claimed_until=None,
    )
    return retry_in


def deliver(reminder_id: int, *, as_of: datetime.date | None = None) -> bool:
    """Send one reminder, once. True when this call sent it.

    The claim is one conditional UPDATE (without joins, so that PostgreSQL re-checks it on the
    row itself when two workers race): only a pending reminder, a failed one whose next attempt
    has come, or one whose sender's lease ran out. Zero rows changed means another worker has
    it, or it was sent: nothing to do. A mail server failure is recorded (failed, last error,
    next attempt after the backoff) and raised as ``ReminderDeliveryFailed`` for the task to
    retry.
    """
    reminder = (
        Reminder.objects.select_related(
            "review__plan__partnership",
            "recipient__profile__city",
            "recipient__profile__agency",
        )
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or reminder.status == ReminderStatus.SENT:
        return False
    review = reminder.review
    if (
        review.status == ReviewStatus.COMPLETED
        or review.plan.status in ENDED_PLAN_STATUSES
        or not reminder.recipient.is_active
    ):
        return False  # the next sweep withdraws it

    now = timezone.now()
    claimed = Reminder.objects.filter(_claimable(now), pk=reminder_id).update(
        status=ReminderStatus.SENDING,
        claimed_until=now + datetime.timedelta(minutes=settings.REMINDER_CLAIM_MINUTES),
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return False

    if not reminder.recipient.email:
        _record_failure(reminder_id, "The recipient has no e-mail address.")
        return False
    try:
        # A mail server that hangs must give up well inside the lease, or a second worker
        # could take the reminder over while the first is still sending it.
        connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 60)
        build_message(reminder, as_of=as_of, connection=connection).send()
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        retry_in = _record_failure(reminder_id, error)
        log.warning("reminder %s not sent: %s; retry in %s s", reminder_id, error, retry_in)
        raise ReminderDeliveryFailed(reminder_id, retry_in, error) from exc
    except Exception as exc:
        # A bug, not the mail server: recorded and visible in the admin; the sweep retries it.
        _record_failure(reminder_id, f"{type(exc).__name__}: {exc}")
        raise
    Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.SENDING).update(
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        next_attempt_at=None,
        last_error="",
    )
    return True


@dataclass
class RetryResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def retry_now(reminder_ids) -> RetryResult:
    """Deliver these reminders now, not waiting for their next attempt (the admin's action).
    Sent ones, and ones another worker is sending, are skipped."""
    result = RetryResult()
    for reminder_id in reminder_ids:
        Reminder.objects.filter(
            pk=reminder_id, status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED]
        ).update(next_attempt_at=timezone.now())
        try:
            sent = deliver(reminder_id)
        except ReminderDeliveryFailed:
            result.failed += 1
            continue
        if sent:
            result.sent += 1
        else:
            result.skipped += 1
    return result


# --- the e-mail -----------------------------------------------------------------------------


def time_zone_of(profile) -> ZoneInfo:
    """The time zone of the person's city (the portal's own when unknown or misspelt)."""
    return clock.zone_of(getattr(profile, "city", None))


def long_date(value: datetime.date) -> str:
    """A date spelled out in the active language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return date_format(value, LONG_DATE_FORMATS.get(language, "DATE_FORMAT"))


def _when(value: datetime.datetime, tz: ZoneInfo) -> str:
    local = timezone.localtime(value, tz)
    return f"{long_date(local.date())} {time_format(local, 'H:i')}"


@dataclass
class _ActivityLine:
    title: str
    status: str
    updated: str
    url: str


@dataclass
class _AgencyLine:
    name: str
    count: int


@dataclass
class _Section:
    """The e-mail's text in one language, everything already formatted in it."""

    language: str
    name: str
    review_title: str
    plan_title: str
    year: str
    due_date: str
    days_left: int
    days_overdue: int
    review_url: str
    as_coordinator: bool
    side: str
    agency: str
    activities: list[_ActivityLine]
    agencies: list[_AgencyLine]
    stale_after_days: int
    sent_at: str
    time_zone: str


def email_languages(language: str) -> tuple[str, ...]:
    """The languages of an e-mail to someone who prefers ``language`` ("" = not chosen)."""
    available = {code for code, _name in settings.LANGUAGES}
    return (language,) if language in available else BOTH_LANGUAGES


def _agency_lines(reminder: Reminder, activities: list[Activity]) -> list[tuple[Agency, int]]:
    responsible = set(
        ThemeAgency.objects.filter(theme__plan_id=reminder.review.plan_id).values_list(
            "agency_id", flat=True
        )
    )
    counts: dict[int, int] = {}
    for activity in activities:
        involved = {activity.first_lead_agency_id, activity.second_lead_agency_id}
        involved.update(a.pk for a in activity.participants.all())
        for agency_id in involved & responsible:
            counts[agency_id] = counts.get(agency_id, 0) + 1
    agencies = Agency.objects.filter(pk__in=counts).select_related("city")
    return [(agency, counts[agency.pk]) for agency in agencies]


def build_message(
    reminder: Reminder,
    *,
    as_of: datetime.date | None = None,
    now: datetime.datetime | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """The reminder's e-mail (plain text and HTML) in the recipient's language(s)."""
    now = now or timezone.now()
    user = reminder.recipient
    profile = getattr(user, "profile", None)
    tz = time_zone_of(profile)
    as_of = as_of or timezone.localtime(now, tz).date()
    review = reminder.review
    days_left = (review.due_date - as_of).days
    activities = list(
        Activity.objects.filter(pk__in=reminder.activity_ids)
        .select_related("theme")
        .prefetch_related("participants")
        .order_by("theme__order", "id")
    )
    as_coordinator = bool(profile and profile.role == Role.COORDINATOR)
    agencies = _agency_lines(reminder, activities) if as_coordinator else []
    site = settings.SITE_URL

    sections = []
    for language in email_languages(reminder.language):
        with translation.override(language):
            sections.append(
                _Section(
                    language=language,
                    name=user.get_full_name() or user.get_username(),
                    review_title=tr_text(review, "title"),
                    plan_title=tr_text(review.plan, "title"),
                    year=str(review.due_date.year),
                    due_date=long_date(review.due_date),
                    days_left=max(days_left, 0),
                    days_overdue=max(-days_left, 0),
                    review_url=site + reverse("review-detail", args=[review.pk]),
                    as_coordinator=as_coordinator,
                    side=tr_text(profile.city, "name") if profile else "",
                    agency=tr_text(profile.agency, "name") if profile and profile.agency else "",
                    activities=[
                        _ActivityLine(
                            title=tr_text(activity, "title"),
                            status=str(activity.get_status_display()),
                            updated=_when(activity.updated_at, tz),
                            url=site + reverse("activity-detail", args=[activity.pk]),
                        )
                        for activity in activities
                    ],
                    agencies=[
                        _AgencyLine(name=tr_text(agency, "name"), count=count)
                        for agency, count in agencies
                    ],
                    stale_after_days=STALE_AFTER_DAYS,
                    sent_at=_when(now, tz),
                    time_zone=str(tz),
                )
            )
    context = {"sections": sections, "my_reminders_url": site + reverse("my-reminders")}
    subject = " ".join(render_to_string("reviews/email/reminder_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reviews/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": message_id(reminder.pk), "Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("reviews/email/reminder.html", context), "text/html"
    )
    return message


# --- reads ----------------------------------------------------------------------------------


def reminders_of(user) -> QuerySet[Reminder]:
    """The user's reminders of their partnerships' reviews, newest first, with the review and
    its plan: one query."""
    return (
        Reminder.objects.filter(recipient_id=user.pk)
        .filter(access.partnership_q(user, "review__plan__partnership"))
        .select_related("review__plan")
        .order_by("-created_at", "-id")
    )
