"""A list's count is cached under its query and the change stamp its ETag is made of: asked
again with nothing changed, the list runs no COUNT; after any change the count is fresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Activity
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
