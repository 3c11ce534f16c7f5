"""The activity list reads plain values (api.resources.activity_rows): its JSON is the
serializer's, byte for byte, for every kind of row and in every language."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from api.resources.activities import ActivitySerializer, ActivityViewSet
from cooperation.models import Activity
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def _varied_rows(world):
    """Rows with every field empty or full: no commitment, no leads, no author, a deleted
    author's updates, several participants, money with and without what was spent."""
    bare = f.ActivityFactory(
        theme=world.themes[1],
        commitment=None,
        first_lead_agency=None,
        second_lead_agency=None,
        created_by=None,
        updated_by=None,
        planned_start=None,
        title_zh_hans="",
        description_en="",
    )
    full = f.ActivityFactory(
        theme=world.themes[0],
        commitment=world.commitment,
        first_lead_agency=world.hki_agency,
        second_lead_agency=world.bj_agency,
        participants=[world.bj_other_agency, world.hki_other_agency, world.bj_agency],
        created_by=world.hki_staff,
        updated_by=world.hki_coordinator,
        actual_start=datetime.date(2021, 2, 1),
        actual_end=datetime.date(2021, 6, 30),
        outcomes_en="Done.",
        outcomes_zh_hans="完成。",
        is_demo=True,
    )
    f.StatusUpdateFactory(activity=full, sequence=1, author=world.hki_staff)
    f.StatusUpdateFactory(
        activity=full, sequence=2, from_status="in_progress", to_status="completed", author=None
    )
    f.FundingFactory(activity=full, amount=Decimal("1234.5"), spent=None, currency="CNY")
    f.FundingFactory(activity=full, source="third_party", funder="Fund", spent=Decimal("10"))
    f.FundingFactory(activity=bare, amount=Decimal("0.01"), spent=Decimal("0"))
    return [bare, full]


def _serialized(client_request_user, activities) -> list[bytes]:
    viewset = ActivityViewSet()
    viewset.action = "partial_update"  # the whole rows, as a write answers with them
    viewset.request = type("R", (), {"user": client_request_user})()
    queryset = viewset.get_queryset()
    objects = [queryset.get(pk=a.pk) for a in activities]
    return [JSONRenderer().render(ActivitySerializer(obj).data) for obj in objects]


@pytest.mark.parametrize("language", ["en", "zh-hans", "fi"])
def test_the_list_is_the_serializers_json_byte_for_byte(world, api_for, language):
    _varied_rows(world)
    user = world.hki_coordinator
    response = api_for(user).get(
        "/api/v1/activities/", {"page_size": 200}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) >= 6
    with translation.override(language):
        expected = _serialized(user, [Activity(pk=row["id"]) for row in rows])
    assert [JSONRenderer().render(row) for row in rows] == expected
    # A detail is read the same way.
    for row, rendered in zip(rows, expected, strict=True):
        detail = api_for(user).get(
            f"/api/v1/activities/{row['id']}/", HTTP_ACCEPT_LANGUAGE=language
        )
        assert detail.content == rendered
    # Nothing lost on the way: the full row carries every part.
    full = next(row for row in rows if row["is_demo"])
    assert len(full["participants"]) == 3
    assert [u["sequence"] for u in full["status_history"]] == [2, 1]
    assert full["status_history"][0]["author"] is None
    assert {x["amount"] for x in full["fundings"]} >= {"1234.50"}


def test_a_filtered_ordered_page_is_the_serializers_json_too(world, api_for):
    _varied_rows(world)
    client = api_for(world.hki_coordinator)
    response = client.get(
        "/api/v1/activities/",
        {"ordering": "-updated_at", "page_size": 2, "page": 2, "status": "planned"},
    )
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows
    expected = _serialized(world.hki_coordinator, [Activity(pk=row["id"]) for row in rows])
    assert [JSONRenderer().render(row) for row in rows] == expected
