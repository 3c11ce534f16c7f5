"""/admin/'s accounts and groups write through partners.services: created and changed there,
a refused change shows the service's message and changes nothing, and only administrators
(superusers) give or take flags, groups and permissions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError

from partners import services
from security.models import Kind, SecurityEvent
from tests.admin_forms import admin_form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG_PASSWORD = "Lantern-Harbour-1979"


def test_an_account_is_created_through_the_service(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new-admin",
            "usable_password": "true",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="new-admin")
    assert person.check_password(STRONG_PASSWORD)
    assert not person.is_superuser


def test_an_account_is_changed_through_the_service_and_logged(world, client_for):
    person = UserFactory(username="helper", is_staff=False)
    group = Group.objects.create(name="Editors")
    client = client_for(world.admin)
    url = f"/admin/auth/user/{person.pk}/change/"
    data = admin_form_data(
        client.get(url), first_name="Helga", is_staff="on", groups=[str(group.pk)]
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.first_name == "Helga" and person.is_staff
    assert list(person.groups.all()) == [group]
    details = SecurityEvent.objects.filter(kind=Kind.ROLE_CHANGED, subject_name="helper")
    assert sorted(details.values_list("detail", flat=True), key=str) == [
        {"groups_added": ["Editors"]},
        {"is_staff": [False, True]},
    ]


def test_a_refused_change_shows_the_message_and_changes_nothing(world, client_for):
    admin = world.admin
    client = client_for(admin)
    url = f"/admin/auth/user/{admin.pk}/change/"
    data = admin_form_data(client.get(url), first_name="Renamed")
    data.pop("is_superuser")  # an unticked box is not posted
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot take your own administrator rights away" in body
    admin.refresh_from_db()
    assert admin.is_superuser and admin.first_name != "Renamed"


def test_a_side_refused_by_the_service_shows_on_the_profile_form(world, client_for):
    profile = world.hki_staff.profile
    client = client_for(world.admin)
    url = f"/admin/partners/profile/{profile.pk}/change/"
    data = admin_form_data(client.get(url), agency=str(world.bj_agency.pk))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The agency must be on the person&#x27;s side." in response.content.decode()
    profile.refresh_from_db()
    assert profile.agency_id == world.hki_agency.pk


def test_only_administrators_change_rights(world):
    person = UserFactory(username="someone")
    with pytest.raises(ValidationError) as refused:
        services.update_account(user=world.hki_coordinator, person=person, is_superuser=True)
    assert set(refused.value.error_dict) == {"is_superuser"}
    with pytest.raises(PermissionDenied):
        services.create_group(user=world.hki_coordinator, name="Mine")
    person.refresh_from_db()
    assert not person.is_superuser and not Group.objects.filter(name="Mine").exists()


def test_groups_are_written_through_the_service(world, client_for):
    client = client_for(world.admin)
    permission = Permission.objects.get(codename="view_city")
    response = client.post(
        "/admin/auth/group/add/", {"name": "Readers", "permissions": [str(permission.pk)]}
    )
    assert response.status_code == 302
    group = Group.objects.get(name="Readers")
    assert list(group.permissions.all()) == [permission]
    url = f"/admin/auth/group/{group.pk}/change/"
    response = client.post(url, admin_form_data(client.get(url), name="Viewers"))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Viewers"
    response = client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()


def test_staff_who_are_not_administrators_cannot_change_groups(world, client_for):
    staff = UserFactory(username="it-staff", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["change_group", "add_group", "view_group"])
    )
    group = Group.objects.create(name="Editors")
    client = client_for(staff)
    assert client.post("/admin/auth/group/add/", {"name": "Mine"}).status_code == 403
    url = f"/admin/auth/group/{group.pk}/change/"
    assert client.post(url, {"name": "Taken over"}).status_code == 403
    group.refresh_from_db()
    assert group.name == "Editors" and not Group.objects.filter(name="Mine").exists()


def test_groups_given_and_taken_are_role_changes_in_the_security_log(world):
    person = UserFactory(username="grouped")
    group = Group.objects.create(name="Editors")
    services.update_account(user=world.admin, person=person, groups=[group])
    services.update_account(user=world.admin, person=person, groups=[])
    details = list(
        SecurityEvent.objects.filter(kind=Kind.ROLE_CHANGED, subject_name="grouped")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [{"groups_added": ["Editors"]}, {"groups_removed": ["Editors"]}]
