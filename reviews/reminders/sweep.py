"""The daily sweep: claims each due (review, recipient, stage) by inserting its ``Reminder``
row, so that the unique constraint lets exactly one sweep win, and queues its delivery once
the row is committed; re-queues failed and abandoned deliveries, withdraws unsent ones that
are no longer wanted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from partners import clock

from ..models import Reminder, ReminderStatus, ReviewStatus
from .delivery import due_again
from .schedule import (
    ENDED_PLAN_STATUSES,
    PlannedReminder,
    current_stage,
    open_reviews,
    plan_reminders,
)


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
    """Unsent reminders of open reviews whose delivery should be (re)started
    (``delivery.due_again``)."""
    return (
        Reminder.objects.filter(due_again(now), recipient__is_active=True)
        .exclude(
            Q(review__status=ReviewStatus.COMPLETED)
            | Q(review__plan__status__in=ENDED_PLAN_STATUSES)
        )
        .order_by("pk")
    )


def _queue_delivery(reminder_id: int, as_of: datetime.date | None) -> None:
    from ..tasks import deliver_reminder_task

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
