"""``python manage.py export_iati --plan ID --output FILE``: a plan's joint activities as an
IATI 2.03 document (the same as ``GET /api/v1/plans/{id}/iati.xml``), as the system.

The file appears complete or not at all: it is written next to its final name and moved there.
"""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from api.iati.export import export_plan
from cooperation.models import ActionPlan
from core.doors import Door, through
from partners.access import SYSTEM


class Command(BaseCommand):
    help = "Export a plan's joint activities as an IATI 2.03 activities file."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="The action plan's id.")
        parser.add_argument("--output", required=True, help="Where to write the XML file.")

    @through(Door.COMMAND)
    def handle(self, *args, plan, output, **options):
        plan_obj = (
            ActionPlan.objects.select_related("partnership__first_city", "partnership__second_city")
            .filter(pk=plan)
            .first()
            if 0 < plan < 2**63
            else None
        )
        if plan_obj is None:
            raise CommandError(f"--plan: there is no action plan with id {plan}")
        target = Path(output).expanduser().resolve()
        if not target.parent.is_dir():
            raise CommandError(f"--output: the folder {target.parent} does not exist")
        content = export_plan(plan_obj, user=SYSTEM)
        fd, tmp_name = tempfile.mkstemp(prefix=".iati-", suffix=".xml", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        if options.get("verbosity", 1) >= 1:
            count = content.count(b"<iati-activity ")
            self.stdout.write(self.style.SUCCESS(f"Wrote {target}: {count} IATI activities."))
