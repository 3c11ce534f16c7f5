"""The demo data files: a mistake is reported with its file and entry, and nothing is written."""

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cooperation.models import Activity, Funding, StatusUpdate
from events.models import Event
from plandata.demo import load_demo_data
from plandata.demofile import DEMO_DIR, DemoDataError, read_demo_data
from plandata.loader import load_plan_file

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = pytest.mark.clock

DEMO_FILES = Path(settings.BASE_DIR) / DEMO_DIR


@pytest.fixture
def plan_and_users(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "Demo-passw0rd-for-tests"
    load_plan_file()
    call_command("create_demo_users", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def demo_dir(tmp_path):
    """A copy of the real demo files, to break."""
    for path in DEMO_FILES.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def nothing_written() -> bool:
    return not (
        Activity.objects.exists()
        or StatusUpdate.objects.exists()
        or Funding.objects.exists()
        or Event.objects.filter(is_demo=True).exists()
    )


def test_the_real_files_are_valid():
    data = read_demo_data(DEMO_FILES)
    assert data.plan == "hki-bj-2019-2023"
    assert len(data.activities) == 25
    assert len(data.events) == 3


def test_every_mistake_is_listed_with_its_file_and_entry(plan_and_users, demo_dir):
    edit(demo_dir, "activities.toml", "planned_end = 2023-12-15", 'planned_end = "2023-02-30"')
    edit(demo_dir, "activities.toml", 'status = "on_hold"', 'status = "paused"')
    edit(demo_dir, "activities.toml", 'recorded_by = "helsinki-coordinator"\n', "")
    edit(demo_dir, "events.toml", 'starts = "10:00"', 'starts = "10h"')
    edit(demo_dir, "events.toml", '"education-dialogue-2019"]', '"education-dialog"]')

    with pytest.raises(DemoDataError) as caught:
        load_demo_data(demo_dir)

    message = str(caught.value)
    assert "5 problems; nothing was loaded" in message
    assert (
        "activities.toml: activities #3 ('working-level-visits'): 'planned_end' is not a valid "
        "date" in message
    )
    assert (
        "activities.toml: activities #2 ('beijing-week-preparations') → status_updates #2: "
        "'status' is 'paused'; expected one of:" in message
    )
    first = "activities.toml: activities #1 ('coordination-meetings')"
    assert f"{first}: missing key 'recorded_by'" in message
    assert (
        "events.toml: events #1 ('Education delegation from Beijing to Helsinki') → programme #1: "
        "'starts' is not a valid time of day (HH:MM): '10h'" in message
    )
    assert "'activities' refers to unknown activity 'education-dialog'" in message
    assert nothing_written()


def test_a_toml_syntax_error_names_the_file_and_line(plan_and_users, demo_dir):
    edit(demo_dir, "events.toml", 'kind = "forum"', 'kind = forum"')
    with pytest.raises(DemoDataError, match=r"events\.toml: not valid TOML.*\n  line \d+: kind"):
        load_demo_data(demo_dir)
    assert nothing_written()


def test_codes_the_loaded_plan_lacks_are_named(plan_and_users, demo_dir):
    edit(demo_dir, "activities.toml", 'theme = "healthcare"', 'theme = "space-travel"')
    edit(
        demo_dir,
        "activities.toml",
        'second_lead_agency = "bj-sports"',
        'second_lead_agency = "bj-health"',
    )
    edit(demo_dir, "events.toml", 'city = "beijing"', 'city = "shanghai"')

    with pytest.raises(DemoDataError) as caught:
        load_demo_data(demo_dir)

    message = str(caught.value)
    assert "3 problems; nothing was loaded" in message
    assert (
        "('elderly-care-exchange'): 'theme' 'space-travel' is not a theme of the loaded plan "
        "'hki-bj-2019-2023'" in message
    )
    assert (
        "('youth-coaching-exchange'): 'second_lead_agency' 'bj-health' is not responsible for "
        "its theme" in message
    )
    assert "→ delegation #1: 'city' 'shanghai' is not a known city" in message
    assert nothing_written()


def test_what_the_portal_refuses_stops_everything(plan_and_users, demo_dir):
    # Agency staff may only record work their agency takes part in.
    edit(
        demo_dir,
        "activities.toml",
        'recorded_by = "beijing-coordinator"',
        'recorded_by = "hki-economic-staff"',
    )
    with pytest.raises(DemoDataError) as caught:
        load_demo_data(demo_dir)
    message = str(caught.value)
    assert "activities.toml: activities #2 ('beijing-week-preparations')" in message
    assert "nothing was loaded" in message
    assert nothing_written()  # the first activity, created before, is gone too


def test_all_files_are_for_one_plan(demo_dir):
    edit(demo_dir, "events.toml", 'plan = "hki-bj-2019-2023"', 'plan = "hki-bj-2024-2028"')
    with pytest.raises(DemoDataError, match="all demo files must be for the same plan"):
        read_demo_data(demo_dir)


def test_a_folder_without_files(tmp_path):
    with pytest.raises(DemoDataError, match="No demo data files"):
        read_demo_data(tmp_path)


def test_the_command_reports_a_broken_file(plan_and_users, demo_dir, settings):
    (demo_dir / "data" / "demo").mkdir(parents=True)
    for path in demo_dir.glob("*.toml"):
        path.rename(demo_dir / "data" / "demo" / path.name)
    edit(demo_dir / "data" / "demo", "activities.toml", "amount = 20000", "amount = -5")
    settings.BASE_DIR = demo_dir
    with pytest.raises(DemoDataError, match=r"→ funding #1: 'amount' must be an amount of money"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert nothing_written()


def test_review_mistakes_are_listed_and_nothing_is_written(plan_and_users, demo_dir):
    from reviews.models import Review, ReviewStatus

    edit(demo_dir, "reviews.toml", 'rating = "on_track"', 'rating = "fine"')
    edit(demo_dir, "reviews.toml", 'conclusion = "continue"\n', "")
    edit(demo_dir, "reviews.toml", 'recorded_by = "helsinki-coordinator"', 'recorded_by = "x"')
    with pytest.raises(DemoDataError) as caught:
        load_demo_data(demo_dir)
    message = str(caught.value)
    assert "3 problems; nothing was loaded" in message
    where = "reviews.toml: reviews #1 ('hki-bj-2019-2023-mid-term-review')"
    assert f"{where}: a completed review also needs 'conclusion'" in message
    assert f"{where} → assessments #2: 'rating' is 'fine'" in message
    assert nothing_written()
    assert not Review.objects.exclude(status=ReviewStatus.SCHEDULED).exists()


def test_a_review_the_plan_does_not_have_is_refused(plan_and_users, demo_dir):
    from reviews.models import Review, ReviewStatus

    edit(demo_dir, "reviews.toml", 'code = "hki-bj-2019-2023-evaluation"', 'code = "final"')
    edit(demo_dir, "reviews.toml", 'theme = "healthcare"', 'theme = "space"')
    with pytest.raises(DemoDataError) as caught:
        load_demo_data(demo_dir)
    message = str(caught.value)
    assert "'code' 'final' is not a review of the plan" in message
    assert "'theme' 'space' is not a theme of it" in message
    assert "a completed review assesses every theme (not healthcare)" in message
    assert nothing_written()
    assert not Review.objects.exclude(status=ReviewStatus.SCHEDULED).exists()
