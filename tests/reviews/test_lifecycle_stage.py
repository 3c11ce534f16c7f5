"""reviews.lifecycle: a plan's stage from its dates, its evaluation and the decisions on it,
and what a coordinator is offered at each stage."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cooperation.models import ActionPlan, PlanStatus
from plandata.loader import load_plan_file
from plandata.planfile import DEFAULT_PLAN_FILE
from reviews.lifecycle import Stage, stage_of, stages_of
from reviews.models import Conclusion, Review, ReviewKind
from tests import factories as f
from tests.helpers import main_of

pytestmark = pytest.mark.clock

TODAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("status", "start", "end", "stage"),
    [
        (PlanStatus.DRAFT, 2024, 2028, Stage.DRAFT),
        (PlanStatus.IN_FORCE, 2027, 2030, Stage.NOT_STARTED),
        (PlanStatus.IN_FORCE, 2024, 2028, Stage.IN_FORCE),
        (PlanStatus.UNDER_REVIEW, 2024, 2028, Stage.IN_FORCE),
        (PlanStatus.IN_FORCE, 2019, 2023, Stage.ENDED),
        (PlanStatus.RENEWED, 2019, 2023, Stage.RENEWED),
        (PlanStatus.CONCLUDED, 2019, 2023, Stage.CONCLUDED),
    ],
)
def test_the_stage_follows_from_dates_and_decisions(world, status, start, end, stage):
    plan = f.ActionPlanFactory(
        partnership=world.partnership,
        status=status,
        period_start_year=start,
        period_end_year=end,
        signed_on=None,
    )

    assert stage_of(plan, TODAY).stage == stage
    assert stage_of(plan, TODAY).label == str(stage.label)


@pytest.mark.parametrize("conclusion", Conclusion.values)
def test_a_completed_evaluation_makes_the_plan_evaluated(world, conclusion):
    f.evaluation(world.plan, conclusion=conclusion)

    stage = stage_of(world.plan, TODAY, user=world.hki_coordinator)

    assert stage.stage == Stage.EVALUATED
    assert stage.overdue_evaluation is None
    assert stage.conclusion == conclusion
    assert stage.can_start_renewal is (conclusion in {"renew", "revise"})
    assert stage.can_conclude is (conclusion == "conclude")


def test_an_evaluation_completed_before_the_end_makes_it_evaluated_too(world):
    plan = f.ActionPlanFactory(
        partnership=world.partnership, period_start_year=2024, period_end_year=2028
    )
    f.evaluation(plan, conclusion=Conclusion.RENEW, due=datetime.date(2026, 6, 30))

    assert stage_of(plan, TODAY).stage == Stage.EVALUATED


def test_an_ended_plan_shows_its_overdue_evaluation_and_offers_no_decision(world):
    review = f.evaluation(world.plan)

    stage = stage_of(world.plan, TODAY, user=world.hki_coordinator)

    assert stage.stage == Stage.ENDED
    assert stage.overdue_evaluation == review
    assert stage.awaits_evaluation
    assert not stage.can_start_renewal and not stage.can_conclude


def test_an_evaluation_due_later_is_not_overdue(world):
    f.evaluation(world.plan, due=datetime.date(2027, 1, 31))

    assert stage_of(world.plan, TODAY).overdue_evaluation is None


@pytest.mark.parametrize(
    ("username", "offered"),
    [
        ("hki_coordinator", True),
        ("bj_coordinator", True),
        ("admin", True),
        ("hki_staff", False),
        ("official", False),
        ("outsider", False),
    ],
)
def test_only_the_plans_coordinators_are_offered_the_renewal(world, username, offered):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    stage = stage_of(world.plan, TODAY, user=getattr(world, username))

    assert stage.can_start_renewal is offered


def test_the_renewal_is_offered_once(world):
    f.evaluation(world.plan, conclusion=Conclusion.REVISE)
    draft = f.ActionPlanFactory(
        partnership=world.partnership, status=PlanStatus.DRAFT, renewal_of=world.plan
    )

    stage = stage_of(world.plan, TODAY, user=world.hki_coordinator)

    assert not stage.can_start_renewal
    assert stage.renewal == draft
    # Staff do not see the draft until it is published.
    assert stage_of(world.plan, TODAY, user=world.hki_staff).renewal is None


def test_stages_of_a_list_take_two_queries(world, django_assert_num_queries):
    plans = [world.plan, world.other_plan] + f.ActionPlanFactory.create_batch(
        5, partnership=world.partnership
    )

    with django_assert_num_queries(2):  # evaluations, renewals
        stages = stages_of(plans, TODAY)

    assert len(stages) == 7


def test_the_dashboard_shows_the_stage_and_the_overdue_evaluation(world, client_for):
    review = f.evaluation(world.plan)

    page = main_of(client_for(world.official).get(reverse("dashboard", args=[world.plan.pk])))

    assert "plan-stage-ended" in page
    assert "The evaluation has been overdue since 31 December 2022." in page
    assert f"The plan’s period ended on 31 December {world.plan.period_end_year}." in page
    assert reverse("review-detail", args=[review.pk]) in page


def test_the_api_gives_the_stage(world, client_for):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    response = client_for(world.official).get(f"/api/v1/plans/{world.plan.pk}/")

    assert response.json()["stage"] == "evaluated"


@pytest.mark.django_db
def test_the_seed_plan_in_november_2026_has_ended_with_its_evaluation_overdue(client_for):
    load_plan_file(Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE)
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    coordinator = f.UserFactory(username="coordinator")
    f.ProfileFactory(user=coordinator, city=plan.partnership.first_city, role="coordinator")

    stage = stage_of(plan, TODAY, user=coordinator)

    assert stage.stage == Stage.ENDED
    assert stage.label == "Ended"
    assert stage.overdue_evaluation == Review.objects.get(plan=plan, kind=ReviewKind.EVALUATION)
    assert stage.overdue_evaluation.due_date == datetime.date(2022, 12, 31)
    # The evaluation has not been carried out: renewal waits for its conclusion.
    assert stage.awaits_evaluation and stage.manages and not stage.can_start_renewal


def test_coordinators_are_told_to_complete_the_evaluation_before_the_renewal(world, client_for):
    review = f.evaluation(world.plan)
    url = reverse("dashboard", args=[world.plan.pk])

    page = main_of(client_for(world.hki_coordinator).get(url))

    assert "Start the renewal" in page
    assert "Complete its evaluation first" in page
    assert reverse("review-detail", args=[review.pk]) in page
    assert "Start the renewal" not in main_of(client_for(world.official).get(url))
