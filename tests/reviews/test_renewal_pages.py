"""The plan's life on pages: the dashboard's actions, starting the renewal, the draft page
with both sides' approvals, moving open activities, concluding; query counts of the lists."""

import pytest
from django.test import Client
from django.urls import reverse

from cooperation.models import ActionPlan, Activity, ActivityStatus, PlanStatus
from cooperation.services.renewal import approve_renewal
from reviews.decisions import start_renewal
from reviews.models import Conclusion
from tests import factories as f
from tests.helpers import main_of

pytestmark = pytest.mark.clock


def draft_of(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    return start_renewal(
        user=world.hki_coordinator, plan=world.plan, period_start_year=2024, period_end_year=2028
    )


def dashboard(world, user, plan=None):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return main_of(client.get(reverse("dashboard", args=[(plan or world.plan).pk])))


def test_the_dashboard_offers_the_renewal_after_the_evaluation(world):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    page = dashboard(world, world.bj_coordinator)

    assert "plan-stage-evaluated" in page
    assert reverse("plan-renew", args=[world.plan.pk]) in page
    assert reverse("plan-renew", args=[world.plan.pk]) not in dashboard(world, world.official)


def test_the_dashboard_offers_to_conclude_after_an_evaluation_concluding_so(world, client_for):
    f.evaluation(world.plan, conclusion=Conclusion.CONCLUDE)
    url = reverse("plan-conclude", args=[world.plan.pk])
    assert url in dashboard(world, world.hki_coordinator)

    response = client_for(world.hki_coordinator).post(url)

    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=world.plan.pk).status == PlanStatus.CONCLUDED


def test_starting_the_renewal_on_its_page(world, client_for):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)
    client = client_for(world.hki_coordinator)
    url = reverse("plan-renew", args=[world.plan.pk])
    assert 'value="2024"' in main_of(client.get(url))

    response = client.post(url, {"period_start_year": "2024", "period_end_year": "2028"})

    draft = ActionPlan.objects.get(renewal_of=world.plan)
    assert response["Location"] == reverse("renewal-draft", args=[draft.pk])
    assert draft.period == "2024–2028"


@pytest.mark.parametrize(
    "data",
    [
        {"period_start_year": "2020", "period_end_year": "2028"},
        {"period_start_year": "x", "period_end_year": "2028"},
        {"period_start_year": "99999999999999999999", "period_end_year": "2028"},
        {},
    ],
)
def test_a_refused_start_changes_nothing(world, client_for, data):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    response = client_for(world.hki_coordinator).post(
        reverse("plan-renew", args=[world.plan.pk]), data
    )

    assert response.status_code == 400
    assert not ActionPlan.objects.filter(renewal_of=world.plan).exists()


def test_the_draft_page_shows_what_was_carried_over_and_the_approvals(world, client_for):
    draft = draft_of(world)
    approve_renewal(user=world.bj_coordinator, plan=draft)

    page = main_of(client_for(world.hki_coordinator).get(reverse("renewal-draft", args=[draft.pk])))

    assert "carried over from 2019–2023, 1.1" in page
    assert "approved by bj_coordinator" in page
    assert "not approved yet" in page
    assert reverse("renewal-approve", args=[draft.pk]) in page


def test_approving_on_the_page_publishes_with_the_second_side(world, client_for):
    draft = draft_of(world)
    url = reverse("renewal-approve", args=[draft.pk])

    first = client_for(world.bj_coordinator).post(url)
    second = client_for(world.hki_coordinator).post(url)

    assert first["Location"] == reverse("renewal-draft", args=[draft.pk])
    assert second["Location"] == reverse("dashboard", args=[draft.pk])
    page = dashboard(world, world.official, ActionPlan.objects.get(pk=draft.pk))
    assert "plan-stage-in_force" in page
    assert reverse("dashboard", args=[world.plan.pk]) in page  # the predecessor link


def test_a_second_approval_of_the_same_side_is_refused_on_the_page(world, client_for):
    draft = draft_of(world)
    url = reverse("renewal-approve", args=[draft.pk])
    client_for(world.hki_coordinator).post(url)

    response = client_for(world.hki_coordinator).post(url)

    assert response.status_code == 400
    assert ActionPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def publish(world):
    draft = draft_of(world)
    approve_renewal(user=world.hki_coordinator, plan=draft)
    return approve_renewal(user=world.bj_coordinator, plan=draft)


def test_moving_open_activities_on_the_page(world, client_for):
    new = publish(world)
    url = reverse("plan-move-activities", args=[world.plan.pk])
    assert url in dashboard(world, world.hki_coordinator)
    client = client_for(world.hki_coordinator)
    assert "Helsinki-led activity" in main_of(client.get(url))

    response = client.post(url, {"activities": [world.hki_activity.pk]})

    assert response["Location"] == reverse("dashboard", args=[new.pk])
    assert Activity.objects.get(pk=world.hki_activity.pk).theme.plan == new
    assert Activity.objects.get(pk=world.bj_activity.pk).theme.plan == world.plan


@pytest.mark.parametrize("ids", [["x"], ["99999999999999999999"], []])
def test_moving_refuses_bad_choices(world, client_for, ids):
    publish(world)

    response = client_for(world.hki_coordinator).post(
        reverse("plan-move-activities", args=[world.plan.pk]), {"activities": ids}
    )

    assert response.status_code == 400
    assert Activity.objects.filter(theme__plan=world.plan).count() == 4


@pytest.mark.parametrize("n", [3, 30])
def test_the_draft_page_runs_a_constant_number_of_queries(
    world, client_for, django_assert_num_queries, n
):
    for i in range(n):
        f.CommitmentFactory(theme=world.themes[i % 3], order=10 + i)
    draft = draft_of(world)
    client = client_for(world.hki_coordinator)

    with django_assert_num_queries(19):
        # 1 session, 2 user, 3 profile; 4 the draft with partnership, cities, predecessor,
        # 5 its signatories; 6 themes, 7 responsibilities with agencies, 8 commitments;
        # 9 carried-over commitments with their origin; the fingerprint (to tell current
        # approvals from lapsed ones): 10 plan, 11 coordinators, 12 themes,
        # 13 responsibilities, 14 commitments, 15 their agencies; 16 the approvals with who;
        # the stage: 17 evaluation, 18 renewal; 19 the plan it renews
        response = client.get(reverse("renewal-draft", args=[draft.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_the_move_page_runs_a_constant_number_of_queries(
    world, client_for, django_assert_num_queries, n
):
    f.ActivityFactory.create_batch(n, theme=world.themes[1], status=ActivityStatus.IN_PROGRESS)
    publish(world)
    client = client_for(world.hki_coordinator)

    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 profile, 4 the plan with partnership, cities, predecessor,
        # 5 (the plan's own check) … 6 its open activities with theme and commitment
        response = client.get(reverse("plan-move-activities", args=[world.plan.pk]))
    assert response.status_code == 200
