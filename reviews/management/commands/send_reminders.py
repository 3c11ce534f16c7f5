"""``python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]``: the reminder sweep."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.doors import Door, through
from reviews.models import Reminder
from reviews.reminders.schedule import stage_label
from reviews.reminders.sweep import sweep


def _date(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(
            f"--today must be a date written as YYYY-MM-DD, such as 2021-10-02, not {value!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "Send the review reminders that are due: each open review's current stage (90, 30, 7 "
        "days before its due date by default, then weekly while overdue) to the coordinators "
        "of both sides and to staff of agencies whose activities need an update. Each "
        "reminder goes out once, however often this runs; the daily Celery beat runs the "
        "same sweep. Also re-queues failed deliveries that are due again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Sweep as of this day instead of today (Helsinki time).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list what would be sent; write and send nothing.",
        )

    @through(Door.COMMAND)
    def handle(self, *args, today=None, dry_run=False, **options):
        day = _date(today) if today is not None else None
        # Operators read English; the e-mails themselves are in each recipient's language.
        with translation.override("en"):
            result = sweep(today=day, dry_run=dry_run)
            if options.get("verbosity", 1) >= 1:
                self._report(result)

    def _report(self, result):
        statuses = dict(
            Reminder.objects.filter(
                pk__in=[item.reminder_id for item in result.reminders if item.reminder_id]
            ).values_list("pk", "status")
        )
        heading = "Would send" if result.dry_run else "Sent or queued"
        self.stdout.write(
            f"Reminders as of {result.today.isoformat()}"
            f"{' (dry run: nothing is written or sent)' if result.dry_run else ''}:"
        )
        if not result.reminders:
            self.stdout.write("  none due.")
        else:
            self.stdout.write(f"{heading} {len(result.reminders)}:")
        for item in result.reminders:
            user = item.recipient
            language = item.language or "en+zh-hans"
            stage = stage_label(item.lead_days, item.review.due_date)
            line = (
                f"  {item.review} (due {item.review.due_date.isoformat()}) -> "
                f"{user.get_username()} <{user.email}>, {language}, {stage}"
                f"{' [coordinator]' if item.as_coordinator else ''}"
            )
            if item.reminder_id:
                line += f" [{statuses.get(item.reminder_id, 'pending')}]"
            self.stdout.write(line)
        if result.requeued:
            verb = "Would re-queue" if result.dry_run else "Re-queued"
            self.stdout.write(f"{verb} {len(result.requeued)} earlier reminder(s) not yet sent.")
        if result.lost_races:
            self.stdout.write(f"{result.lost_races} reminder(s) were claimed by another sweep.")
        if result.withdrawn:
            self.stdout.write(
                f"Withdrew {result.withdrawn} unsent reminder(s) of completed reviews or "
                "inactive users."
            )
