"""Delivering one reminder, once: the claim by one conditional UPDATE, the send, the outcome
recorded; failed sends due again after a backoff; the admin's "retry now"."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

from ..models import Reminder, ReminderStatus, ReviewStatus
from .email import build_message
from .schedule import ENDED_PLAN_STATUSES

log = logging.getLogger(__name__)

# A failed send is tried again after 5 minutes, then 10, 20, … at most every 6 hours. The
# Celery task retries on the same schedule (see reviews/tasks.py).
BACKOFF_SECONDS = 300
BACKOFF_MAX_SECONDS = 6 * 3600


class ReminderDeliveryFailed(Exception):
    """The mail server refused or could not be reached; the reminder is due again later."""

    def __init__(self, reminder_id: int, retry_in: int, error: str):
        super().__init__(f"reminder {reminder_id}: {error} (next attempt in {retry_in} s)")
        self.reminder_id = reminder_id
        self.retry_in = retry_in


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 300, 600, 1200, … ≤ 6 h."""
    return min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def _claimable(now: datetime.datetime) -> Q:
    waiting = Q(status__in=[ReminderStatus.PENDING, ReminderStatus.FAILED]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=ReminderStatus.SENDING, claimed_until__lt=now)
    return waiting | abandoned


def due_again(now: datetime.datetime) -> Q:
    """Unsent e-mails whose delivery should be (re)started: failed ones whose next attempt has
    come, ones whose sender's lease ran out (the worker died), and pending ones that were never
    picked up (the broker was down when they were queued)."""
    lease = datetime.timedelta(minutes=settings.REMINDER_CLAIM_MINUTES)
    return (
        Q(status=ReminderStatus.FAILED, next_attempt_at__lte=now)
        | Q(status=ReminderStatus.SENDING, claimed_until__lt=now)
        | Q(status=ReminderStatus.PENDING, created_at__lt=now - lease)
    )


def _record_failure(model, pk: int, error: str) -> int:
    """Mark a claimed e-mail failed, due again after the backoff; the backoff in seconds."""
    attempts = model.objects.values_list("attempts", flat=True).get(pk=pk)
    retry_in = backoff_seconds(attempts)
    model.objects.filter(pk=pk, status=ReminderStatus.SENDING).update(
        status=ReminderStatus.FAILED,
        last_error=error[:2000],
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=retry_in),
        claimed_until=None,
    )
    return retry_in


def send_once(model, pk: int, *, recipient, build: Callable) -> bool:
    """Claim the e-mail row ``pk`` of ``model`` (a ``Delivery``: a reminder, a digest), send
    ``build(connection)``, record the outcome. True when this call sent it.

    The claim is one conditional UPDATE (without joins, so that PostgreSQL re-checks it on the
    row itself when two workers race): only a pending row, a failed one whose next attempt has
    come, or one whose sender's lease ran out. Zero rows changed means another worker has it,
    or it was sent: nothing to do. A mail server failure is recorded (failed, last error, next
    attempt after the backoff) and raised as ``ReminderDeliveryFailed`` for the task to retry.
    """
    now = timezone.now()
    claimed = model.objects.filter(_claimable(now), pk=pk).update(
        status=ReminderStatus.SENDING,
        claimed_until=now + datetime.timedelta(minutes=settings.REMINDER_CLAIM_MINUTES),
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return False

    if not recipient.email:
        _record_failure(model, pk, "The recipient has no e-mail address.")
        return False
    try:
        # A mail server that hangs must give up well inside the lease, or a second worker
        # could take the e-mail over while the first is still sending it.
        connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 60)
        build(connection).send()
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        retry_in = _record_failure(model, pk, error)
        log.warning("%s %s not sent: %s; retry in %s s", model.__name__, pk, error, retry_in)
        raise ReminderDeliveryFailed(pk, retry_in, error) from exc
    except Exception as exc:
        # A bug, not the mail server: recorded and visible in the admin; the sweep retries it.
        _record_failure(model, pk, f"{type(exc).__name__}: {exc}")
        raise
    model.objects.filter(pk=pk, status=ReminderStatus.SENDING).update(
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        next_attempt_at=None,
        last_error="",
    )
    return True


def deliver(reminder_id: int, *, as_of: datetime.date | None = None) -> bool:
    """Send one reminder, once (``send_once``). True when this call sent it."""
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

    return send_once(
        Reminder,
        reminder_id,
        recipient=reminder.recipient,
        build=lambda connection: build_message(reminder, as_of=as_of, connection=connection),
    )


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
