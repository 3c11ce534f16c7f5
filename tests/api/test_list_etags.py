"""Lists carry an ETag made without reading their rows; If-None-Match naming it is 304 before
any row is read. The ETag moves on with every change a list shows (the row, a related name,
a status, a role), and differs per user, language and query. Details answer 304 before
serializing when their ETag is the row's version."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.utils import timezone

from api import etags, stamps
from api.resources.activities import ActivitySerializer
from cooperation.models import Activity, StatusUpdate
from partners.models import Role
from reports.models import ProgressReport
from tests import factories as f
from tests.api import test_query_counts as query_counts
from tests.api.test_reports import done_report

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

LISTS = list(query_counts.LISTS)  # every list of the API
ACTIVITIES = "/api/v1/activities/"


def etag_of(client, url=ACTIVITIES, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return response["ETag"]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_answers_304_to_its_etag_without_reading_a_row(
    world, api_for, django_assert_num_queries, name
):
    client = api_for(world.hki_coordinator)
    url = f"/api/v1/{name}/"
    etag = etag_of(client, url)
    assert etag.startswith('"list-') and etag.endswith('"')
    assert etag_of(client, url) == etag  # nothing changed: the same tag
    # Session, user, profile, the stamp: no count, no row.
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        with django_assert_num_queries(4):
            response = client.get(url, HTTP_IF_NONE_MATCH=header)
        assert response.status_code == 304, header
        assert response["ETag"] == etag
        assert response.content == b""
        assert "Authorization" in response["Vary"]
    assert client.get(url, HTTP_IF_NONE_MATCH='"list-stale"').status_code == 200


def test_the_etag_is_per_user_language_query_and_host(world, api_for):
    coordinator = api_for(world.hki_coordinator)
    etag = etag_of(coordinator)
    others = {
        "user": etag_of(api_for(world.official)),
        "language": etag_of(coordinator, HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "query": etag_of(coordinator, f"{ACTIVITIES}?page_size=10"),
        "page": etag_of(coordinator, f"{ACTIVITIES}?ordering=-id"),
        "host": etag_of(coordinator, HTTP_HOST="localhost"),
    }
    assert etag not in others.values()
    assert len(set(others.values())) == len(others)
    # Another user's tag is not this user's copy.
    response = coordinator.get(ACTIVITIES, HTTP_IF_NONE_MATCH=others["user"])
    assert response.status_code == 200


def _moves_on(client, change, url=ACTIVITIES) -> None:
    before = etag_of(client, url)
    change()
    after = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200, "a changed list must not be 304"
    assert after["ETag"] != before


def test_the_etag_moves_on_with_a_listed_row_and_its_status(world, api_for):
    client = api_for(world.hki_coordinator)
    activity = world.hki_activity
    _moves_on(
        client,
        lambda: client.patch(
            f"{ACTIVITIES}{activity.pk}/", {"title": {"en": "Renamed"}}, format="json"
        ),
    )

    # A status change is no history entry (when it sets no date): its status update is.
    def put_on_hold():
        f.StatusUpdateFactory(
            activity=activity, sequence=9, to_status="on_hold", author=world.hki_staff
        )
        Activity.objects.filter(pk=activity.pk).update(status="on_hold")

    _moves_on(client, put_on_hold)


def test_the_etag_moves_on_with_a_related_name_or_a_role(world, api_for):
    client = api_for(world.hki_coordinator)
    Activity.objects.filter(pk=world.hki_activity.pk).update(created_by=world.hki_staff)

    def rename_author():
        world.hki_staff.username = "renamed-staff"
        world.hki_staff.save()

    _moves_on(client, rename_author)

    def rename_agency():
        world.hki_agency.name_en = "Renamed agency"
        world.hki_agency.save()

    _moves_on(client, rename_agency, "/api/v1/agencies/")

    def rename_theme():
        world.themes[0].name_en = "Renamed theme"
        world.themes[0].save()

    _moves_on(client, rename_theme, "/api/v1/themes/")

    official = api_for(world.official)

    def promote():
        profile = world.official.profile
        profile.role = Role.COORDINATOR
        profile.save()

    _moves_on(official, promote, "/api/v1/plans/")


def test_a_report_rendered_moves_the_reports_list_on(world, api_for):
    client = api_for(world.official)
    report = done_report(world.plan, user=world.official)
    later = timezone.now() + datetime.timedelta(minutes=5)
    # Rendering writes no history entry: the report's own times move the stamp.
    _moves_on(
        client,
        lambda: ProgressReport.objects.filter(pk=report.pk).update(finished_at=later),
        "/api/v1/reports/",
    )


def test_an_older_id_committed_late_still_moves_the_stamp(world):
    """Concurrent writers: a row with an older id may become visible after a newer one."""
    activity = world.hki_activity
    newest = StatusUpdate.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    author = world.hki_staff
    f.StatusUpdateFactory(activity=activity, sequence=1, pk=newest + 10, author=author)
    before = stamps.change_stamp()
    f.StatusUpdateFactory(activity=activity, sequence=2, pk=newest + 5, author=author)
    assert stamps.change_stamp() != before


def test_a_detail_answers_304_before_serializing(world, api_for, monkeypatch):
    client = api_for(world.official)
    url = f"{ACTIVITIES}{world.hki_activity.pk}/"
    etag = etag_of(client, url)

    def never(self, instance):
        raise AssertionError("serialized for a 304")

    monkeypatch.setattr(ActivitySerializer, "to_representation", never)
    for header in (etag, f"W/{etag}", "*"):
        response = client.get(url, HTTP_IF_NONE_MATCH=header)
        assert response.status_code == 304
        assert response["ETag"] == etag


def test_details_without_a_version_honour_weak_tags_and_star_too(world, api_for):
    client = api_for(world.official)
    url = f"/api/v1/themes/{world.themes[0].pk}/"
    etag = etag_of(client, url)
    for header in (f"W/{etag}", "*"):
        assert client.get(url, HTTP_IF_NONE_MATCH=header).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"theme-0-x"').status_code == 200


def test_none_match():
    assert etags.none_match('"a"', '"a"')
    assert etags.none_match('W/"a"', '"a"')
    assert etags.none_match(' "b" , W/"a"', '"a"')
    assert etags.none_match("*", '"a"')
    assert not etags.none_match('"b"', '"a"')
    assert not etags.none_match("", '"a"')
    assert not etags.none_match(None, '"a"')


def test_the_schema_documents_if_none_match_and_304_on_every_list(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for name in LISTS:
        for path in (f"/api/v1/{name}/", f"/api/v1/{name}/{{id}}/"):
            operation = schema["paths"][path]["get"]
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "If-None-Match" in names, path
            assert "304" in operation["responses"], path
    assert "If-None-Match" in schema["info"]["description"]


@pytest.mark.parametrize(
    ("kind", "serializer"),
    [
        ("reviews", "api.resources.reviews.ReviewSerializer"),
        ("events", "api.resources.events.EventSerializer"),
    ],
)
def test_versioned_details_answer_304_before_serializing(
    world, api_for, monkeypatch, kind, serializer
):
    client = api_for(world.official)
    obj = world.review if kind == "reviews" else world.event
    url = f"/api/v1/{kind}/{obj.pk}/"
    etag = etag_of(client, url)
    module, name = serializer.rsplit(".", 1)

    def never(self, instance):
        raise AssertionError("serialized for a 304")

    monkeypatch.setattr(getattr(importlib.import_module(module), name), "to_representation", never)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
