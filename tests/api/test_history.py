"""GET /api/v1/<resource>/{id}/history/: the object's history, as on its history page."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.doors import Door
from tests.core.test_history_doors import latest
from tests.core.test_history_pages import rename

pytestmark = pytest.mark.clock

RESOURCES = [
    "partnerships",
    "plans",
    "themes",
    "commitments",
    "agencies",
    "activities",
    "events",
    "reviews",
    "evidence",
]


def test_the_api_with_a_token(world, token_for):
    """A token user is signed in by the API view, not by Django's middleware: still them."""
    client = token_for(world.bj_staff)
    response = client.patch(
        f"/api/v1/activities/{world.bj_activity.pk}/",
        {"outcomes": {"zh-hans": "一份报告。"}},
        format="json",
    )
    assert response.status_code == 200
    entry = latest(type(world.bj_activity), object_id=world.bj_activity.pk)
    assert (entry.door, entry.actor) == (Door.API, world.bj_staff)
    assert entry.changes == {"outcomes_zh_hans": [None, "一份报告。"]}


def test_the_entries_of_an_activity(world, api_for):
    rename(world, world.hki_activity, "Pilot", participants=[world.bj_other_agency.pk])
    response = api_for(world.official).get(f"/api/v1/activities/{world.hki_activity.pk}/history/")
    assert response.status_code == 200
    body = response.json()
    # Created (by the factory), then changed: its columns, then its links.
    assert body["count"] == 3
    linked, changed, created = body["results"]
    for entry in (linked, changed):
        assert entry["actor"] == "hki_coordinator" and entry["door"] == "page"
        assert entry["action"] == "update"
        assert entry["object_type"] == "cooperation.activity"
        assert entry["object_id"] == world.hki_activity.pk
    [title] = changed["changes"]
    assert (title["field"], title["old"], title["new"]) == (
        "title_en",
        "Helsinki-led activity",
        "Pilot",
    )
    [participants] = linked["changes"]
    assert participants["field"] == "participants"
    assert participants["added"] == [world.bj_other_agency.pk] and participants["removed"] == []
    assert created["action"] == "create" and created["actor"] == ""
    assert {c["field"]: c["new"] for c in created["changes"]}[
        "title_zh_hans"
    ] == "赫尔辛基牵头的活动"


def test_filters_and_pages(world, api_for):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)):
        rename(world, world.hki_activity, "Early", user=world.hki_staff)
    for number in range(3):
        rename(world, world.hki_activity, f"Late {number}")
    client = api_for(world.official)
    url = f"/api/v1/activities/{world.hki_activity.pk}/history/"

    def titles(**params):
        results = client.get(url, params).json()["results"]
        return [c["new"] for r in results for c in r["changes"] if c["field"] == "title_en"]

    assert titles(actor="hki_staff") == ["Early"]
    assert titles(since="2026-11-10", actor="hki_coordinator") == ["Late 2", "Late 1", "Late 0"]
    assert titles(since="2026-11-01", until="2026-11-02") == ["Early"]
    page = client.get(url, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["previous"]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"until": "9999-12-31"},
        {"since": "2026-11-02", "until": "2026-11-01"},
    ],
)
def test_a_bad_filter_is_400(world, api_for, params):
    response = api_for(world.official).get(
        f"/api/v1/activities/{world.hki_activity.pk}/history/", params
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"since", "until"}


def test_every_resource_with_objects_has_its_history_in_the_schema(api_for):
    schema = api_for(None).get("/api/schema/?format=json").json()
    for resource in RESOURCES:
        operation = schema["paths"][f"/api/v1/{resource}/{{id}}/history/"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"actor", "since", "until", "page", "page_size"} <= names
        assert set(operation["responses"]) == {"200", "400", "404", "406"}


def test_constant_queries_whatever_the_history(world, api_for):
    client = api_for(world.official)
    url = f"/api/v1/activities/{world.joint_activity.pk}/history/?actor=bj_staff"
    agencies = [world.hki_other_agency.pk, world.bj_other_agency.pk]

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    rename(world, world.joint_activity, "One", user=world.bj_staff, participants=agencies[:1])
    client.get(url)  # the session, once
    few = count()
    for number in range(40):
        rename(
            world,
            world.joint_activity,
            f"Title {number}",
            user=world.bj_staff,
            participants=[agencies[number % 2]],
        )
    # The session, the user, the profile, the activity with the resource's own joins (its
    # participants, status updates and funding), the count, the page of entries with their
    # authors: at 1 entry and at 41.
    assert count() == few == 9
