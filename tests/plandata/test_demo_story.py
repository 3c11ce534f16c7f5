"""The demo data tells the plan's story as it happened in 2019–2023, whenever it is loaded:
every demo row recorded then, the mid-term review of 2021 completed, the evaluation prepared but
not completed (so overdue), and the plan over. Loading again changes nothing and keeps edits."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Q

from cooperation.models import Activity, Funding, StatusUpdate
from core.models import HistoryEntry
from events.models import Event
from plandata.loader import load_plan_file
from reviews import lifecycle
from reviews import services as review_services
from reviews.models import Conclusion, Review, ReviewKind, ReviewStatus, ThemeAssessment

pytestmark = pytest.mark.clock

PLAN = "hki-bj-2019-2023"
FIRST = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
LAST = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def load_all():
    out = io.StringIO()
    load_plan_file()
    call_command("create_demo_users", stdout=out, stderr=out)
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "Demo-passw0rd-for-tests"
    return load_all()


def review(kind):
    return Review.objects.get(plan__code=PLAN, kind=kind)


def assert_recorded_in_the_plan_period():
    stamps = []
    for activity in Activity.objects.filter(is_demo=True):
        stamps += [("activity", activity.pk, activity.created_at, activity.updated_at)]
    for update in StatusUpdate.objects.filter(activity__is_demo=True):
        stamps += [("status update", update.pk, update.created_at)]
    for event in Event.objects.filter(is_demo=True):
        stamps += [("event", event.pk, event.updated_at)]
    for assessment in ThemeAssessment.objects.filter(review__plan__code=PLAN):
        stamps += [("assessment", assessment.pk, assessment.updated_at)]
    assert len(stamps) > 50
    outside = [s for s in stamps if not all(FIRST <= t < LAST for t in s[2:])]
    assert not outside


def test_every_demo_timestamp_lies_in_2019_2023(demo):
    assert_recorded_in_the_plan_period()
    # The history tells the same: each entry is dated when its change was recorded.
    demo_events = [
        str(pk) for pk in Event.objects.filter(is_demo=True).values_list("pk", flat=True)
    ]
    entries = HistoryEntry.objects.filter(
        Q(content_type__model__in=["activity", "funding", "themeassessment"])
        | Q(content_type__model="event", object_pk__in=demo_events)
        | Q(content_type__model="review", actor_name="helsinki-coordinator")
    )
    assert entries.count() > 50
    assert not entries.exclude(timestamp__gte=FIRST, timestamp__lt=LAST).exists()
    # Each status update is recorded on its day, and the activity last updated by its last one.
    for activity in Activity.objects.filter(is_demo=True, status_updates__isnull=False).distinct():
        last = activity.status_updates.order_by("created_at").last()
        assert activity.updated_at >= last.created_at
        assert activity.created_at < activity.status_updates.order_by("created_at")[0].created_at


@pytest.mark.clock(datetime.datetime(2022, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_loaded_at_another_date_the_story_is_the_same(demo):
    assert_recorded_in_the_plan_period()
    assert review(ReviewKind.MID_TERM).status == ReviewStatus.COMPLETED


def test_the_mid_term_review_is_completed_with_assessments_and_conclusion(demo):
    mid_term = review(ReviewKind.MID_TERM)
    assert mid_term.status == ReviewStatus.COMPLETED
    assert mid_term.conclusion == Conclusion.CONTINUE
    assert mid_term.completed_at.date() == datetime.date(2021, 12, 10)
    assert mid_term.completed_at.date() <= mid_term.due_date
    assert "Demo data" in mid_term.conclusions_text_en
    assert "演示数据" in mid_term.conclusions_text_zh_hans
    assessments = mid_term.assessments.all()
    assert assessments.count() == mid_term.plan.themes.count() == 10
    for assessment in assessments:
        assert assessment.narrative_en.startswith("Demo data.")
        assert assessment.narrative_zh_hans.startswith("演示数据。")
        assert assessment.assessed_by.username == "helsinki-coordinator"


def test_the_evaluation_is_in_preparation_and_overdue_and_the_plan_has_ended(demo):
    evaluation = review(ReviewKind.EVALUATION)
    assert evaluation.status == ReviewStatus.IN_PREPARATION
    assert not evaluation.assessments.exists()
    stage = lifecycle.stage_of(evaluation.plan, datetime.date(2026, 11, 30))
    assert stage.stage == lifecycle.Stage.ENDED
    assert stage.overdue_evaluation == evaluation


def snapshot():
    rows = {}
    for model in (Activity, StatusUpdate, Funding, Event, Review, ThemeAssessment):
        for obj in model.objects.all():
            rows[(model.__name__, obj.pk)] = {
                f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields
            }
    return rows


def test_loading_twice_changes_nothing(demo):
    before = snapshot()
    assert "already there" in load_all()
    assert snapshot() == before


def test_a_coordinators_changes_to_a_review_survive_a_reload(demo):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="beijing-coordinator")
    mid_term = review(ReviewKind.MID_TERM)
    mid_term = review_services.reopen_review(
        user=user, review=mid_term, expected_version=mid_term.version
    )
    theme = mid_term.plan.themes.get(code="healthcare")
    review_services.save_assessment(
        user=user, review=mid_term, theme=theme, rating="at_risk", narrative_en="Our own words."
    )
    evaluation = review(ReviewKind.EVALUATION)
    # Even with the demo activities gone, the reviews worked on are not written again.
    call_command("load_demo_data", "--clear", stdout=io.StringIO())
    load_all()
    mid_term.refresh_from_db()
    assert mid_term.status == ReviewStatus.IN_PREPARATION
    changed = mid_term.assessments.get(theme=theme)
    assert (changed.rating, changed.narrative_en) == ("at_risk", "Our own words.")
    assert review(ReviewKind.EVALUATION).version == evaluation.version
    assert Activity.objects.filter(is_demo=True).exists()
