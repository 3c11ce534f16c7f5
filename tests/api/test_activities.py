"""Activities through the API: the services' rules, field by field; filters, ordering, search
and pages; structured errors for bad input of every kind; throttling."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cooperation.models import Activity, ActivityStatus, StatusUpdate
from tests.factories import ActivityFactory, FundingFactory, StatusUpdateFactory

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

LIST = "/api/v1/activities/"


def detail(activity) -> str:
    return f"{LIST}{activity.pk}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- writes and their rules -----------------------------------------------------------------


def test_staff_create_an_activity_of_their_agency(world, api_for):
    response = api_for(world.hki_staff).post(
        LIST,
        {
            "theme": world.themes[0].pk,
            "commitment": world.commitment.pk,
            "title": {"en": "Smart city dialogue", "zh-hans": "智慧城市对话"},
            "first_lead_agency": world.hki_agency.pk,
            "second_lead_agency": world.bj_agency.pk,
            "participants": [world.hki_other_agency.pk],
            "planned_start": "2021-03-01",
            "planned_end": "2021-04-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert activity.title_zh_hans == "智慧城市对话"
    assert activity.created_by == world.hki_staff
    assert activity.status == ActivityStatus.PLANNED
    assert body["participants"] == [world.hki_other_agency.pk]
    assert body["plan"] == world.plan.pk
    assert response["ETag"] == f'"activity-{activity.pk}-v1"'


def test_beijing_staff_cannot_touch_a_helsinki_only_activity(world, api_for):
    client = api_for(world.bj_staff)
    before = Activity.objects.get(pk=world.hki_activity.pk)
    response = client.patch(detail(world.hki_activity), {"title": {"en": "Mine"}}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = client.post(
        f"{detail(world.hki_activity)}status-updates/",
        {"to_status": "cancelled", "note": "No."},
        format="json",
    )
    assert response.status_code == 403
    after = Activity.objects.get(pk=world.hki_activity.pk)
    assert (after.title_en, after.status, after.version) == (
        before.title_en,
        before.status,
        before.version,
    )


def test_staff_cannot_take_their_agency_out_of_an_activity(world, api_for):
    response = api_for(world.hki_staff).patch(
        detail(world.hki_activity), {"first_lead_agency": world.hki_other_agency.pk}, format="json"
    )
    assert response.status_code == 400
    assert "first_lead_agency" in response.json()["errors"]
    assert Activity.objects.get(pk=world.hki_activity.pk).first_lead_agency == world.hki_agency


def test_a_lead_agency_must_be_on_its_citys_side(world, api_for):
    response = api_for(world.hki_coordinator).patch(
        detail(world.hki_activity), {"second_lead_agency": world.hki_other_agency.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["second_lead_agency"]


def test_the_status_is_not_changed_by_patch(world, api_for):
    client = api_for(world.hki_coordinator)
    response = client.patch(detail(world.hki_activity), {"status": "completed"}, format="json")
    assert response.status_code == 400
    assert "status-updates" in response.json()["errors"]["status"][0]
    assert Activity.objects.get(pk=world.hki_activity.pk).status == ActivityStatus.PLANNED
    # Sending back the status read is fine (a GET body can be PUT back).
    response = client.patch(
        detail(world.hki_activity), {"status": "planned", "title": {"en": "Renamed"}}, format="json"
    )
    assert response.status_code == 200


def test_a_put_of_what_was_read_saves(world, api_for):
    client = api_for(world.hki_coordinator)
    body = client.get(detail(world.joint_activity)).json()
    body["description"] = {"en": "Both sides.", "zh-hans": "双方。"}
    response = client.put(detail(world.joint_activity), body, format="json")
    assert response.status_code == 200, response.content
    assert Activity.objects.get(pk=world.joint_activity.pk).description_zh_hans == "双方。"


def test_status_updates_go_through_the_service(world, api_for):
    client = api_for(world.hki_staff)
    url = f"{detail(world.hki_activity)}status-updates/"
    response = client.post(url, {"to_status": "completed", "note": "Done."}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["date"]  # completing needs its date
    response = client.post(
        url, {"to_status": "completed", "note": "Done.", "date": "2021-05-01"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["to_status"] == "completed"
    activity = Activity.objects.get(pk=world.hki_activity.pk)
    assert activity.actual_end == datetime.date(2021, 5, 1)
    assert response["ETag"] == f'"activity-{activity.pk}-v{activity.version}"'
    # Reopening is a coordinator's call.
    response = client.post(url, {"to_status": "in_progress", "note": "Again."}, format="json")
    assert response.status_code == 400
    history = client.get(url).json()
    assert [h["to_status"] for h in history] == ["completed"]
    assert client.get(detail(world.hki_activity)).json()["status_history"][0]["author"] == (
        "hki_staff"
    )


def test_a_future_date_is_refused(world, api_for):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = api_for(world.hki_coordinator).post(
        f"{detail(world.hki_activity)}status-updates/",
        {"to_status": "in_progress", "note": "Soon.", "date": tomorrow},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["date"]
    assert not StatusUpdate.objects.filter(activity=world.hki_activity).exists()


def test_activities_cannot_be_deleted(world, api_for):
    response = api_for(world.hki_coordinator).delete(detail(world.hki_activity))
    assert response.status_code == 405
    assert Activity.objects.filter(pk=world.hki_activity.pk).exists()


def test_an_activity_of_another_partnership_is_not_found(world, api_for):
    client = api_for(world.hki_coordinator)
    assert client.get(detail(world.other_activity)).status_code == 404
    response = client.patch(detail(world.other_activity), {"title": {"en": "x"}}, format="json")
    assert response.status_code == 404
    # Nor can it be named in a relation.
    response = client.post(
        LIST, {"theme": world.other_theme.pk, "title": {"en": "x"}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["theme"]


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/activities/abc/",
        "/api/v1/activities/0/",
        "/api/v1/activities/-1/",
        "/api/v1/activities/99999999999999999999999999/",
        "/api/v1/activities/9223372036854775808/",
        "/api/v1/activities/%C2%B2/",  # a superscript two: a digit to Python, not to int()
        "/api/v1/activities/" + "1" * 5000 + "/",  # more digits than int() converts
        "/api/v1/events/1.5/",
        "/api/v1/reviews/1e3/",
    ],
)
def test_junk_ids_are_not_found(world, api_for, path):
    response = api_for(world.hki_coordinator).get(path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"theme": 99999999999999999999999, "title": {"en": "x"}}, "theme"),
        ({"theme": "1; DROP TABLE", "title": {"en": "x"}}, "theme"),
        ({"theme": "1" * 5000, "title": {"en": "x"}}, "theme"),
        ({"theme": True, "title": {"en": "x"}}, "theme"),
        ({"theme": None, "title": {"en": "x"}}, "theme"),
        ({"title": {"en": "x"}}, "theme"),
        ({"theme": "{theme}", "title": "just a string"}, "title"),
        ({"theme": "{theme}", "title": {"fi": "Suomeksi"}}, "title"),
        ({"theme": "{theme}", "title": {"en": 5}}, "title"),
        ({"theme": "{theme}", "title": {"en": "x" * 301}}, "title"),
        ({"theme": "{theme}", "title": {"en": "", "zh-hans": ""}}, "title"),
        (
            {"theme": "{theme}", "title": {"en": "x"}, "planned_start": "2021-02-30"},
            "planned_start",
        ),
        (
            {"theme": "{theme}", "title": {"en": "x"}, "planned_start": "99999-01-01"},
            "planned_start",
        ),
        (
            {
                "theme": "{theme}",
                "title": {"en": "x"},
                "planned_start": "2021-05-01",
                "planned_end": "2021-01-01",
            },
            "planned_end",
        ),
        ({"theme": "{theme}", "title": {"en": "x"}, "participants": [2**70]}, "participants"),
        ({"theme": "{theme}", "title": {"en": "x"}, "participants": "1,2"}, "participants"),
        ({"theme": "{theme}", "title": {"en": "x"}, "colour": "blue"}, "colour"),
        (
            {"theme": "{theme}", "title": {"en": "x\x00y"}},
            "title.en",
        ),  # the service names the language
    ],
)
def test_bad_input_is_a_structured_400(world, api_for, payload, field):
    payload = {k: (world.themes[0].pk if v == "{theme}" else v) for k, v in payload.items()}
    count = Activity.objects.count()
    response = api_for(world.hki_coordinator).post(LIST, payload, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(isinstance(m, str) and m for m in errors[field])
    assert Activity.objects.count() == count


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("", "application/json", 400),
        ("[1, 2, 3]", "application/json", 400),
        ('"a string"', "application/json", 400),
        ("null", "application/json", 400),
        ('{"theme": 1e400}', "application/json", 400),
        ("theme=1&title=x", "application/x-www-form-urlencoded", 415),
        ("<xml/>", "application/xml", 415),
        ("\xff\xfe", "application/json", 400),
    ],
)
def test_unreadable_bodies_are_refused_cleanly(world, api_for, body, content_type, status):
    response = api_for(world.hki_coordinator).generic(
        "POST", LIST, body.encode("latin-1"), content_type=content_type
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    if status == 400:
        assert response.json()["errors"]


def test_huge_numbers_in_query_strings_are_400_not_500(world, api_for):
    client = api_for(world.hki_coordinator)
    for params in (
        {"theme": 2**80},
        {"agency": "9" * 40},
        {"side": -1},
        {"year": 10**12},
        {"page": 10**30},
        {"page_size": 10**30},
        {"planned_start_after": "0000-00-00"},
        {"updated_since": "yesterday"},
        {"status": "flying"},
    ):
        response = client.get(LIST, params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        if response.status_code == 400:
            assert response.json()["errors"], params


def test_an_unknown_filter_value_names_its_parameter(world, api_for):
    response = api_for(world.hki_coordinator).get(LIST, {"status": "flying", "theme": "x"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "theme"}


def test_not_signed_in_is_401_with_a_challenge(world, api_for):
    response = api_for(None).get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- lists ----------------------------------------------------------------------------------


def test_filters(world, api_for):
    client = api_for(world.hki_coordinator)
    hki, bj, joint, other = (
        world.hki_activity,
        world.bj_activity,
        world.joint_activity,
        world.other_agency_activity,
    )
    Activity.objects.filter(pk=bj.pk).update(
        status=ActivityStatus.IN_PROGRESS, actual_start=datetime.date(2021, 2, 1)
    )
    Activity.objects.filter(pk=joint.pk).update(
        planned_start=datetime.date(2022, 1, 10), planned_end=datetime.date(2022, 2, 1)
    )
    late = ActivityFactory(theme=world.themes[1], title_en="Teacher exchange")
    assert set(ids(client.get(LIST, {"theme": world.themes[1].pk}))) == {late.pk}
    assert set(ids(client.get(LIST, {"status": "in_progress"}))) == {bj.pk}
    assert set(ids(client.get(LIST, {"status": ["in_progress", "planned"]}))) == {
        hki.pk,
        bj.pk,
        joint.pk,
        other.pk,
        late.pk,
    }
    assert set(ids(client.get(LIST, {"side": world.beijing.pk}))) == {bj.pk, joint.pk, other.pk}
    assert set(ids(client.get(LIST, {"agency": world.hki_agency.pk}))) == {hki.pk, joint.pk}
    assert set(ids(client.get(LIST, {"planned_start_after": "2022-01-01"}))) == {joint.pk}
    assert set(
        ids(
            client.get(
                LIST, {"actual_start_after": "2021-01-01", "actual_start_before": "2021-12-31"}
            )
        )
    ) == {bj.pk}
    since = timezone.now() - datetime.timedelta(minutes=5)
    Activity.objects.exclude(pk=late.pk).update(updated_at=since - datetime.timedelta(days=1))
    assert ids(client.get(LIST, {"updated_since": since.isoformat()})) == [late.pk]
    assert ids(client.get(LIST, {"plan": world.plan.pk, "text": "Teacher"})) == [late.pk]


def test_search_finds_either_language(world, api_for):
    client = api_for(world.official)
    assert ids(client.get(LIST, {"search": "北京牵头"})) == [world.bj_activity.pk]
    assert ids(client.get(LIST, {"search": "jointly"})) == [world.joint_activity.pk]
    assert ids(client.get(LIST, {"search": "Tallinn"})) == []  # another partnership's
    assert client.get(LIST, {"search": "x\x00y" * 100}).status_code == 200


def test_ordering_ends_with_the_id_and_pages_are_stable(world, api_for):
    client = api_for(world.official)
    for _n in range(7):
        ActivityFactory(theme=world.themes[1], planned_start=datetime.date(2020, 1, 1))
    seen = []
    for page in (1, 2, 3, 4):
        response = client.get(LIST, {"ordering": "planned_start", "page_size": 3, "page": page})
        seen += ids(response)
    expected = list(
        Activity.objects.filter(theme__plan=world.plan)
        .order_by("planned_start", "id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    newest_first = ids(client.get(LIST, {"ordering": "-updated_at", "page_size": 200}))
    assert len(newest_first) == len(expected)
    assert client.get(LIST, {"page": 99}).status_code == 404


def test_each_row_carries_its_history_and_funding(world, api_for):
    StatusUpdateFactory(activity=world.hki_activity, sequence=1, author=world.hki_staff)
    FundingFactory(activity=world.hki_activity, amount="2500.50", currency="EUR")
    row = api_for(world.official).get(detail(world.hki_activity)).json()
    assert row["status_history"][0]["author"] == "hki_staff"
    assert row["fundings"][0]["amount"] == "2500.50"


# --- throttling -----------------------------------------------------------------------------


def test_clients_are_throttled(world, api_for, settings):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "user": "3/min", "anon": "2/min"},
    }
    client = api_for(world.official)
    assert [client.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    throttled = client.get(LIST)
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    # Another user has their own count.
    assert api_for(world.hki_staff).get(LIST).status_code == 200
    # Anonymous clients (and bad tokens) are counted by address, before the 401.
    anonymous = api_for(None)
    assert [anonymous.get(LIST).status_code for _ in range(2)] == [401, 401]
    assert anonymous.get(LIST).status_code == 429
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer sct_guess")
    assert anonymous.get(LIST).status_code == 429
