"""The IT administrators' /admin/: every model is there, history stays append-only."""

import datetime

import pytest

from cooperation.models import Activity, ActivityStatus, StatusUpdate
from tests.admin_forms import admin_form_data
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
    url = f"/admin/cooperation/activity/{activity.pk}/change/"
    data = admin_form_data(client.get(url), title_en="Renamed by the administrator")
    assert data["seen_version"] == version

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(pk=activity.pk)
    assert activity.title_en == "Renamed by the administrator"
    assert activity.version == version + 1


def test_an_admin_edit_over_someone_elses_change_is_refused(world, client_for):
    # The activity service's version check holds in /admin/ too: no silent overwrite.
    activity = world.hki_activity
    client = client_for(world.admin)
    url = f"/admin/cooperation/activity/{activity.pk}/change/"
    data = admin_form_data(client.get(url), title_en="The administrator's title")
    Activity.objects.filter(pk=activity.pk).update(
        title_en="Someone else's title", version=activity.version + 1
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "changed this activity after you opened it" in str(
        response.context["adminform"].form.errors
    )
    assert Activity.objects.get(pk=activity.pk).title_en == "Someone else's title"


@pytest.mark.parametrize("value", ["9" * 30, "abc", "-5"])
def test_impossible_ids_are_form_errors_not_crashes(world, client_for, value):
    response = client_for(world.admin).post(
        "/admin/cooperation/activity/add/",
        {"theme": value, "title_en": "x", "participants": [value], "commitment": value},
    )
    assert response.status_code == 200


def test_a_plan_cannot_become_its_own_predecessor(world, client_for):
    plan = world.plan
    client = client_for(world.admin)
    url = f"/admin/cooperation/actionplan/{plan.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), predecessor=plan.pk))

    assert response.status_code == 200  # the form shows the error
    assert "predecessor" in response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.predecessor_id is None


def test_a_completed_activity_keeps_its_end_date_in_the_admin(world, client_for):
    activity = world.hki_activity
    Activity.objects.filter(pk=activity.pk).update(
        status=ActivityStatus.COMPLETED, actual_end=datetime.date(2021, 5, 1)
    )
    client = client_for(world.admin)
    url = f"/admin/cooperation/activity/{activity.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), actual_end=""))

    assert response.status_code == 200  # the form shows the error
    assert "actual_end" in response.context["adminform"].form.errors
    assert Activity.objects.get(pk=activity.pk).actual_end == datetime.date(2021, 5, 1)


def test_an_agency_cannot_become_its_own_parent_in_the_admin(world, client_for):
    agency = world.hki_agency
    client = client_for(world.admin)
    url = f"/admin/partners/agency/{agency.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), parent=agency.pk))

    assert response.status_code == 200
    agency.refresh_from_db()
    assert agency.parent_id is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("theme", "other_theme"),  # into another partnership's plan
        ("first_lead_agency", "bj_agency"),  # a Beijing agency on the Helsinki side
        ("commitment", "commitment"),  # a commitment of another theme
    ],
)
def test_the_admin_keeps_an_activitys_rules(world, client_for, field, value):
    activity = world.hki_activity
    activity.theme = world.themes[1]
    activity.save()
    client = client_for(world.admin)
    url = f"/admin/cooperation/activity/{activity.pk}/change/"

    response = client.post(
        url, admin_form_data(client.get(url), **{field: getattr(world, value).pk})
    )

    assert response.status_code == 200  # the form shows the error
    assert field in response.context["adminform"].form.errors
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.theme, stored.first_lead_agency, stored.commitment) == (
        world.themes[1],
        world.hki_agency,
        None,
    )


def test_an_administrator_gives_an_account_a_side_and_a_role(world, client_for):
    from partners.models import Profile
    from tests.factories import UserFactory

    person = UserFactory(username="new-person")
    response = client_for(world.admin).post(
        "/admin/partners/profile/add/",
        {
            "user": person.pk,
            "city": world.helsinki.pk,
            "role": "agency_staff",
            "agency": world.hki_agency.pk,
            "preferred_language": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Profile.objects.get(user=person)
    assert (profile.city, profile.agency, profile.role) == (
        world.helsinki,
        world.hki_agency,
        "agency_staff",
    )


def test_a_partnership_is_set_up_in_the_admin(world, client_for):
    from cooperation.models import Partnership
    from tests.factories import CityFactory

    a, b = CityFactory(code="espoo"), CityFactory(code="shanghai")
    response = client_for(world.admin).post(
        "/admin/cooperation/partnership/add/",
        {
            "code": "espoo-shanghai",
            "first_city": a.pk,
            "second_city": b.pk,
            "established": "2020-01-01",
            "agreement_title_en": "Agreement",
            "agreement_title_zh_hans": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Partnership.objects.filter(code="espoo-shanghai", first_city=a).exists()


def _admin_change_pages(world):
    """(site prefix, url of a change page) of every model both admin sites edit."""
    from django.contrib import admin

    from portal.plan_admin import site as manage_site
    from tests.factories import (
        DelegationMemberFactory,
        EventSeriesFactory,
        FundingFactory,
        ProgrammeItemFactory,
        ThemeAssessmentFactory,
    )

    FundingFactory(activity=world.hki_activity)
    ProgrammeItemFactory(event=world.event)
    DelegationMemberFactory(event=world.event, city=world.beijing)
    EventSeriesFactory(plan=world.plan)
    ThemeAssessmentFactory(review=world.review, theme=world.themes[0])
    pages = []
    for prefix, site in (("admin", admin.site), ("manage", manage_site)):
        for model in site._registry:
            obj = model._default_manager.order_by("pk").first()
            if obj is not None:
                opts = model._meta
                pages.append(f"/{prefix}/{opts.app_label}/{opts.model_name}/{obj.pk}/change/")
    return pages


def test_every_change_form_saves_as_it_was_shown(world, client_for):
    # Every admin of both sites goes through its service: a save of the page as shown is a
    # save with nothing changed, never an error.
    client = client_for(world.admin)
    failures = []
    for url in _admin_change_pages(world):
        page = client.get(url)
        if page.status_code != 200 or "adminform" not in (page.context or {}):
            failures.append((url, "GET", page.status_code))
            continue
        response = client.post(url, admin_form_data(page))
        if response.status_code not in (302, 403):
            errors = response.context["adminform"].form.errors if response.context else ""
            failures.append((url, "POST", response.status_code, str(errors)[:300]))
    assert not failures, failures


def test_every_add_form_posted_as_shown_is_answered_not_crashed(world, client_for):
    # An empty (or default) add form is refused on the form, or saved; never a 500.
    from django.contrib import admin

    from portal.plan_admin import site as manage_site

    client = client_for(world.admin)
    answers = {}
    for prefix, site in (("admin", admin.site), ("manage", manage_site)):
        for model in site._registry:
            opts = model._meta
            url = f"/{prefix}/{opts.app_label}/{opts.model_name}/add/"
            page = client.get(url)
            if page.status_code != 200:
                continue
            answers[url] = client.post(url, admin_form_data(page)).status_code
    assert answers and set(answers.values()) <= {200, 302, 403}, answers
