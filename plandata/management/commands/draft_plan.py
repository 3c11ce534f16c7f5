"""``python manage.py draft_plan TEXT [TEXT_ZH] --output draft.toml``: draft a plan file from
the plan's signed text (.txt, .md, .docx or .pdf), to check and then load with
``load_action_plan``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.doors import Door, through
from plandata.drafting.draft import make_draft
from plandata.drafting.known import known_plans
from plandata.drafting.readers import DraftInputError, read_plan_path
from plandata.drafting.tomlout import to_toml


class Command(BaseCommand):
    help = (
        "Draft an action plan file (data/plans/SCHEMA.md) from the plan's signed text: themes, "
        "commitments, agencies, signatories, events and reviews, each quoted from the text. "
        "With a second file (the other language), items are paired by order. Nothing is "
        "written to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("text", help="The plan's text (.txt, .md, .docx or .pdf).")
        parser.add_argument("text_zh", nargs="?", help="The same plan in the other language.")
        parser.add_argument("--output", "-o", help="Write the TOML here (default: print it).")

    @through(Door.COMMAND)
    def handle(self, *args, text, text_zh=None, output=None, **options):
        try:
            source = read_plan_path(text)
            source_zh = read_plan_path(text_zh) if text_zh else None
        except DraftInputError as exc:
            raise CommandError(str(exc)) from None
        draft = make_draft(source, source_zh)
        toml = to_toml(draft, known_plans=known_plans())
        if output:
            Path(output).write_text(toml, encoding="utf-8")
        else:
            self.stdout.write(toml)
        out = self.stderr if not output else self.stdout
        themes = draft.get("themes", [])
        commitments = sum(len(t["commitments"]) for t in themes)
        out.write(
            f"Themes: {len(themes)}; commitments: {commitments}; agencies: "
            f"{len(draft.get('agencies', []))} "
            f"({sum(1 for a in draft.get('agencies', []) if not a.get('known'))} new); "
            f"events: {len(draft.get('events', []))}; reviews: {len(draft.get('reviews', []))}; "
            f"signatories: {len(draft.get('signatories', []))}."
        )
        for theme in themes:
            out.write(f"  {theme['order']}. {theme['name']} ({len(theme['commitments'])})")
        if draft["missing"]:
            out.write("Not found: " + ", ".join(draft["missing"]) + ".")
        if draft.get("unpaired"):
            out.write("Not paired: " + ", ".join(draft["unpaired"]) + ".")
        if output:
            out.write(
                f"Written to {output}; check it, then: python manage.py load_action_plan {output}"
            )
