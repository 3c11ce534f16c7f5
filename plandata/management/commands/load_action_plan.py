"""``python manage.py load_action_plan [PATH] [--update] [--dry-run]``: load an action plan
data file; list, or apply, where the portal differs from it."""

from django.core.management.base import BaseCommand

from core.dbstats import refresh_planner_statistics
from core.doors import Door, through
from plandata.loader import load_plan_file
from plandata.planfile import DEFAULT_PLAN_FILE, resolve_plan_path

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Load an action plan from a TOML data file (see data/plans/SCHEMA.md). The file is "
        "checked first; when it has a problem nothing is written. Loading creates only what "
        "is missing (a new partnership, a new plan with all its parts) and never changes or "
        "re-adds anything of a plan that exists: where the portal differs from the file, the "
        "differences are listed and the portal's values kept. --update applies the file "
        "where it differs; with --dry-run it only says what it would apply."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=None,
            help=f"The plan file (default: {DEFAULT_PLAN_FILE} in the project directory).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Apply the file's values where the portal differs, and add its missing parts.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Write nothing; say what would be written."
        )
        parser.add_argument(
            "--all", action="store_true", help=f"List every difference (not only {SHOWN})."
        )

    @through(Door.LOADER)
    def handle(self, *args, path=None, update=False, dry_run=False, **options):
        path = resolve_plan_path(path)
        result = load_plan_file(path, update=update, dry_run=dry_run)
        if result.changed and not dry_run:
            refresh_planner_statistics()  # a bulk load leaves PostgreSQL's statistics stale
        if options.get("verbosity", 1) < 1:
            return
        self.stdout.write(f"{'Checked' if dry_run else 'Loaded'} {path}")
        for line in result.summary_lines():
            self.stdout.write(line)
        self._differences(result, show_all=options.get("all", False))
        would = "would be " if dry_run else ""
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.created} {would}created, {result.updated} {would}updated."
                )
            )
        elif not result.differences:
            self.stdout.write(self.style.SUCCESS("Everything was already up to date."))

    def _differences(self, result, *, show_all: bool) -> None:
        differences = result.differences
        if not differences:
            return
        if result.update:
            verb = "would apply" if result.dry_run else "applied"
            self.stdout.write(f"Where the portal differed from the file ({verb} the file's):")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(differences)} difference(s) between the portal and the file; the "
                    "portal's are kept (run with --update to apply the file's):"
                )
            )
        shown = differences if show_all else differences[:SHOWN]
        for difference in shown:
            self.stdout.write(f"  - {difference.line()}")
        if len(shown) < len(differences):
            self.stdout.write(f"  … and {len(differences) - len(shown)} more (--all lists them)")
