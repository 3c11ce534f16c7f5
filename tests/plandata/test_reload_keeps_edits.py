"""`make run` loads the plan, the demo users and the demo data at every start: whatever the
coordinators changed in the portal since (every kind of field the plan file describes, links
removed, parts deleted), a restart reverts nothing."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cooperation.models import ActionPlan, Commitment, Partnership, Signatory, Theme, ThemeAgency
from cooperation.services import commitments, plans, themes
from events import services as events
from events.models import Event, EventSeries
from partners import services as partners
from partners.access import SYSTEM
from partners.models import Agency, City
from plandata.loader import load_plan_file
from plandata.loadresult import LOADED_MODELS
from plandata.planfile import DEFAULT_PLAN_FILE
from reviews import services as reviews
from reviews.models import Review

PLAN_FILE = Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE
PLAN = "hki-bj-2019-2023"

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def snapshot() -> dict:
    """Every loaded row: its column values and its many-to-many links."""
    rows = {}
    for model in LOADED_MODELS:
        m2m = [f.name for f in model._meta.many_to_many]
        for obj in model.objects.prefetch_related(*m2m):
            values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            values.pop("updated_at", None)  # an event's: moved on by writes of its parts
            for name in m2m:
                values[name] = sorted(o.pk for o in getattr(obj, name).all())
            rows[(model.__name__, obj.pk)] = values
    return rows


def make_run_load_steps() -> str:
    out = io.StringIO()
    call_command("load_action_plan", stdout=out)
    call_command("create_demo_users", stdout=out)
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def edit_everything_the_file_describes():
    """As coordinators and administrators would, through the services."""
    city = City.objects.get(code="beijing")
    partners.update_city(user=SYSTEM, city=city, name_en="Peking", time_zone="Asia/Chongqing")

    agency = Agency.objects.get(code="bj-commerce")
    partners.update_agency(user=SYSTEM, agency=agency, name_zh_hans="北京市商务局（新）")

    partnership = Partnership.objects.get()
    plans.update_partnership(
        user=SYSTEM,
        partnership=partnership,
        established=datetime.date(2006, 7, 15),
        agreement_title_zh_hans="友好城市协议",
    )

    plan = ActionPlan.objects.get(code=PLAN)
    plans.update_plan(
        user=SYSTEM,
        plan=plan,
        title_zh_hans="行动计划（修订）",
        signed_place_en="Helsinki City Hall",
        period_end_year=2024,
        authentic_languages=["en", "zh-hans", "fi"],
        coordinators=list(plan.coordinators.all())[:1],
        status="concluded",
    )
    signatory = Signatory.objects.filter(plan=plan).first()
    plans.update_signatory(user=SYSTEM, signatory=signatory, position_en="Mayor (retired)")

    theme = Theme.objects.get(plan=plan, order=1)
    themes.update_theme(
        user=SYSTEM, theme=theme, name_en="Diplomacy", summary_zh_hans="新的概要", order=11
    )
    responsibilities = list(ThemeAgency.objects.filter(theme=theme))
    themes.update_responsibility(user=SYSTEM, responsibility=responsibilities[0], role="supporting")
    themes.remove_responsibility(user=SYSTEM, responsibility=responsibilities[-1])

    commitment = Commitment.objects.filter(theme__plan=plan).exclude(agencies=None).first()
    commitments.update_commitment(
        user=SYSTEM,
        commitment=commitment,
        text_zh_hans="更正后的中文",
        target_count=3,
        frequency="annual",
        agencies=[],
        order=40,
    )
    gone = Commitment.objects.filter(theme__plan=plan).exclude(pk=commitment.pk).last()
    commitments.delete_commitment(user=SYSTEM, commitment=gone)

    series = EventSeries.objects.filter(plan=plan).first()
    events.update_series(user=SYSTEM, series=series, name_en="The Weeks", recurrence="irregular")

    event = Event.objects.get(plan=plan, code="helsinki-week-in-beijing")
    events.update_event(
        user=SYSTEM,
        event=event,
        title_en="Helsinki Week 2019",
        kind="forum",
        year=2020,
        host_city=City.objects.get(code="helsinki"),
        themes=[],
        organisers=[],
        series=None,
    )

    # The evaluation: the demo data completed the mid-term review (its schedule is then fixed).
    review = Review.objects.get(plan=plan, kind="evaluation")
    review = reviews.update_review_details(
        user=SYSTEM, review=review, title_zh_hans="终期评估（推迟）", description_en="Moved."
    )
    reviews.update_review_schedule(
        user=SYSTEM,
        review=review,
        due_date=datetime.date(2023, 3, 31),
        reminder_days=[60, 14],
        expected_version=review.version,
    )


def test_a_restart_reverts_nothing_coordinators_changed(settings):
    settings.DEBUG = True  # as make run serves
    settings.DEMO_PASSWORD = "Demo-passw0rd-for-tests"
    make_run_load_steps()
    edit_everything_the_file_describes()
    before = snapshot()

    output = make_run_load_steps()

    after = snapshot()
    # The demo data added on the first start is there already; nothing new of the plan either.
    assert set(after) == set(before)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {}
    # What differs from the file is said, not silently undone.
    assert "difference(s) between the portal and the file" in output
    for fragment in ("name_en: portal 'Peking', file 'Beijing", "due_date", "coordinators"):
        assert fragment in output


def test_the_differences_are_the_edits():
    load_plan_file(PLAN_FILE)
    edit_everything_the_file_describes()

    result = load_plan_file(PLAN_FILE)

    fields = {(d.what.split(": ")[-1], d.field) for d in result.differences}
    for expected in [
        ("city beijing", "name_en"),
        ("city beijing", "time_zone"),
        ("agency bj-commerce", "name_zh_hans"),
        ("partnership helsinki-beijing", "established"),
        ("plan hki-bj-2019-2023", "title_zh_hans"),
        ("plan hki-bj-2019-2023", "period_end_year"),
        ("plan hki-bj-2019-2023", "coordinators"),
        ("theme diplomatic-exchanges", "order"),
        ("theme diplomatic-exchanges", "name_en"),
        ("review hki-bj-2019-2023-evaluation", "due_date"),
        ("event helsinki-week-in-beijing", "organisers"),
    ]:
        assert expected in fields, expected
    # The plan's status is the portal's alone: never a difference.
    assert all(d.field != "status" for d in result.differences)


def test_update_brings_the_file_back_and_keeps_what_the_file_does_not_say():
    load_plan_file(PLAN_FILE)
    beijing = City.objects.get(code="beijing").name_en
    edit_everything_the_file_describes()

    load_plan_file(PLAN_FILE, update=True)

    plan = ActionPlan.objects.get(code=PLAN)
    assert City.objects.get(code="beijing").name_en == beijing
    assert plan.period_end_year == 2023
    assert plan.status == "concluded"  # a workflow state, not the file's
    assert plan.coordinators.count() == 2
    assert Theme.objects.get(plan=plan, code="diplomatic-exchanges").order == 1
    evaluation = Review.objects.get(plan=plan, kind="evaluation")
    assert evaluation.due_date == datetime.date(2022, 12, 31)
    assert evaluation.reminder_days == [60, 14]  # the portal's schedule setting stays
    assert evaluation.description_en != "Moved."
    assert load_plan_file(PLAN_FILE).differences == []
