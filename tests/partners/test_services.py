"""partners.services: the one write path for cities, agencies and the people of each side.

Every write for every role of the world; then each rule, refused with nothing changed. Cities
are the administrators' (and the system's); an agency is managed by the coordinators of its
side (any coordinator for a third party); the people of a side by its coordinators, never an
administrator's account; everyone sets their own language.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError

from partners import services
from partners.access import SYSTEM
from partners.models import Agency, AgencyKind, City, Profile, Role
from tests.factories import PASSWORD, AgencyFactory, ProfileFactory, UserFactory
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

User = get_user_model()

# Who manages the agencies and people of the Helsinki side.
HELSINKI_MANAGERS = ["hki_coordinator", "admin"]
NOT_HELSINKI_MANAGERS = [r for r in ROLES if r not in HELSINKI_MANAGERS]
# Who manages a third party (an organisation of no city): any coordinator.
THIRD_PARTY_MANAGERS = ["hki_coordinator", "bj_coordinator", "outsider", "admin"]
NOT_THIRD_PARTY_MANAGERS = [r for r in ROLES if r not in THIRD_PARTY_MANAGERS]
STRONG_PASSWORD = "Lantern-Harbour-1979"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def snapshot_agency(agency):
    stored = fresh(agency)
    return (stored.code, stored.city_id, stored.kind, stored.name_en, stored.parent_id)


def snapshot_person(user):
    stored = User.objects.select_related("profile").get(pk=user.pk)
    profile = stored.profile
    return (
        stored.username,
        stored.email,
        stored.first_name,
        stored.is_active,
        stored.password,
        profile.city_id,
        profile.role,
        profile.agency_id,
        profile.preferred_language,
    )


# --- cities ---------------------------------------------------------------------------------


def city_values(**kwargs):
    values = {
        "code": "shanghai",
        "name_en": "Shanghai",
        "name_zh_hans": "上海",
        "country_en": "China",
        "country_zh_hans": "中国",
        "time_zone": "Asia/Shanghai",
        "default_language": "zh-hans",
    }
    values.update(kwargs)
    return values


@pytest.mark.parametrize("role", ["admin", "system"])
def test_it_lets_administrators_and_the_system_set_up_a_city(world, role):
    user = SYSTEM if role == "system" else world.admin

    city = services.create_city(user=user, **city_values())
    services.update_city(user=user, city=city, name_en="Shanghai Municipality")

    stored = fresh(city)
    assert (stored.code, stored.name_en, stored.name_zh_hans) == (
        "shanghai",
        "Shanghai Municipality",
        "上海",
    )


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_it_refuses_everyone_else_setting_up_cities(world, role):
    user = getattr(world, role)
    count = City.objects.count()

    with pytest.raises(PermissionDenied):
        services.create_city(user=user, **city_values())
    with pytest.raises(PermissionDenied):
        services.update_city(user=user, city=world.helsinki, name_en="Helsingfors")

    assert City.objects.count() == count
    assert fresh(world.helsinki).name_en == "Helsinki"


def test_it_refuses_a_city_with_an_unknown_language(world):
    count = City.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.create_city(user=world.admin, **city_values(default_language="xx"))
    with pytest.raises(ValidationError):
        services.update_city(user=world.admin, city=world.helsinki, default_language="xx")

    assert "default_language" in error_fields(excinfo)
    assert City.objects.count() == count
    assert fresh(world.helsinki).default_language == "en"


def test_it_refuses_a_city_code_already_taken(world):
    with pytest.raises(ValidationError) as excinfo:
        services.create_city(user=world.admin, **city_values(code="helsinki"))

    assert "code" in error_fields(excinfo)
    assert City.objects.filter(code="helsinki").count() == 1


# --- agencies -------------------------------------------------------------------------------


def agency_values(world, **kwargs):
    values = {
        "code": "hki-education",
        "city": world.helsinki,
        "kind": AgencyKind.DIVISION,
        "name_en": "Education Division",
        "name_zh_hans": "教育部",
    }
    values.update(kwargs)
    return values


@pytest.mark.parametrize("role", HELSINKI_MANAGERS)
def test_it_lets_the_coordinators_of_its_side_manage_an_agency(world, role):
    user = getattr(world, role)

    agency = services.create_agency(user=user, **agency_values(world))
    services.update_agency(user=user, agency=agency, name_en="Education and Learning")
    assert fresh(agency).name_en == "Education and Learning"
    assert fresh(agency).city == world.helsinki

    services.delete_agency(user=user, agency=agency)
    assert not Agency.objects.filter(pk=agency.pk).exists()


@pytest.mark.parametrize("role", NOT_HELSINKI_MANAGERS)
def test_it_refuses_agencies_of_a_side_to_everyone_else(world, role):
    user = getattr(world, role)
    agency = AgencyFactory(city=world.helsinki)
    before = snapshot_agency(agency)
    count = Agency.objects.count()

    with pytest.raises(PermissionDenied):
        services.create_agency(user=user, **agency_values(world))
    with pytest.raises(PermissionDenied):
        services.update_agency(user=user, agency=agency, name_en="Taken over")
    with pytest.raises(PermissionDenied):
        services.delete_agency(user=user, agency=agency)

    assert Agency.objects.count() == count
    assert snapshot_agency(agency) == before


@pytest.mark.parametrize("role", THIRD_PARTY_MANAGERS)
def test_it_lets_any_coordinator_manage_a_third_party(world, role):
    user = getattr(world, role)

    agency = services.create_agency(
        user=user, **agency_values(world, code="wtcf", city=None, kind=AgencyKind.FEDERATION)
    )
    services.update_agency(user=user, agency=agency, name_en="World Tourism Cities Federation")
    assert fresh(agency).name_en == "World Tourism Cities Federation"

    services.delete_agency(user=user, agency=agency)
    assert not Agency.objects.filter(pk=agency.pk).exists()


@pytest.mark.parametrize("role", NOT_THIRD_PARTY_MANAGERS)
def test_it_refuses_third_parties_to_staff_and_officials(world, role):
    user = getattr(world, role)
    agency = AgencyFactory(city=None, kind=AgencyKind.ENTERPRISE)
    before = snapshot_agency(agency)
    count = Agency.objects.count()

    with pytest.raises(PermissionDenied):
        services.create_agency(user=user, **agency_values(world, city=None))
    with pytest.raises(PermissionDenied):
        services.update_agency(user=user, agency=agency, name_en="Taken over")
    with pytest.raises(PermissionDenied):
        services.delete_agency(user=user, agency=agency)

    assert Agency.objects.count() == count
    assert snapshot_agency(agency) == before


def test_it_refuses_moving_an_agency_to_a_side_the_coordinator_does_not_manage(world):
    agency = AgencyFactory(city=world.helsinki)
    before = snapshot_agency(agency)

    with pytest.raises(PermissionDenied):
        services.update_agency(user=world.hki_coordinator, agency=agency, city=world.beijing)

    assert snapshot_agency(agency) == before


def test_it_lets_a_coordinator_make_an_agency_of_their_side_a_third_party(world):
    # A third party is anyone's to manage: it is on no side.
    agency = AgencyFactory(city=world.helsinki)

    services.update_agency(user=world.hki_coordinator, agency=agency, city=None)

    assert fresh(agency).city is None


def test_it_lets_an_administrator_move_an_agency_to_another_side(world):
    agency = AgencyFactory(city=world.helsinki)

    services.update_agency(user=world.admin, agency=agency, city=world.beijing)

    assert fresh(agency).city == world.beijing


@pytest.mark.parametrize("parent_city", ["beijing", "third party"])
def test_it_refuses_a_parent_of_another_side(world, parent_city):
    parent = AgencyFactory(city=None if parent_city == "third party" else world.beijing)
    agency = AgencyFactory(city=world.helsinki)
    before = snapshot_agency(agency)
    count = Agency.objects.count()

    with pytest.raises(ValidationError) as created:
        services.create_agency(user=world.hki_coordinator, **agency_values(world, parent=parent))
    with pytest.raises(ValidationError) as updated:
        services.update_agency(user=world.hki_coordinator, agency=agency, parent=parent)

    assert "parent" in error_fields(created)
    assert "parent" in error_fields(updated)
    assert Agency.objects.count() == count
    assert snapshot_agency(agency) == before


def test_it_accepts_a_parent_of_the_same_side(world):
    agency = services.create_agency(
        user=world.hki_coordinator, **agency_values(world, parent=world.hki_agency)
    )

    assert fresh(agency).parent == world.hki_agency


def test_it_refuses_an_agency_as_its_own_parent(world):
    agency = AgencyFactory(city=world.helsinki)
    before = snapshot_agency(agency)

    with pytest.raises(ValidationError) as excinfo:
        services.update_agency(user=world.hki_coordinator, agency=agency, parent=agency)

    assert "parent" in error_fields(excinfo)
    assert snapshot_agency(agency) == before


def test_it_refuses_an_agency_as_its_own_ancestor(world):
    grandparent = AgencyFactory(city=world.helsinki)
    parent = AgencyFactory(city=world.helsinki, parent=grandparent)
    child = AgencyFactory(city=world.helsinki, parent=parent)
    before = snapshot_agency(grandparent)

    with pytest.raises(ValidationError) as excinfo:
        services.update_agency(user=world.hki_coordinator, agency=grandparent, parent=child)

    assert "parent" in error_fields(excinfo)
    assert snapshot_agency(grandparent) == before


def test_it_follows_the_stored_chain_not_the_callers_copies(world):
    top = AgencyFactory(city=world.helsinki)
    middle = AgencyFactory(city=world.helsinki)
    bottom = AgencyFactory(city=world.helsinki, parent=middle)
    # ``middle`` gets its parent through the service; the caller's ``bottom`` still holds the
    # copy of ``middle`` without it.
    services.update_agency(user=world.hki_coordinator, agency=middle, parent=top)
    before = snapshot_agency(top)

    with pytest.raises(ValidationError) as excinfo:
        services.update_agency(user=world.hki_coordinator, agency=top, parent=bottom)

    assert "parent" in error_fields(excinfo)
    assert snapshot_agency(top) == before


def test_it_refuses_deleting_an_agency_while_something_refers_to_it(world):
    # The Helsinki agency leads activities and has staff.
    with pytest.raises(ProtectedError):
        services.delete_agency(user=world.hki_coordinator, agency=world.hki_agency)

    assert Agency.objects.filter(pk=world.hki_agency.pk).exists()


def test_it_refuses_writing_a_field_it_does_not_know(world):
    with pytest.raises(TypeError):
        services.update_agency(user=world.admin, agency=world.hki_agency, id=12345)

    assert snapshot_agency(world.hki_agency)[0] == "hki-economic-development"


def test_it_checks_the_agencys_own_fields(world):
    count = Agency.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.create_agency(
            user=world.hki_coordinator,
            **agency_values(world, code="hki-economic-development", kind="guild"),
        )

    assert {"code", "kind"} <= error_fields(excinfo)
    assert Agency.objects.count() == count


# --- people of a side -----------------------------------------------------------------------


def person_values(world, **kwargs):
    values = {
        "username": "new_staff",
        "password": STRONG_PASSWORD,
        "city": world.helsinki,
        "role": Role.AGENCY_STAFF,
        "agency": world.hki_agency,
        "email": "new_staff@example.org",
        "first_name": "Aino",
    }
    values.update(kwargs)
    return values


def helsinki_person(world, role=Role.OFFICIAL, agency=None, **user_kwargs):
    user = UserFactory(**user_kwargs)
    ProfileFactory(user=user, city=world.helsinki, role=role, agency=agency)
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", HELSINKI_MANAGERS)
def test_it_lets_the_coordinators_of_a_side_manage_its_people(world, role):
    user = getattr(world, role)

    person = services.create_person(user=user, **person_values(world))

    stored = User.objects.get(pk=person.pk)
    assert stored.check_password(STRONG_PASSWORD)
    assert (stored.email, stored.first_name) == ("new_staff@example.org", "Aino")
    assert (stored.profile.city, stored.profile.role, stored.profile.agency) == (
        world.helsinki,
        Role.AGENCY_STAFF,
        world.hki_agency,
    )

    services.update_person(
        user=user, person=person, last_name="Virtanen", agency=None, role="official"
    )
    stored = User.objects.get(pk=person.pk)
    assert stored.last_name == "Virtanen"
    assert (stored.profile.role, stored.profile.agency) == (Role.OFFICIAL, None)

    services.set_person_password(user=user, person=person, password="Another-Long-Phrase-42")
    assert User.objects.get(pk=person.pk).check_password("Another-Long-Phrase-42")

    services.delete_person(user=user, person=person)
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Profile.objects.filter(user_id=person.pk).exists()


@pytest.mark.parametrize("role", NOT_HELSINKI_MANAGERS)
def test_it_refuses_the_people_of_a_side_to_everyone_else(world, role):
    user = getattr(world, role)
    person = helsinki_person(world)
    before = snapshot_person(person)
    count = User.objects.count()

    with pytest.raises(PermissionDenied):
        services.create_person(user=user, **person_values(world))
    with pytest.raises(PermissionDenied):
        services.update_person(user=user, person=person, email="taken@example.org")
    with pytest.raises(PermissionDenied):
        services.set_person_password(user=user, person=person, password=STRONG_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.delete_person(user=user, person=person)

    assert User.objects.count() == count
    assert snapshot_person(person) == before


def test_it_lets_the_system_create_people(world):
    person = services.create_person(user=SYSTEM, **person_values(world))

    assert person.profile.city == world.helsinki


def test_it_gives_a_person_without_a_password_one_that_cannot_log_in(world):
    person = services.create_person(
        user=world.hki_coordinator, **person_values(world, password=None)
    )

    stored = User.objects.get(pk=person.pk)
    assert not stored.has_usable_password()
    assert not stored.check_password("")


@pytest.mark.parametrize("password", ["short", "12345678901", "password123", "new_staff1"])
def test_it_refuses_a_weak_password_and_creates_nobody(world, password):
    count = User.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.create_person(
            user=world.hki_coordinator, **person_values(world, password=password)
        )

    assert excinfo.value.messages
    assert User.objects.count() == count


def test_it_refuses_a_weak_new_password_and_keeps_the_old_one(world):
    person = helsinki_person(world)

    with pytest.raises(ValidationError):
        services.set_person_password(user=world.hki_coordinator, person=person, password="12345")

    assert User.objects.get(pk=person.pk).check_password(PASSWORD)


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_everyone_set_their_own_password(world, role):
    user = getattr(world, role)

    services.set_person_password(user=user, person=user, password=STRONG_PASSWORD)

    assert User.objects.get(pk=user.pk).check_password(STRONG_PASSWORD)


def test_it_refuses_an_agency_of_another_side(world):
    person = helsinki_person(
        world, role=Role.AGENCY_STAFF, agency=world.hki_other_agency, username="staff2"
    )
    before = snapshot_person(person)
    count = User.objects.count()

    with pytest.raises(ValidationError) as created:
        services.create_person(
            user=world.hki_coordinator, **person_values(world, agency=world.bj_agency)
        )
    with pytest.raises(ValidationError) as updated:
        services.update_person(user=world.hki_coordinator, person=person, agency=world.bj_agency)

    assert "agency" in error_fields(created)
    assert "agency" in error_fields(updated)
    assert User.objects.count() == count
    assert snapshot_person(person) == before


def test_it_refuses_a_third_party_as_a_persons_agency(world):
    enterprise = AgencyFactory(city=None)

    with pytest.raises(ValidationError) as excinfo:
        services.create_person(
            user=world.hki_coordinator, **person_values(world, agency=enterprise)
        )

    assert "agency" in error_fields(excinfo)


def test_it_refuses_agency_staff_without_an_agency(world):
    person = helsinki_person(world, role=Role.OFFICIAL, username="official2")
    before = snapshot_person(person)
    count = User.objects.count()

    with pytest.raises(ValidationError):
        services.create_person(user=world.hki_coordinator, **person_values(world, agency=None))
    with pytest.raises(ValidationError):
        services.update_person(user=world.hki_coordinator, person=person, role=Role.AGENCY_STAFF)

    assert User.objects.count() == count
    assert snapshot_person(person) == before


def test_it_refuses_a_username_already_taken(world):
    count = User.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.create_person(
            user=world.hki_coordinator, **person_values(world, username="hki_staff")
        )

    assert "username" in error_fields(excinfo)
    assert User.objects.count() == count


def test_it_refuses_moving_a_person_to_a_side_the_coordinator_does_not_manage(world):
    before = snapshot_person(world.official)

    with pytest.raises(PermissionDenied):
        services.update_person(
            user=world.hki_coordinator, person=world.official, city=world.beijing
        )

    assert snapshot_person(world.official) == before


def test_it_lets_an_administrator_move_a_person_to_the_other_side(world):
    services.update_person(
        user=world.admin, person=world.hki_staff, city=world.beijing, agency=world.bj_other_agency
    )

    profile = Profile.objects.get(user=world.hki_staff)
    assert (profile.city, profile.agency) == (world.beijing, world.bj_other_agency)


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_it_keeps_coordinators_away_from_administrators_accounts(world, flag):
    person = helsinki_person(world, username="it_support", **{flag: True})
    before = snapshot_person(person)

    with pytest.raises(PermissionDenied):
        services.update_person(user=world.hki_coordinator, person=person, email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.set_person_password(
            user=world.hki_coordinator, person=person, password=STRONG_PASSWORD
        )
    with pytest.raises(PermissionDenied):
        services.delete_person(user=world.hki_coordinator, person=person)

    assert snapshot_person(person) == before
    services.update_person(user=world.admin, person=person, email="it@example.org")
    assert User.objects.get(pk=person.pk).email == "it@example.org"


def test_it_keeps_coordinators_away_from_an_administrator_without_a_profile(world):
    password = User.objects.get(pk=world.admin.pk).password

    with pytest.raises(PermissionDenied):
        services.update_person(
            user=world.hki_coordinator, person=world.admin, email="x@example.org"
        )
    with pytest.raises(PermissionDenied):
        services.set_person_password(
            user=world.hki_coordinator, person=world.admin, password=STRONG_PASSWORD
        )
    with pytest.raises(PermissionDenied):
        services.delete_person(user=world.hki_coordinator, person=world.admin)

    stored = User.objects.get(pk=world.admin.pk)
    assert (stored.email, stored.password) == ("admin@example.org", password)


def test_it_lets_an_administrator_change_an_account_of_no_side_but_not_give_it_a_side(world):
    services.update_person(user=world.admin, person=world.admin, first_name="Ada")
    with pytest.raises(TypeError):
        services.update_person(user=world.admin, person=world.admin, city=world.helsinki)
    services.set_person_password(user=SYSTEM, person=world.admin, password=STRONG_PASSWORD)

    stored = User.objects.get(pk=world.admin.pk)
    assert stored.first_name == "Ada"
    assert stored.check_password(STRONG_PASSWORD)
    assert not Profile.objects.filter(user=world.admin).exists()


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_it_refuses_a_coordinator_making_an_administrator(world, flag):
    count = User.objects.count()

    with pytest.raises(TypeError):
        services.create_person(user=world.hki_coordinator, **person_values(world, **{flag: True}))
    with pytest.raises(TypeError):
        services.update_person(user=world.hki_coordinator, person=world.official, **{flag: True})

    assert User.objects.count() == count
    stored = User.objects.get(pk=world.official.pk)
    assert not stored.is_staff
    assert not stored.is_superuser


def test_it_saves_only_the_persons_changed_columns(world):
    person = helsinki_person(world, username="aino", first_name="Aino")
    stale = User.objects.get(pk=person.pk)
    User.objects.filter(pk=person.pk).update(first_name="Aino-Maria")

    services.update_person(user=world.hki_coordinator, person=stale, last_name="Virtanen")

    stored = User.objects.get(pk=person.pk)
    assert (stored.first_name, stored.last_name) == ("Aino-Maria", "Virtanen")


def test_it_refuses_deleting_a_person_on_the_other_side(world):
    with pytest.raises(PermissionDenied):
        services.delete_person(user=world.bj_coordinator, person=world.hki_staff)

    assert User.objects.filter(pk=world.hki_staff.pk).exists()


# --- preferred language ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_it_lets_everyone_choose_their_own_language(world, role):
    user = getattr(world, role)

    services.set_preferred_language(user=user, language="fi")
    assert Profile.objects.get(user=user).preferred_language == "fi"

    services.set_preferred_language(user=user, language="")
    assert Profile.objects.get(user=user).preferred_language == ""


def test_it_refuses_a_language_the_portal_does_not_speak(world):
    with pytest.raises(ValidationError) as excinfo:
        services.set_preferred_language(user=world.hki_staff, language="sv")

    assert "preferred_language" in error_fields(excinfo)
    assert Profile.objects.get(user=world.hki_staff).preferred_language == ""


def test_it_refuses_an_unknown_language_for_a_new_person(world):
    count = User.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.create_person(
            user=world.hki_coordinator, **person_values(world, preferred_language="sv")
        )

    assert "preferred_language" in error_fields(excinfo)
    assert User.objects.count() == count


def test_an_agency_with_work_cannot_change_sides(world):
    # world.hki_agency leads activities and is responsible for a theme: as a third party (or
    # on the other side) it would leave them on the wrong side.
    agency = world.hki_agency
    with pytest.raises(ValidationError) as excinfo:
        services.update_agency(user=world.admin, agency=agency, city=None)
    assert error_fields(excinfo) == {"city"}
    assert Agency.objects.get(pk=agency.pk).city == world.helsinki


def test_an_agency_nothing_refers_to_may_change_sides(world):
    agency = AgencyFactory(code="spare", city=world.helsinki)
    services.update_agency(user=world.admin, agency=agency, city=world.beijing)
    assert Agency.objects.get(pk=agency.pk).city == world.beijing
