"""ETags and If-Match: a stale write is refused with 412 and changes nothing; a missing
If-Match is allowed, and still no update is lost (the services check the version read)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F

from api.base import PortalViewSet
from cooperation.models import Activity, StatusUpdate, Theme
from events.models import Event
from reviews.models import Review

pytestmark = pytest.mark.django_db


def url(kind: str, obj) -> str:
    return f"/api/v1/{kind}/{obj.pk}/"


def test_details_carry_an_etag_and_answer_304_when_unchanged(world, api_for):
    client = api_for(world.official)
    for kind, obj in (
        ("activities", world.hki_activity),
        ("events", world.event),
        ("reviews", world.review),
        ("themes", world.themes[0]),
        ("plans", world.plan),
        ("agencies", world.hki_agency),
    ):
        response = client.get(url(kind, obj))
        etag = response["ETag"]
        assert etag.startswith('"') and etag.endswith('"'), (kind, etag)
        again = client.get(url(kind, obj), HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, kind
        assert client.get(url(kind, obj)).headers["ETag"] == etag, kind
    assert client.get(url("activities", world.hki_activity))["ETag"] == (
        f'"activity-{world.hki_activity.pk}-v{world.hki_activity.version}"'
    )


def test_a_stale_if_match_is_412_and_changes_nothing(world, api_for):
    client = api_for(world.hki_coordinator)
    first = client.get(url("activities", world.hki_activity))["ETag"]
    response = client.patch(
        url("activities", world.hki_activity),
        {"title": {"en": "First writer"}},
        format="json",
        HTTP_IF_MATCH=first,
    )
    assert response.status_code == 200
    second = response["ETag"]
    assert second != first
    # A client still holding the first ETag:
    response = client.patch(
        url("activities", world.hki_activity),
        {"title": {"en": "Second writer"}},
        format="json",
        HTTP_IF_MATCH=first,
    )
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "precondition_failed"
    assert body["current_etag"] == second
    assert "Nothing was saved" in body["detail"]
    activity = Activity.objects.get(pk=world.hki_activity.pk)
    assert activity.title_en == "First writer"
    assert activity.version == 2


@pytest.mark.parametrize("header", ["*", None, "{current}", 'W/"x", {current}'])
def test_a_matching_star_or_missing_if_match_is_allowed(world, api_for, header):
    client = api_for(world.hki_coordinator)
    current = client.get(url("activities", world.hki_activity))["ETag"]
    extra = {} if header is None else {"HTTP_IF_MATCH": header.format(current=current)}
    response = client.patch(
        url("activities", world.hki_activity), {"title": {"en": "Fine"}}, format="json", **extra
    )
    assert response.status_code == 200


def test_without_if_match_a_concurrent_save_is_still_no_lost_update(world, api_for, monkeypatch):
    """Another request saves between this one's read and its write: the service's version
    check refuses the write (412) and names what changed."""
    original = PortalViewSet.check_if_match

    def read_then_someone_saves(self, obj):
        etag = original(self, obj)
        Activity.objects.filter(pk=obj.pk).update(version=F("version") + 1, title_en="Theirs")
        return etag

    monkeypatch.setattr(PortalViewSet, "check_if_match", read_then_someone_saves)
    response = api_for(world.hki_coordinator).patch(
        url("activities", world.hki_activity), {"title": {"en": "Mine"}}, format="json"
    )
    assert response.status_code == 412
    assert response.json()["changed_fields"] == ["title"]
    # (The simulated other save ran inside this request's transaction, so it is gone too.)
    assert Activity.objects.get(pk=world.hki_activity.pk).title_en != "Mine"


def test_a_stale_status_change_is_412(world, api_for):
    client = api_for(world.hki_coordinator)
    stale = client.get(url("activities", world.hki_activity))["ETag"]
    Activity.objects.filter(pk=world.hki_activity.pk).update(version=F("version") + 1)
    response = client.post(
        url("activities", world.hki_activity) + "status-updates/",
        {"to_status": "in_progress", "note": "Started."},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert not StatusUpdate.objects.exists()


def test_other_resources_refuse_a_stale_write_too(world, api_for):
    client = api_for(world.hki_coordinator)
    theme_etag = client.get(url("themes", world.themes[0]))["ETag"]
    Theme.objects.filter(pk=world.themes[0].pk).update(summary_en="Changed meanwhile.")
    response = client.patch(
        url("themes", world.themes[0]),
        {"summary": {"en": "Mine"}},
        format="json",
        HTTP_IF_MATCH=theme_etag,
    )
    assert response.status_code == 412
    assert Theme.objects.get(pk=world.themes[0].pk).summary_en == "Changed meanwhile."

    event_etag = client.get(url("events", world.event))["ETag"]
    Event.objects.filter(pk=world.event.pk).update(venue_en="Somewhere else")
    world.event.refresh_from_db()
    Event.objects.filter(pk=world.event.pk).update(
        updated_at=F("updated_at") + datetime.timedelta(seconds=1)
    )
    response = client.patch(
        url("events", world.event),
        {"venue": {"en": "Mine"}},
        format="json",
        HTTP_IF_MATCH=event_etag,
    )
    assert response.status_code == 412
    response = client.delete(url("events", world.event), HTTP_IF_MATCH=event_etag)
    assert response.status_code == 412
    assert Event.objects.get(pk=world.event.pk).venue_en == "Somewhere else"

    review_etag = client.get(url("reviews", world.review))["ETag"]
    Review.objects.filter(pk=world.review.pk).update(version=F("version") + 1)
    response = client.post(url("reviews", world.review) + "start/", HTTP_IF_MATCH=review_etag)
    assert response.status_code == 412
    assert Review.objects.get(pk=world.review.pk).status == "scheduled"
