"""The plan's life through the API: the stage of a plan, starting its renewal, both sides'
approvals, moving open activities, concluding."""

import pytest

from cooperation.models import ActionPlan, Activity, PlanStatus
from reviews.models import Conclusion
from tests import factories as f

pytestmark = pytest.mark.clock


def test_the_renewal_from_start_to_moved_activities(world, api_for):
    f.evaluation(world.plan, conclusion=Conclusion.REVISE)
    hki, bj = api_for(world.hki_coordinator), api_for(world.bj_coordinator)
    assert hki.get(f"/api/v1/plans/{world.plan.pk}/").json()["stage"] == "evaluated"

    started = hki.post(
        f"/api/v1/plans/{world.plan.pk}/renewal/",
        {"period_start_year": 2024, "period_end_year": 2028},
        format="json",
    )
    assert started.status_code == 201, started.content
    draft = started.json()
    assert (draft["stage"], draft["renewal_of"]) == ("draft", world.plan.pk)
    # Not published: staff do not see it.
    assert api_for(world.hki_staff).get(f"/api/v1/plans/{draft['id']}/").status_code == 404

    first = bj.post(f"/api/v1/plans/{draft['id']}/approve/")
    second = hki.post(f"/api/v1/plans/{draft['id']}/approve/")

    assert first.json()["stage"] == "draft"
    assert second.json()["stage"] == "in_force"
    assert second.json()["predecessor"] == world.plan.pk
    assert hki.get(f"/api/v1/plans/{world.plan.pk}/").json()["stage"] == "renewed"

    moved = bj.post(
        f"/api/v1/plans/{world.plan.pk}/move-activities/",
        {"activities": [world.bj_activity.pk]},
        format="json",
    )
    assert moved.json() == {"moved": [world.bj_activity.pk], "plan": draft["id"]}
    assert Activity.objects.get(pk=world.bj_activity.pk).theme.plan_id == draft["id"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"period_start_year": "x", "period_end_year": 2028},
        {"period_start_year": 2024, "period_end_year": 2028, "extra": 1},
        {"period_start_year": 2020, "period_end_year": 2028},
        {"period_start_year": 10**30, "period_end_year": 2028},
    ],
)
def test_a_refused_start_is_400_and_changes_nothing(world, api_for, data):
    f.evaluation(world.plan, conclusion=Conclusion.RENEW)

    response = api_for(world.hki_coordinator).post(
        f"/api/v1/plans/{world.plan.pk}/renewal/", data, format="json"
    )

    assert response.status_code == 400
    assert not ActionPlan.objects.filter(renewal_of=world.plan).exists()


@pytest.mark.parametrize("ids", [["x"], [10**30], [987654]])
def test_moving_bad_ids_is_400(world, api_for, ids):
    response = api_for(world.hki_coordinator).post(
        f"/api/v1/plans/{world.plan.pk}/move-activities/", {"activities": ids}, format="json"
    )

    assert response.status_code == 400


def test_concluding_through_the_api(world, api_for):
    f.evaluation(world.plan, conclusion=Conclusion.CONCLUDE)

    response = api_for(world.bj_coordinator).post(f"/api/v1/plans/{world.plan.pk}/conclude/")

    assert response.json()["stage"] == "concluded"
    assert ActionPlan.objects.get(pk=world.plan.pk).status == PlanStatus.CONCLUDED
