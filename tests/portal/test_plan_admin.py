"""Plan management (/manage/): coordinators run their plan, staff edit their events."""

import pytest
from django.contrib.auth import get_user_model

from cooperation.models import Theme
from partners.models import Profile, Role

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


def test_coordinator_cannot_move_a_theme_into_another_plan(world, client_for):
    theme = world.themes[1]
    response = client_for(world.hki_coordinator).post(
        f"/manage/cooperation/theme/{theme.pk}/change/",
        _theme_post(theme, plan=world.other_plan.pk),
    )
    assert response.status_code == 200  # the form shows the error
    assert Theme.objects.get(pk=theme.pk).plan_id == world.plan.pk


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
    response = client.post(
        f"/manage/cooperation/theme/{theme.pk}/change/", _theme_post(theme, plan=value)
    )
    assert response.status_code == 200
    response = client.post(
        "/manage/cooperation/commitment/add/",
        {"theme": theme.pk, "order": 9, "code": "x", "text_en": "x", "agencies": [value]},
    )
    assert response.status_code == 200
