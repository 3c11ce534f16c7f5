"""Writes through the API go through the same services as the pages and /manage/: the rules
that were once copied into the API (or missing from it) hold here, with nothing changed on a
refusal."""

from __future__ import annotations

import pytest

from cooperation.models import Activity, Commitment, Theme
from events.models import Event

pytestmark = pytest.mark.django_db


def test_a_commitment_cannot_move_to_another_theme(world, api_for):
    # Once answered 200, leaving the commitment's activities under another theme.
    world.hki_activity.commitment = world.commitment
    world.hki_activity.save()

    response = api_for(world.hki_coordinator).patch(
        f"/api/v1/commitments/{world.commitment.pk}/",
        {"theme": world.themes[1].pk},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "theme" in response.json()["errors"]
    assert Commitment.objects.get(pk=world.commitment.pk).theme == world.themes[0]
    assert Activity.objects.get(pk=world.hki_activity.pk).commitment == world.commitment


def test_a_theme_cannot_move_to_another_plan(world, api_for):
    from tests.factories import ActionPlanFactory

    earlier = ActionPlanFactory(partnership=world.partnership, code="earlier")
    theme = world.themes[1]

    response = api_for(world.hki_coordinator).patch(
        f"/api/v1/themes/{theme.pk}/", {"plan": earlier.pk}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "plan" in response.json()["errors"]
    assert Theme.objects.get(pk=theme.pk).plan == world.plan


@pytest.mark.parametrize("field", ["plan", "organisers"])
def test_staff_of_an_organiser_cannot_move_or_regroup_an_event(world, api_for, field):
    from tests.factories import ActionPlanFactory

    event = world.event  # organised by the Helsinki staff's agency
    value = (
        ActionPlanFactory(partnership=world.partnership, code="earlier").pk
        if field == "plan"
        else [world.hki_agency.pk, world.bj_agency.pk]
    )

    response = api_for(world.hki_staff).patch(
        f"/api/v1/events/{event.pk}/", {field: value}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    stored = Event.objects.get(pk=event.pk)
    assert stored.plan == world.plan
    assert list(stored.organisers.all()) == [world.hki_agency]


def test_staff_of_an_organiser_change_the_rest_of_an_event(world, api_for):
    response = api_for(world.hki_staff).patch(
        f"/api/v1/events/{world.event.pk}/", {"venue": {"en": "Oodi"}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=world.event.pk).venue_en == "Oodi"


def test_an_activity_update_checks_its_dates(world, api_for):
    # The service checks the dates now (the API had a copy; update_activity had none).
    activity = world.hki_activity
    Activity.objects.filter(pk=activity.pk).update(planned_start="2021-05-01", planned_end=None)

    response = api_for(world.hki_staff).patch(
        f"/api/v1/activities/{activity.pk}/", {"planned_end": "2021-04-01"}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "planned_end" in response.json()["errors"]
    assert Activity.objects.get(pk=activity.pk).planned_end is None


def test_an_event_ending_before_it_starts_is_refused_by_the_service(world, api_for):
    response = api_for(world.hki_coordinator).patch(
        f"/api/v1/events/{world.event.pk}/",
        {"start_date": "2019-11-05", "end_date": "2019-11-01"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "end_date" in response.json()["errors"]
