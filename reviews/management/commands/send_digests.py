"""``python manage.py send_digests [--today YYYY-MM-DD] [--dry-run]``: the monthly digest."""

from django.core.management.base import BaseCommand
from django.utils import translation

from core.doors import Door, through
from reviews.reminders.digest import sweep_digests

from .send_reminders import _date


class Command(BaseCommand):
    help = (
        "Send this month's digest to agency staff whose open activities have had no update "
        "for 90 days (people who opted out on their profile excepted). Each person gets one "
        "a month, however often this runs; the Celery beat runs it on the 1st of the month."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="Run as of this day.")
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be sent.")

    @through(Door.COMMAND)
    def handle(self, *args, today=None, dry_run=False, **options):
        day = _date(today) if today is not None else None
        with translation.override("en"):
            result = sweep_digests(today=day, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent or queued"
        self.stdout.write(f"Monthly digest of {result.month:%Y-%m}: {verb} {len(result.digests)}.")
        for item in result.digests:
            user = item.recipient
            self.stdout.write(
                f"  {user.get_username()} <{user.email}>, {item.language or 'en+zh-hans'}, "
                f"{len(item.activity_ids)} activities"
            )
        if result.lost_races:
            self.stdout.write(f"{result.lost_races} digest(s) were claimed by another run.")
        if result.requeued:
            self.stdout.write(f"Re-queued {len(result.requeued)} earlier digest(s) not yet sent.")
