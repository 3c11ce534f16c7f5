"""``python manage.py export_iati --plan ID --output FILE``: the same document as the API's,
written whole or not at all, as the system."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from tests.api.iati_schema import validate
from tests.api.test_iati import renewal_draft

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def test_the_command_writes_a_valid_document(world, tmp_path, settings):
    settings.IATI_ACTIVITY_PREFIX = "XM-TEST"
    f.ActivityFactory(theme=world.themes[1], is_demo=True)
    target = tmp_path / "iati.xml"
    call_command("export_iati", plan=world.plan.pk, output=str(target), verbosity=0)
    document = validate(target.read_bytes())
    activities = document.findall("iati-activity")
    assert activities[0].findtext("iati-identifier") == f"XM-TEST-{world.plan.code}"
    # The plan and its four joint activities (the demo one is left out).
    assert [a.get("hierarchy") for a in activities] == ["1", "2", "2", "2", "2"]
    assert not list(tmp_path.glob(".iati-*"))


def test_the_command_says_what_it_wrote(world, tmp_path, capsys):
    target = tmp_path / "out.xml"
    call_command("export_iati", "--plan", str(world.plan.pk), "--output", str(target))
    assert f"Wrote {target}: 5 IATI activities." in capsys.readouterr().out


def test_the_command_exports_any_plan_even_a_renewal_draft(world, tmp_path):
    draft = renewal_draft(world)
    target = tmp_path / "draft.xml"
    call_command("export_iati", plan=draft.pk, output=str(target), verbosity=0)
    document = validate(target.read_bytes())
    assert len(document.findall("iati-activity")) == 1
    assert document.find("iati-activity/activity-status").get("code") == "1"


@pytest.mark.parametrize("plan", [0, -1, 2**63, 999999])
def test_an_unknown_plan_is_refused_and_nothing_written(world, tmp_path, plan):
    target = tmp_path / "iati.xml"
    with pytest.raises(CommandError, match="--plan"):
        call_command("export_iati", plan=plan, output=str(target))
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="--output"):
        call_command("export_iati", plan=world.plan.pk, output=str(tmp_path / "no" / "x.xml"))


def test_a_file_there_is_replaced_whole(world, tmp_path):
    target = tmp_path / "iati.xml"
    target.write_bytes(b"old")
    call_command("export_iati", plan=world.plan.pk, output=str(target), verbosity=0)
    validate(target.read_bytes())
