"""Delete the security log's records older than the retention (``SECURITY_LOG_RETENTION_DAYS``,
or ``--days``): the one deletion the log allows. Run it from the scheduler, e.g. monthly."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from security.models import SecurityEvent


class Command(BaseCommand):
    help = "Delete security log records older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days (default: SECURITY_LOG_RETENTION_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.SECURITY_LOG_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("Keep at least one day.")
        before = timezone.now() - datetime.timedelta(days=days)
        deleted = SecurityEvent.prune(before)
        self.stdout.write(f"Deleted {deleted} security log records older than {days} days.")
