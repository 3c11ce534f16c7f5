"""Plan management (/manage/): coordinators run their plan, staff edit their events."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from cooperation.models import Theme
from partners.models import Profile, Role
from tests.admin_forms import admin_form_data
from tests.factories import ActionPlanFactory, AgencyFactory

pytestmark = pytest.mark.django_db


def _inline(prefix, total=0, initial=0, minimum=0, maximum=1000):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": str(minimum),
        f"{prefix}-MAX_NUM_FORMS": str(maximum),
    }


def _theme_post(theme, **changes):
    data = {
        "plan": theme.plan_id,
        "order": theme.order,
        "code": theme.code,
        "name_en": theme.name_en,
        "name_zh_hans": theme.name_zh_hans,
        "summary_en": theme.summary_en or "",
        "summary_zh_hans": theme.summary_zh_hans or "",
        **_inline("responsibilities"),
    }
    data.update(changes)
    return data


def test_anonymous_is_sent_to_the_portal_login(client):
    response = client.get("/manage/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["official", "outsider_official"])
def test_officials_are_refused(world, client_for, who):
    from tests.factories import ProfileFactory, UserFactory

    if who == "official":
        user = world.official
    else:
        user = UserFactory(username="tallinn-official")
        ProfileFactory(user=user, city=world.other_plan.partnership.first_city, role=Role.OFFICIAL)
    assert client_for(user).get("/manage/", follow=True).status_code == 403


@pytest.mark.parametrize("who", ["hki_coordinator", "bj_coordinator"])
def test_coordinators_see_only_their_partnerships_themes(world, client_for, who):
    response = client_for(getattr(world, who)).get("/manage/cooperation/theme/")
    assert response.status_code == 200
    body = response.content.decode()
    assert world.themes[0].name_en in body
    assert f"/manage/cooperation/theme/{world.other_theme.pk}/" not in body


def test_coordinator_changes_a_theme_of_their_plan(world, client_for):
    theme = world.themes[1]
    response = client_for(world.bj_coordinator).post(
        f"/manage/cooperation/theme/{theme.pk}/change/",
        _theme_post(theme, name_zh_hans="教育与培训"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    theme.refresh_from_db()
    assert theme.name_zh_hans == "教育与培训"


def test_coordinator_cannot_change_another_partnerships_theme(world, client_for):
    theme = world.other_theme
    before = theme.name_en
    response = client_for(world.hki_coordinator).post(
        f"/manage/cooperation/theme/{theme.pk}/change/", _theme_post(theme, name_en="Taken over")
    )
    assert response.status_code in {302, 403, 404}
    theme.refresh_from_db()
    assert theme.name_en == before


@pytest.mark.parametrize("other", ["other_plan", "predecessor"])
def test_coordinator_cannot_move_a_theme_into_another_plan(world, client_for, other):
    # Not even into another plan of their own: its activities would move plans with it.
    theme = world.themes[1]
    target = world.other_plan
    if other == "predecessor":
        target = ActionPlanFactory(partnership=world.partnership, code="earlier-plan")
    client_for(world.hki_coordinator).post(
        f"/manage/cooperation/theme/{theme.pk}/change/", _theme_post(theme, plan=target.pk)
    )
    assert Theme.objects.get(pk=theme.pk).plan_id == world.plan.pk


def test_a_commitment_with_activities_stays_in_its_theme(world, client_for):
    commitment = world.commitment
    world.hki_activity.commitment = commitment
    world.hki_activity.save()
    client = client_for(world.hki_coordinator)
    url = f"/manage/cooperation/commitment/{commitment.pk}/change/"

    client.post(url, admin_form_data(client.get(url), theme=world.themes[1].pk))

    commitment.refresh_from_db()
    assert commitment.theme == world.themes[0] == world.hki_activity.theme


@pytest.mark.parametrize("who", ["hki_staff", "bj_staff"])
def test_staff_cannot_manage_themes(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get("/manage/cooperation/theme/").status_code == 403
    theme = world.themes[0]
    response = client.post(
        f"/manage/cooperation/theme/{theme.pk}/change/", _theme_post(theme, name_en="Nope")
    )
    assert response.status_code == 403
    theme.refresh_from_db()
    assert theme.name_en != "Nope"


def test_staff_see_only_the_events_their_agency_organises(world, client_for):
    organiser = client_for(world.hki_staff)
    assert organiser.get("/manage/events/event/").status_code == 200
    assert organiser.get(f"/manage/events/event/{world.event.pk}/change/").status_code == 200
    other = client_for(world.bj_staff)
    response = other.get(f"/manage/events/event/{world.event.pk}/change/")
    # Not in their list: the admin answers as for a missing object.
    assert response.status_code == 302


def test_coordinator_sees_the_people_of_their_side_only(world, client_for):
    body = client_for(world.hki_coordinator).get("/manage/portal/people/").content.decode()
    assert "hki_staff" in body and "official" in body
    assert "bj_staff" not in body and "outsider" not in body and ">admin<" not in body


def test_coordinator_creates_a_person_on_their_own_side(world, client_for):
    data = {
        "username": "new-helsinki-staff",
        "usable_password": "true",
        "password1": "A-long-unusual-passphrase-42",
        "password2": "A-long-unusual-passphrase-42",
        **_inline("profile", total=1, minimum=1, maximum=1),
        "profile-0-city": world.helsinki.pk,
        "profile-0-role": Role.AGENCY_STAFF,
        "profile-0-agency": world.hki_agency.pk,
        "profile-0-preferred_language": "fi",
    }
    response = client_for(world.hki_coordinator).post("/manage/portal/people/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = Profile.objects.get(user__username="new-helsinki-staff")
    assert (profile.city, profile.agency, profile.role) == (
        world.helsinki,
        world.hki_agency,
        Role.AGENCY_STAFF,
    )
    assert not profile.user.is_staff and not profile.user.is_superuser


def test_coordinator_cannot_create_a_person_on_the_other_side(world, client_for):
    data = {
        "username": "sneaky",
        "usable_password": "true",
        "password1": "A-long-unusual-passphrase-42",
        "password2": "A-long-unusual-passphrase-42",
        **_inline("profile", total=1, minimum=1, maximum=1),
        "profile-0-city": world.beijing.pk,
        "profile-0-role": Role.AGENCY_STAFF,
        "profile-0-agency": world.bj_agency.pk,
    }
    response = client_for(world.hki_coordinator).post("/manage/portal/people/add/", data)
    assert response.status_code == 200  # errors shown, nothing saved
    assert not get_user_model().objects.filter(username="sneaky").exists()


def test_coordinator_cannot_edit_a_person_of_the_other_side(world, client_for):
    response = client_for(world.hki_coordinator).get(
        f"/manage/portal/people/{world.bj_staff.pk}/change/"
    )
    assert response.status_code == 302  # not in their list


def test_staff_cannot_manage_people(world, client_for):
    assert client_for(world.hki_staff).get("/manage/portal/people/").status_code == 403


@pytest.mark.parametrize("value", ["9" * 30, "-1", "abc"])
def test_impossible_ids_in_management_forms_are_form_errors(world, client_for, value):
    theme = world.themes[1]
    client = client_for(world.hki_coordinator)
    # A theme's plan is chosen when it is added (it is read-only afterwards).
    response = client.post(
        "/manage/cooperation/theme/add/", _theme_post(theme, plan=value, code="new", order=9)
    )
    assert response.status_code == 200
    response = client.post(
        "/manage/cooperation/commitment/add/",
        {"theme": theme.pk, "order": 9, "code": "x", "text_en": "x", "agencies": [value]},
    )
    assert response.status_code == 200


# --- found by adversarial testing -------------------------------------------------------------


def test_an_agency_cannot_become_its_own_parent(world, client_for):
    agency = world.hki_agency
    client = client_for(world.hki_coordinator)
    url = f"/manage/partners/agency/{agency.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), parent=agency.pk))

    assert response.status_code == 200  # the form shows the error
    assert "parent" in response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert agency.parent_id is None


def test_agencies_of_another_partnership_are_not_offered_in_management(world, client_for):
    tallinn_agency = AgencyFactory(
        city=world.other_partnership.first_city, name_en="Tallinn office"
    )
    third_party = AgencyFactory(city=None, partnerships=[world.partnership])
    # Issue 13: another partnership's third party and one nobody names are no choice.
    others = [
        AgencyFactory(city=None, partnerships=[world.other_partnership]),
        AgencyFactory(city=None),
    ]
    client = client_for(world.hki_coordinator)
    pages = {
        f"/manage/cooperation/commitment/{world.commitment.pk}/change/": ["agencies"],
        f"/manage/events/event/{world.event.pk}/change/": ["organisers"],
        f"/manage/partners/agency/{world.hki_agency.pk}/change/": ["parent"],
    }
    for url, names in pages.items():
        form = client.get(url).context["adminform"].form
        for name in names:
            choices = set(form.fields[name].queryset)
            assert third_party in choices and world.bj_agency in choices, (url, name)
            assert tallinn_agency not in choices, (url, name)
            assert not choices & set(others), (url, name)
    theme_page = client.get(f"/manage/cooperation/theme/{world.themes[0].pk}/change/")
    inline = theme_page.context["inline_admin_formsets"][0].formset
    assert tallinn_agency not in set(inline.empty_form.fields["agency"].queryset)
    event_page = client.get(f"/manage/events/event/{world.event.pk}/change/")
    host_cities = set(event_page.context["adminform"].form.fields["host_city"].queryset)
    assert host_cities == {world.helsinki, world.beijing}
    assert "Tallinn office" not in client.get("/manage/partners/agency/").content.decode()
    autocomplete = "/manage/autocomplete/?app_label=events&model_name=event&field_name=organisers"
    for user in (world.hki_coordinator, world.hki_staff):
        found = client_for(user).get(autocomplete).json()["results"]
        assert str(world.bj_agency.pk) in {r["id"] for r in found}
        assert str(tallinn_agency.pk) not in {r["id"] for r in found}


def test_a_commitment_cannot_be_given_an_agency_of_another_partnership(world, client_for):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    client = client_for(world.hki_coordinator)
    url = f"/manage/cooperation/commitment/{world.commitment.pk}/change/"

    response = client.post(url, admin_form_data(client.get(url), agencies=[tallinn_agency.pk]))

    assert response.status_code == 200
    assert not world.commitment.agencies.filter(pk=tallinn_agency.pk).exists()


def test_list_filters_offer_nothing_of_another_partnership(world, client_for):
    client = client_for(world.hki_coordinator)
    world.other_theme.name_en = "Tallinn–Riga theme"
    world.other_theme.save()
    for url in [
        "/manage/cooperation/commitment/",
        "/manage/events/event/",
        "/manage/partners/agency/",
    ]:
        body = client.get(url).content.decode()
        assert "Tallinn" not in body and "Riga" not in body, url


def test_the_plan_list_names_its_period_column_in_chinese(world, client_for):
    client = client_for(world.hki_coordinator)
    body = client.get("/manage/cooperation/actionplan/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert ">Period<" not in body.content.decode()


def _event_change(client, event):
    return client.get(f"/manage/events/event/{event.pk}/change/")


def test_programme_times_in_management_are_the_host_citys(world, client_for):
    # The event page reads and shows programme times in the host city's time zone: so does
    # plan management, or an item typed there would land hours away from where it shows.
    event = world.event  # hosted in Beijing
    client = client_for(world.hki_coordinator)
    page = _event_change(client, event)
    data = admin_form_data(
        page,
        **{
            "programme-TOTAL_FORMS": "1",
            "programme-0-event": str(event.pk),
            "programme-0-starts_at_0": "2019-11-05",
            "programme-0-starts_at_1": "14:00",
            "programme-0-title_en": "Opening",
        },
    )

    response = client.post(f"/manage/events/event/{event.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    item = event.programme.get()
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    assert item.starts_at == datetime.datetime(2019, 11, 5, 14, 0, tzinfo=beijing)
    shown = _event_change(client, event).content.decode()
    assert 'value="14:00:00"' in shown


def test_a_programme_time_no_datetime_can_hold_is_a_form_error(world, client_for):
    event = world.event
    client = client_for(world.hki_coordinator)
    data = admin_form_data(
        _event_change(client, event),
        **{
            "programme-TOTAL_FORMS": "1",
            "programme-0-event": str(event.pk),
            "programme-0-starts_at_0": "0001-01-01",
            "programme-0-starts_at_1": "00:00",
            "programme-0-title_en": "Year one",
        },
    )

    response = client.post(f"/manage/events/event/{event.pk}/change/", data)

    assert response.status_code == 200
    assert not event.programme.exists()


def test_a_person_cannot_be_created_without_a_side(world, client_for):
    # Without a profile nobody could ever see, manage or deactivate the account here.
    data = {
        "username": "nobodys",
        "usable_password": "true",
        "password1": "A-long-unusual-passphrase-42",
        "password2": "A-long-unusual-passphrase-42",
        **_inline("profile", total=0, minimum=1, maximum=1),
    }
    response = client_for(world.hki_coordinator).post("/manage/portal/people/add/", data)
    assert response.status_code == 200  # errors shown, nothing saved
    assert not get_user_model().objects.filter(username="nobodys").exists()


def test_a_forged_row_count_builds_a_bounded_number_of_forms(world, client_for):
    # Django's own bound is a thousand forms per inline; ours is the rows plus a few.
    theme = world.themes[1]
    data = _theme_post(theme, name_en="Education and training")
    data["responsibilities-TOTAL_FORMS"] = "999999"

    response = client_for(world.hki_coordinator).post(
        f"/manage/cooperation/theme/{theme.pk}/change/", data
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) <= 50
    assert formset.non_form_errors()
    assert Theme.objects.get(pk=theme.pk).name_en == theme.name_en


def test_a_refusal_of_the_service_is_shown_on_the_form_and_nothing_is_saved(world, client_for):
    # The series of the plan before this one is offered (both are the coordinator's), but an
    # event's series belongs to its own plan: events.services says so, nothing is kept.
    from events.models import Event, EventSeries

    earlier = ActionPlanFactory(partnership=world.partnership, code="earlier-plan")
    series = EventSeries.objects.create(plan=earlier, code="weeks", name_en="Weeks")
    event = world.event
    client = client_for(world.hki_coordinator)
    data = admin_form_data(
        _event_change(client, event),
        series=series.pk,
        title_en="Renamed too",
        **{
            "programme-TOTAL_FORMS": "1",
            "programme-0-event": str(event.pk),
            "programme-0-starts_at_0": "2019-11-05",
            "programme-0-starts_at_1": "14:00",
            "programme-0-title_en": "Opening",
        },
    )

    response = client.post(f"/manage/events/event/{event.pk}/change/", data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "series" in form.errors
    assert form["title_en"].value() == "Renamed too"  # what the user typed is kept
    stored = Event.objects.get(pk=event.pk)
    assert (stored.series, stored.title_en) == (None, event.title_en)
    assert not stored.programme.exists()


def test_a_refused_row_is_named_and_nothing_is_saved(world, client_for):
    # In /admin/ every city is offered; a delegation member of a city outside the
    # partnership is refused by the service, with the row it came from.
    from events.models import Event

    event = world.event
    client = client_for(world.admin)
    url = f"/admin/events/event/{event.pk}/change/"
    data = admin_form_data(
        client.get(url),
        title_en="Renamed too",
        **{
            "delegation-TOTAL_FORMS": "1",
            "delegation-0-event": str(event.pk),
            "delegation-0-name_en": "A visitor",
            "delegation-0-city": str(world.other_partnership.first_city_id),
        },
    )

    response = client.post(url, data)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "row 1" in errors and "partnership" in errors
    assert Event.objects.get(pk=event.pk).title_en == event.title_en
    assert not event.delegation.exists()
