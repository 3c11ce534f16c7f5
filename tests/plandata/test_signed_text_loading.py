"""Loading the corrected plan: a fresh database gets the signed text (unranked responsibility,
derived commitments with their sentence, the plan's terms); a database loaded from the file as
it was keeps what it has, lists the differences, and takes the correction with ``--update``.
The file format only gained optional keys: the file as it was still loads."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cooperation.models import ActionPlan, Commitment, ThemeAgency
from plandata.loader import load_plan_file
from plandata.planfile import DEFAULT_PLAN_FILE

PLAN_FILE = Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE
PLAN = "hki-bj-2019-2023"
# The ranks the file gave before it said what was signed.
OLD_SUPPORTING = {
    "hki-city-executive-office",
    "bj-zhongguancun",
    "bj-investment-promotion",
    "bj-cultural-relics",
}

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def file_as_it_was(tmp_path) -> Path:
    """The plan file in its earlier format: every agency ranked, no derived sentences, no
    terms (and so no optional key the earlier loader did not know)."""
    text = PLAN_FILE.read_text(encoding="utf-8")
    text = re.sub(r"^derived_from = .*\n", "", text, flags=re.M)
    for name in ActionPlan.TERM_FIELDS:
        text = re.sub(rf"^{name} = .*\n", "", text, flags=re.M)

    def ranked(match):
        role = "supporting" if match.group(1) in OLD_SUPPORTING else "lead"
        return f'{match.group(0)}role = "{role}"\n'

    text = re.sub(r'^\[\[themes\.agencies\]\]\nagency = "([^"]+)"\n', ranked, text, flags=re.M)
    path = tmp_path / "old.toml"
    path.write_text(text, encoding="utf-8")
    return path


def derived():
    """Commitments split from a signed sentence (the untranslated column may be NULL)."""
    return Commitment.objects.exclude(derived_from_en__isnull=True).exclude(derived_from_en="")


def roles() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for code, role in ThemeAgency.objects.values_list("agency__code", "role"):
        found.setdefault(role, set()).add(code)
    return found


def test_a_fresh_database_gets_the_signed_text():
    load_plan_file(PLAN_FILE)
    assert set(roles()) == {"responsible"}
    assert Commitment.objects.filter(theme__plan__code=PLAN).count() == 44
    assert derived().count() == 24
    assert not derived().filter(derived_from_zh_hans="").exists()
    pilot = Commitment.objects.get(code="education-training-future-school-pilot-projects")
    assert pilot.text_en == "The two parties examine possible pilot projects accordingly."
    assert pilot.derived_from_en.endswith("and examine possible pilot projects accordingly.")
    plan = ActionPlan.objects.get(code=PLAN)
    assert [t["name"] for t in plan.signed_terms()] == list(ActionPlan.TERM_FIELDS)
    assert "third party funding" in plan.funding_terms_en
    assert "第三方" in plan.funding_terms_zh_hans


def test_the_file_as_it_was_still_loads(tmp_path):
    load_plan_file(file_as_it_was(tmp_path))
    assert roles()["supporting"] == OLD_SUPPORTING
    assert not derived().exists()
    assert ActionPlan.objects.get(code=PLAN).signed_terms() == []


def test_an_existing_database_keeps_its_data_lists_the_corrections_and_updates(tmp_path):
    load_plan_file(file_as_it_was(tmp_path))
    before = roles()

    # As `make run` does at every start: nothing is overwritten, the differences are listed.
    out = io.StringIO()
    call_command("load_action_plan", stdout=out)
    assert roles() == before
    assert not derived().exists()
    result = load_plan_file(PLAN_FILE, dry_run=True)
    fields = {(d.what.rsplit(": ", 1)[-1], d.field) for d in result.differences}
    assert ("responsible agency bj-zhongguancun", "role") in fields
    assert ("commitment city-planning-urban-design", "derived_from_en") in fields
    assert any(f == "funding_terms_en" for _w, f in fields)
    assert "differ" in out.getvalue().lower()

    load_plan_file(PLAN_FILE, update=True)
    assert set(roles()) == {"responsible"}
    assert derived().count() == 24
    assert ActionPlan.objects.get(code=PLAN).funding_terms_en
    assert load_plan_file(PLAN_FILE).differences == []


def test_a_rank_a_coordinator_set_is_kept_and_listed():
    from cooperation.services import themes
    from partners.access import SYSTEM

    load_plan_file(PLAN_FILE)
    responsibility = ThemeAgency.objects.get(
        theme__plan__code=PLAN, theme__order=2, agency__code="bj-science-technology"
    )
    themes.update_responsibility(user=SYSTEM, responsibility=responsibility, role="lead")
    result = load_plan_file(PLAN_FILE)
    responsibility.refresh_from_db()
    assert responsibility.role == "lead"
    assert [(d.field, d.portal, d.file) for d in result.differences] == [
        ("role", "lead", "responsible")
    ]
