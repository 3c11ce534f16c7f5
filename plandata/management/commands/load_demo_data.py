"""``python manage.py load_demo_data [--clear]``: example activities and events, flagged demo."""

from django.core.management.base import BaseCommand

from core.dbstats import refresh_planner_statistics
from core.doors import Door, through
from plandata.demo import clear_demo_data, load_demo_data


class Command(BaseCommand):
    help = (
        "Add demo joint activities (with status histories and funding) and demo events to the "
        "loaded Helsinki–Beijing action plan, all flagged as demo data. Needs load_action_plan "
        "and create_demo_users first. Does nothing when demo data is already there; --clear "
        "removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove all demo activities and events (and everything attached to them).",
        )

    @through(Door.LOADER)
    def handle(self, *args, clear=False, **options):
        quiet = options.get("verbosity", 1) < 1
        if clear:
            removed = clear_demo_data()
            if quiet:
                return
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed.activities} demo activities and {removed.events} demo "
                    "events."
                )
            )
            return
        result = load_demo_data()
        if not result.already_present:
            refresh_planner_statistics()  # a bulk load leaves PostgreSQL's statistics stale
        if quiet:
            return
        if result.already_present:
            self.stdout.write(
                "Demo data is already there; nothing was changed. "
                "Use --clear to remove it (then run this again to recreate it)."
            )
            return
        self.stdout.write("Demo data added to the Helsinki–Beijing action plan:")
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Done. Everything added is flagged as demo data."))
