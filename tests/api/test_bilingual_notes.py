"""A status note and a funder through the API: ``{"en": …, "zh-hans": …}`` like every
translated text, and a plain string (as before issue 12) is the request language's text."""

import pytest

from cooperation.models import Funding, StatusUpdate

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def status_url(activity) -> str:
    return f"/api/v1/activities/{activity.pk}/status-updates/"


def funding_url(activity) -> str:
    return f"/api/v1/activities/{activity.pk}/funding/"


def test_a_note_in_both_languages(world, api_for):
    response = api_for(world.hki_staff).post(
        status_url(world.hki_activity),
        {"to_status": "in_progress", "note": {"en": "Kick-off held.", "zh-hans": "启动会已举行。"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["note"] == {"en": "Kick-off held.", "zh-hans": "启动会已举行。"}
    update = StatusUpdate.objects.get(pk=response.json()["id"])
    assert (update.note_en, update.note_zh_hans) == ("Kick-off held.", "启动会已举行。")


@pytest.mark.parametrize(
    "language, expected",
    [("en", {"en": "Started.", "zh-hans": ""}), ("zh-hans", {"en": "", "zh-hans": "Started."})],
)
def test_a_plain_string_is_the_request_languages(world, api_for, language, expected):
    response = api_for(world.hki_staff).post(
        status_url(world.hki_activity),
        {"to_status": "in_progress", "note": "Started."},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 201, response.content
    assert response.json()["note"] == expected


@pytest.mark.parametrize("note", [{"en": "", "zh-hans": " "}, {}, "", {"fi": "Aloitettu."}, 5])
def test_a_note_is_needed_in_one_language(world, api_for, note):
    response = api_for(world.hki_staff).post(
        status_url(world.hki_activity), {"to_status": "in_progress", "note": note}, format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()["errors"]
    assert not StatusUpdate.objects.filter(activity=world.hki_activity).exists()


def test_a_funder_as_an_object_or_a_plain_string(world, api_for):
    client = api_for(world.hki_coordinator)
    response = client.post(
        funding_url(world.hki_activity),
        {"source": "third_party", "amount": "10", "funder": {"zh-hans": "世界旅游城市联合会"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    row = Funding.objects.get(activity=world.hki_activity)
    assert (row.funder_en, row.funder_zh_hans) == ("", "世界旅游城市联合会")
    response = client.patch(
        f"{funding_url(world.hki_activity)}{row.pk}/",
        {"funder": "WTCF"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert (row.funder_en, row.funder_zh_hans) == ("WTCF", "世界旅游城市联合会")
    detail = client.get(f"/api/v1/activities/{world.hki_activity.pk}/").json()
    assert detail["fundings"][0]["funder"] == {"en": "WTCF", "zh-hans": "世界旅游城市联合会"}
