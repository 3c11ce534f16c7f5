"""The benchmark's pieces, quickly, on the test database: seeding, the arithmetic, the
hello-world views, the reference PDF's HTML. No timings are asserted here (bench/ has them)."""

import ast
import datetime
import statistics
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bench import seed
from bench.cli import check_database_url, parse_args
from bench.measure import Row, interleave, pair_ratios
from bench.pdf import reference_html
from cooperation.models import ActionPlan, Activity, StatusUpdate
from partners.models import Role

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded(db):
    return seed.seed(40)


def test_the_seed_creates_what_it_says(seeded):
    plan = ActionPlan.objects.get(pk=seeded.plan_id)
    assert plan.code == seed.PLAN_CODE
    assert plan.themes.count() == 10  # the real plan, through the loader
    assert seeded.activities == Activity.objects.filter(theme__plan=plan).count() == 40
    # The theme-page row's theme has the big share, the rest is spread over the others.
    assert seeded.big_theme_activities == seed.big_theme_share(40) == 8
    counts = sorted(
        Activity.objects.filter(theme__plan=plan)
        .exclude(theme_id=seeded.big_theme_id)
        .values_list("theme_id", flat=True)
    )
    assert {counts.count(t) for t in set(counts)} <= {3, 4} and len(set(counts)) == 9
    # Both languages, commitments, lead agencies of both sides, status histories.
    activities = Activity.objects.filter(theme__plan=plan)
    assert not activities.filter(title_en="").exists()
    assert not activities.filter(title_zh_hans="").exists()
    assert activities.filter(commitment__isnull=False).exists()
    assert activities.filter(first_lead_agency__isnull=False).exists()
    assert activities.filter(second_lead_agency__isnull=False).exists()
    assert activities.filter(participants__isnull=False).exists()
    assert seeded.status_updates == StatusUpdate.objects.filter(activity__in=activities).count()
    assert seeded.status_updates > 0
    # The dates given are kept (not "now"): activities spread over the plan's years.
    assert activities.filter(created_at__year=2026).count() == 0
    assert StatusUpdate.objects.filter(created_at__year__lt=2024).exists()
    # Real terms of the search rows occur in the seeded texts.
    english, chinese = seed.SEARCH_TERMS
    assert activities.filter(description_en__icontains=english).exists()
    assert activities.filter(description_zh_hans__contains=chinese).exists()


def test_the_seed_has_a_coordinator_staff_and_a_superuser(seeded):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users[seed.COORDINATOR].profile.role == Role.COORDINATOR
    assert users[seed.STAFF].profile.role == Role.AGENCY_STAFF
    assert users[seed.SUPERUSER].is_superuser


def test_seeding_again_with_the_same_size_reuses_the_data(seeded):
    first_ids = set(Activity.objects.values_list("pk", flat=True))
    again = seed.seed(40)
    assert again.reused and not seeded.reused
    assert set(Activity.objects.values_list("pk", flat=True)) == first_ids
    assert seed.marker_size() == 40
    bigger = seed.seed(50)
    assert not bigger.reused and bigger.activities == 50 and seed.marker_size() == 50


def test_a_database_with_other_data_is_recognised(db):
    assert seed.holds_other_data() is False  # empty: fine to seed
    get_user_model().objects.create_user("someone-real")
    assert seed.holds_other_data() is True
    seed.seed(20)
    assert seed.holds_other_data() is False  # the marker says it is the benchmark's


def test_the_projects_own_sqlite_database_is_refused():
    with pytest.raises(SystemExit):
        check_database_url(f"sqlite:///{ROOT / 'db.sqlite3'}")
    check_database_url("sqlite:////tmp/elsewhere.sqlite3")
    check_database_url("postgres://postgres@127.0.0.1:5432/sistercity_bench")


def test_options():
    quick = parse_args(["--quick", "--only", "pages,api"])
    assert quick.groups == ["pages", "api"] and quick.activities == 1000
    assert parse_args([]).activities == 10000
    with pytest.raises(SystemExit):
        parse_args(["--only", "pages,nonsense"])


def test_ratios_are_medians_of_pairs():
    assert pair_ratios([10, 30, 20], [5, 10, 0]) == [2, 3]
    row = Row("x", "y", target_ms=[10, 40, 30], reference_ms=[10, 10, 20])
    assert row.ratio == statistics.median([1, 4, 1.5]) == 1.5
    speed = Row("x", "y", target_ms=[100, 50], reference_ms=[1, 1], speed=True)
    assert speed.ratio == pytest.approx(0.015)
    assert "1.50× time" in row.line() and "0.015× speed" in speed.line()
    assert "no ETag" in Row("x", "y", note="no ETag").line()


def test_interleaving_alternates_and_drops_the_warmup():
    calls = []

    def timer(name, seconds):
        def run():
            calls.append(name)
            return seconds

        return run

    row = interleave(Row("x", "y"), timer("A", 0.02), timer("B", 0.01), rounds=4, warmup=2)
    assert calls == ["A", "B", "A", "B", "A", "B", "B", "A", "A", "B", "B", "A"]
    assert row.target_ms == [20.0] * 4 and row.reference_ms == [10.0] * 4
    assert row.ratio == 2.0


def test_the_hello_world_views_answer(settings):
    settings.ROOT_URLCONF = "bench.urls"
    client = Client()
    response = client.get("/bench/hello.json")
    assert response.status_code == 200 and response.json() == {"hello": "world"}
    response = client.get("/bench/hello/")
    assert response.status_code == 200 and b"Hello, world." in response.content


def test_the_project_urls_do_not_have_them(client):
    assert client.get("/bench/hello.json").status_code == 404


def test_the_reference_pdf_has_the_same_texts(seeded):
    plan = ActionPlan.objects.get(pk=seeded.plan_id)
    html = reference_html(plan, datetime.date(2023, 12, 31))
    for activity in Activity.objects.filter(theme__plan=plan)[:5]:
        assert activity.title_en in html and activity.title_zh_hans in html
    assert html.count("<tr>") == 40


def test_nothing_in_the_project_imports_the_bench_package():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"bench", "tests", ".venv", "node_modules"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "bench" or n.startswith("bench.") for n in names):
                offenders.append(str(relative))
    assert offenders == []
