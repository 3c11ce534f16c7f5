"""Translated content: both languages read and written in one request, per field."""

from __future__ import annotations

import pytest

from cooperation.models import Activity, Commitment, Theme
from events.models import Event
from partners.models import Agency

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "attr", "field", "max_length"),
    [
        ("activities", "hki_activity", "title", 300),
        ("events", "event", "venue", 300),
        ("themes", "themes.0", "summary", None),
        ("commitments", "commitment", "text", None),
        ("agencies", "hki_agency", "name", 200),
        ("plans", "plan", "title", 300),
    ],
)
def test_both_languages_round_trip(world, api_for, kind, attr, field, max_length):
    obj = world
    for part in attr.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    client = api_for(world.admin)
    url = f"/api/v1/{kind}/{obj.pk}/"
    value = {"en": "Helsinki–Beijing “quotes” & <tags>", "zh-hans": "北京—赫尔辛基「引号」"}
    response = client.patch(url, {field: value}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()[field] == value
    assert client.get(url).json()[field] == value
    obj.refresh_from_db()
    assert getattr(obj, f"{field}_en") == value["en"]
    assert getattr(obj, f"{field}_zh_hans") == value["zh-hans"]

    # PATCH with one language keeps the other.
    response = client.patch(url, {field: {"zh-hans": "只改中文"}}, format="json")
    assert response.json()[field] == {"en": value["en"], "zh-hans": "只改中文"}

    if max_length:
        response = client.patch(url, {field: {"en": "x" * (max_length + 1)}}, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_a_language_left_out_of_a_new_object_is_empty(world, api_for):
    response = api_for(world.bj_staff).post(
        "/api/v1/activities/",
        {
            "theme": world.themes[0].pk,
            "title": {"zh-hans": "只有中文"},
            "second_lead_agency": world.bj_agency.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == {"en": "", "zh-hans": "只有中文"}
    activity = Activity.objects.get(pk=response.json()["id"])
    assert activity.title_zh_hans == "只有中文" and not activity.title_en


def test_put_replaces_both_languages(world, api_for):
    client = api_for(world.hki_coordinator)
    url = f"/api/v1/themes/{world.themes[1].pk}/"
    body = client.get(url).json()
    body["name"] = {"en": "Education and research"}
    response = client.put(url, body, format="json")
    assert response.status_code == 200, response.content
    theme = Theme.objects.get(pk=world.themes[1].pk)
    assert (theme.name_en, theme.name_zh_hans) == ("Education and research", "")


def test_a_required_language_is_required(world, api_for):
    # Themes, commitments and agencies need their English text (as on /manage/).
    client = api_for(world.hki_coordinator)
    response = client.patch(
        f"/api/v1/themes/{world.themes[0].pk}/", {"name": {"en": ""}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert Theme.objects.get(pk=world.themes[0].pk).name_en == "Economy"
    response = client.patch(
        f"/api/v1/commitments/{world.commitment.pk}/", {"text": {"en": " "}}, format="json"
    )
    assert response.status_code == 400
    assert Commitment.objects.get(pk=world.commitment.pk).text_en


@pytest.mark.parametrize(
    "value",
    [{"fi": "Helsinki"}, {"en": ["a"]}, {"en": {"nested": 1}}, "plain", ["en", "x"], 5],
)
def test_malformed_translations_are_400(world, api_for, value):
    response = api_for(world.hki_coordinator).patch(
        f"/api/v1/events/{world.event.pk}/", {"title": value}, format="json"
    )
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    assert Event.objects.get(pk=world.event.pk).title_en == world.event.title_en


def test_an_agency_name_reads_in_both_languages(world, api_for):
    row = api_for(world.official).get(f"/api/v1/agencies/{world.bj_agency.pk}/").json()
    assert row["name"] == {"en": "Science & Technology Commission", "zh-hans": "科学技术委员会"}
    assert Agency.objects.get(pk=world.bj_agency.pk).name_zh_hans == "科学技术委员会"
