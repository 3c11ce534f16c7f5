"""``python manage.py render_report --plan ID --language en|zh-hans|bilingual [--theme ID]
[--as-of DATE] --output FILE.pdf``: a progress report to a file, without a database row.

The same rendering as the portal's background task (``reports.services.write_report_pdf``).
The file appears complete or not at all: it is written next to its final name and moved there.
"""

import datetime
import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cooperation.models import ActionPlan, Theme
from core.doors import Door, through
from partners import clock
from reports.models import ReportLanguage
from reports.parallel import ReportRenderError
from reports.services import write_report_pdf


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: give a date as YYYY-MM-DD, not {text!r}") from None


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"--processes: give a whole number of at least 1, not {text!r}")
    return number


class Command(BaseCommand):
    help = "Render a plan's progress report (or one theme's) as of a date to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="The action plan's id.")
        parser.add_argument(
            "--language",
            required=True,
            choices=ReportLanguage.values,
            help="en, zh-hans, or bilingual (both side by side).",
        )
        parser.add_argument("--theme", type=int, help="Only this theme (its id) of the plan.")
        parser.add_argument(
            "--as-of", type=_date, help="The date the report describes (default: today)."
        )
        parser.add_argument("--output", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--processes",
            type=_positive,
            help=("Worker processes for the theme chapters (default: REPORT_RENDER_PROCESSES)."),
        )

    @through(Door.COMMAND)
    def handle(
        self, *args, plan, language, theme=None, as_of=None, output, processes=None, **options
    ):
        try:
            plan_obj = ActionPlan.objects.select_related("partnership").get(pk=plan)
        except ActionPlan.DoesNotExist:
            raise CommandError(f"--plan: there is no action plan with id {plan}") from None
        theme_obj = None
        if theme is not None:
            theme_obj = Theme.objects.filter(pk=theme, plan=plan_obj).first()
            if theme_obj is None:
                raise CommandError(f"--theme: plan {plan} has no theme with id {theme}")
        as_of = as_of or clock.today_for(None)

        target = Path(output).expanduser().resolve()
        if not target.parent.is_dir():
            raise CommandError(f"--output: the folder {target.parent} does not exist")
        fd, tmp_name = tempfile.mkstemp(prefix=".report-", suffix=".pdf", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            result = write_report_pdf(
                plan=plan_obj,
                theme=theme_obj,
                language=language,
                as_of=as_of,
                output=tmp,
                processes=processes,
            )
            os.replace(tmp, target)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except ReportRenderError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            tmp.unlink(missing_ok=True)

        if options.get("verbosity", 1) >= 1:
            seconds = result.html_seconds + result.layout_seconds + result.write_seconds
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {target}: {result.page_count} pages, {result.activity_count} "
                    f"activities, as of {as_of.isoformat()}, in {seconds:.1f} s "
                    f"and {result.processes} process(es) "
                    f"(HTML {result.html_seconds:.2f} s, layout {result.layout_seconds:.2f} s, "
                    f"PDF {result.write_seconds:.2f} s)."
                )
            )
