"""Celery tasks for reviews: thin wrappers that take ids and call the reminder rules
(``reminders/sweep.py``, ``reminders/delivery.py``, ``reminders/digest.py``)."""

from __future__ import annotations

import datetime

from celery import shared_task

from core.doors import Door, through

from .reminders import delivery, digest
from .reminders.delivery import ReminderDeliveryFailed
from .reminders.sweep import sweep


@shared_task(acks_late=True)
@through(Door.TASK)
def send_review_reminders(today_iso: str | None = None) -> dict:
    """The daily sweep (beat, 08:00 Helsinki). ``today_iso`` pins the day (YYYY-MM-DD)."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else None
    result = sweep(today=today)
    return {
        "today": result.today.isoformat(),
        "claimed": [item.reminder_id for item in result.reminders],
        "requeued": result.requeued,
        "withdrawn": result.withdrawn,
    }


# Celery retries on the same schedule that deliver() records as the reminder's next attempt
# (5 minutes, doubling, at most 6 hours; no jitter, which could retry before it is due). After
# max_retries the daily sweep keeps re-queuing it.
DELIVERY_RETRIES = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (ReminderDeliveryFailed,),
    "retry_backoff": delivery.BACKOFF_SECONDS,
    "retry_backoff_max": delivery.BACKOFF_MAX_SECONDS,
    "retry_jitter": False,
    "max_retries": 8,
}


@shared_task(**DELIVERY_RETRIES)
@through(Door.TASK)
def deliver_reminder_task(self, reminder_id: int, as_of_iso: str | None = None) -> bool:
    """Send one reminder e-mail; False when it was sent already or another worker has it."""
    as_of = datetime.date.fromisoformat(as_of_iso) if as_of_iso else None
    return delivery.deliver(reminder_id, as_of=as_of)


@shared_task(acks_late=True)
@through(Door.TASK)
def send_monthly_digests(today_iso: str | None = None) -> dict:
    """The monthly digest sweep (beat, the 1st at 09:00 Helsinki)."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else None
    result = digest.sweep_digests(today=today)
    return {
        "month": result.month.isoformat(),
        "claimed": [item.digest_id for item in result.digests],
        "requeued": result.requeued,
    }


@shared_task(**DELIVERY_RETRIES)
@through(Door.TASK)
def deliver_digest_task(self, digest_id: int) -> bool:
    """Send one monthly digest; False when it was sent already or another worker has it."""
    return digest.deliver_digest(digest_id)
