"""A list's count, and the rendered list or detail, are cached under the change stamp its ETag
is made of: again with nothing changed, the list runs no COUNT and nothing is formatted
again; after any change what is served is fresh."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Activity, ActivityStatus
from cooperation.services import activities as activity_services
from cooperation.services import themes as theme_services
from reports.models import ProgressReport, ReportLanguage
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ACTIVITIES = "/api/v1/activities/"


def count_queries(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("SELECT COUNT(*)"))


def test_a_list_asked_again_unchanged_runs_no_count(world, api_for):
    client = api_for(world.hki_coordinator)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(ACTIVITIES)
    assert first.status_code == 200
    assert count_queries(queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(ACTIVITIES)
    assert again.json() == first.json()
    assert count_queries(queries.captured_queries) == 0


def test_the_count_is_fresh_after_a_change(world, api_for):
    client = api_for(world.hki_coordinator)
    before = client.get(ACTIVITIES).json()["count"]
    f.ActivityFactory(theme=world.themes[0])
    assert client.get(ACTIVITIES).json()["count"] == before + 1
    Activity.objects.filter(theme=world.themes[0]).order_by("-pk").first().delete()
    assert client.get(ACTIVITIES).json()["count"] == before


def test_each_filter_has_its_own_count(world, api_for):
    coordinator = api_for(world.hki_coordinator)
    counts = {theme.pk: Activity.objects.filter(theme=theme).count() for theme in world.themes}
    assert len(set(counts.values())) > 1  # the world's themes differ
    everything = coordinator.get(ACTIVITIES).json()["count"]
    for theme_id, expected in counts.items():
        got = coordinator.get(ACTIVITIES, {"theme": theme_id}).json()["count"]
        assert got == expected
    assert coordinator.get(ACTIVITIES).json()["count"] == everything


# --- the rendered list, cached under its ETag ---------------------------------------------------


def test_a_list_asked_again_unchanged_is_served_rendered_from_the_cache(world, api_for):
    client = api_for(world.hki_coordinator)
    first = client.get(ACTIVITIES)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(ACTIVITIES)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    assert "Authorization" in again["Vary"]
    # Who asks and the change stamp; no activity row is read.
    assert not any("cooperation_activity" in q["sql"] for q in queries.captured_queries)


def test_a_change_is_shown_at_once(world, api_for):
    client = api_for(world.hki_coordinator)
    assert "Renamed theme" not in client.get("/api/v1/themes/").content.decode()
    theme = world.themes[0]
    theme_services.update_theme(user=world.hki_coordinator, theme=theme, name_en="Renamed theme")
    assert "Renamed theme" in client.get("/api/v1/themes/").content.decode()


def test_each_person_has_their_own_copy(world, api_for):
    mine = api_for(world.hki_coordinator).get(ACTIVITIES)
    theirs = api_for(world.official).get(ACTIVITIES)
    assert mine.status_code == theirs.status_code == 200
    assert mine["ETag"] != theirs["ETag"]
    # The official's copy is theirs, not the coordinator's cached one.
    again = api_for(world.official).get(ACTIVITIES)
    assert again.content == theirs.content


# --- the rendered detail, cached under the same stamp -------------------------------------------


def test_a_detail_asked_again_unchanged_is_served_from_the_cache(world, api_for):
    activity = Activity.objects.filter(theme__plan=world.plan).first()
    client = api_for(world.hki_coordinator)
    url = f"{ACTIVITIES}{activity.pk}/"
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"] == f'"activity-{activity.pk}-v{activity.version}"'
    assert "Authorization" in again["Vary"]
    assert not any("cooperation_activity" in q["sql"] for q in queries.captured_queries)
    # The version ETag still answers 304, from the cache too.
    with CaptureQueriesContext(connection) as queries:
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == first["ETag"]
    assert not any("cooperation_activity" in q["sql"] for q in queries.captured_queries)


def test_a_changed_detail_is_served_at_once(world, api_for):
    activity = Activity.objects.filter(
        theme__plan=world.plan, status=ActivityStatus.PLANNED
    ).first()
    client = api_for(world.hki_coordinator)
    url = f"{ACTIVITIES}{activity.pk}/"
    before = client.get(url).json()
    activity_services.change_activity_status(
        user=world.hki_coordinator,
        activity_id=activity.pk,
        to_status=ActivityStatus.IN_PROGRESS,
        note="Started",
        date=datetime.date(2021, 3, 1),
    )
    after = client.get(url, HTTP_IF_NONE_MATCH=f'"activity-{activity.pk}-v{before["version"]}"')
    assert after.status_code == 200
    assert after.json()["status"] == ActivityStatus.IN_PROGRESS
    assert after.json()["status_history"][0]["note"]["en"] == "Started"


def test_a_cached_detail_is_served_to_no_one_else(world, api_for):
    url = f"{ACTIVITIES}{world.hki_activity.pk}/"
    assert api_for(world.hki_coordinator).get(url).status_code == 200
    # The coordinator of another partnership may not see it, whatever is cached.
    assert api_for(world.outsider).get(url).status_code == 404
    theirs = f"{ACTIVITIES}{world.other_activity.pk}/"
    assert api_for(world.outsider).get(theirs).status_code == 200
    assert api_for(world.hki_coordinator).get(theirs).status_code == 404


def test_a_pending_report_is_never_served_from_the_cache(world, api_for):
    report = ProgressReport.objects.create(
        plan=world.plan, language=ReportLanguage.ENGLISH, as_of=datetime.date(2021, 12, 31)
    )
    client = api_for(world.official)
    url = f"/api/v1/reports/{report.pk}/"
    for _ in range(2):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store"
        assert response.json()["state"] == "queued"
