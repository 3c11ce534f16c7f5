"""``python manage.py load_action_plan [PATH]``: load or update an action plan data file."""

from django.core.management.base import BaseCommand

from plandata.loader import load_plan_file
from plandata.planfile import DEFAULT_PLAN_FILE, resolve_plan_path


class Command(BaseCommand):
    help = (
        "Load an action plan from a TOML data file (see data/plans/SCHEMA.md), creating or "
        "updating rows matched by their codes. The file is checked first; when it has a "
        "problem nothing is written. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=None,
            help=f"The plan file (default: {DEFAULT_PLAN_FILE} in the project directory).",
        )

    def handle(self, *args, path=None, **options):
        path = resolve_plan_path(path)
        result = load_plan_file(path)
        if options.get("verbosity", 1) < 1:
            return
        self.stdout.write(f"Loaded {path}")
        for line in result.summary_lines():
            self.stdout.write(line)
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(f"{result.created} created, {result.updated} updated.")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Everything was already up to date."))
