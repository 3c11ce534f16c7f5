"""The IT administrators' /admin/: every model is there, history stays append-only."""

import pytest

from cooperation.models import Activity, StatusUpdate
from tests.factories import StatusUpdateFactory

pytestmark = pytest.mark.django_db

ADMIN_LISTS = [
    "partners/city",
    "partners/agency",
    "partners/profile",
    "cooperation/partnership",
    "cooperation/actionplan",
    "cooperation/theme",
    "cooperation/commitment",
    "cooperation/activity",
    "cooperation/statusupdate",
    "events/eventseries",
    "events/event",
    "reviews/review",
]


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_every_model_has_an_admin_list_and_form(world, client_for, model):
    client = client_for(world.admin)
    assert client.get(f"/admin/{model}/").status_code == 200
    if model != "cooperation/statusupdate":
        assert client.get(f"/admin/{model}/add/").status_code == 200


def test_translated_fields_are_in_the_admin_form(world, client_for):
    body = (
        client_for(world.admin)
        .get(f"/admin/cooperation/theme/{world.themes[0].pk}/change/")
        .content.decode()
    )
    assert 'name="name_en"' in body and 'name="name_zh_hans"' in body


def test_status_updates_cannot_be_changed_or_deleted(world, client_for):
    update = StatusUpdateFactory(activity=world.hki_activity)
    client = client_for(world.admin)
    url = f"/admin/cooperation/statusupdate/{update.pk}/"
    assert client.post(f"{url}change/", {"note": "rewritten"}).status_code == 403
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.get(pk=update.pk).note == update.note


def test_an_admin_edit_makes_open_copies_stale(world, client_for):
    activity = world.hki_activity
    version = activity.version
    client = client_for(world.admin)
    page = client.get(f"/admin/cooperation/activity/{activity.pk}/change/")
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if not isinstance(v, list)}
    data.update(
        {
            "theme": activity.theme_id,
            "title_en": "Renamed by the administrator",
            "participants": [],
        }
    )
    for prefix in ("fundings", "evidence", "status_updates"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    response = client.post(f"/admin/cooperation/activity/{activity.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.title_en == "Renamed by the administrator"
    assert activity.version == version + 1


@pytest.mark.parametrize("value", ["9" * 30, "abc", "-5"])
def test_impossible_ids_are_form_errors_not_crashes(world, client_for, value):
    response = client_for(world.admin).post(
        "/admin/cooperation/activity/add/",
        {"theme": value, "title_en": "x", "participants": [value], "commitment": value},
    )
    assert response.status_code == 200
