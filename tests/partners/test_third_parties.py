"""Third parties belong to the partnerships that name them (issue 13, section 3).

One record per organisation, named by each partnership that refers to it: its members see
it, its coordinators change it (partners.services, partners.access); one nobody names is the
administrators' only. The data migration names existing third parties where they are referred
to.
"""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from cooperation import selectors
from partners import services
from partners.access import SYSTEM
from partners.models import Agency, AgencyKind
from tests import factories as f

pytestmark = pytest.mark.django_db

migration = importlib.import_module("partners.migrations.0004_name_third_parties")


def _third_party(*partnerships, **values):
    return f.AgencyFactory(
        city=None, kind=AgencyKind.FEDERATION, partnerships=partnerships, **values
    )


def _named(agency) -> set[str]:
    return set(agency.partnerships.values_list("code", flat=True))


# -- reading --------------------------------------------------------------------------------


def test_members_see_their_partnerships_third_parties_only(world):
    ours = _third_party(world.partnership)
    theirs = _third_party(world.other_partnership)
    nobodys = _third_party()

    for user in (world.hki_coordinator, world.bj_staff, world.official):
        visible = set(selectors.visible_agencies(user))
        assert ours in visible
        assert theirs not in visible
        assert nobodys not in visible
    outsider = set(selectors.visible_agencies(world.outsider))
    assert theirs in outsider and ours not in outsider
    assert {ours, theirs, nobodys} <= set(selectors.visible_agencies(world.admin))


def test_a_partnership_chooses_among_its_sides_and_the_third_parties_it_names(world):
    ours = _third_party(world.partnership)
    theirs = _third_party(world.other_partnership)

    choices = set(world.partnership.agencies())

    assert {world.hki_agency, world.bj_agency, ours} <= choices
    assert theirs not in choices
    assert world.partnership.includes_agency(ours)
    assert not world.partnership.includes_agency(theirs)


# -- writing --------------------------------------------------------------------------------


def test_a_coordinators_new_third_party_is_named_by_their_partnerships(world):
    agency = services.create_agency(
        user=world.hki_coordinator, code="fed", kind=AgencyKind.FEDERATION, name_en="Fed"
    )

    assert agency.city_id is None
    assert _named(agency) == {world.partnership.code}


def test_a_coordinator_cannot_name_another_partnership(world):
    with pytest.raises(PermissionDenied):
        services.create_agency(
            user=world.hki_coordinator,
            code="fed",
            kind=AgencyKind.FEDERATION,
            name_en="Fed",
            partnerships=[world.other_partnership],
        )
    assert not Agency.objects.filter(code="fed").exists()


def test_a_third_party_of_no_partnership_is_refused_to_coordinators(world):
    with pytest.raises(ValidationError) as error:
        services.create_agency(
            user=world.hki_coordinator,
            code="fed",
            kind=AgencyKind.FEDERATION,
            name_en="Fed",
            partnerships=[],
        )
    assert "partnerships" in error.value.message_dict


def test_staff_add_no_third_party(world):
    with pytest.raises(PermissionDenied):
        services.create_agency(
            user=world.hki_staff, code="fed", kind=AgencyKind.FEDERATION, name_en="Fed"
        )


def test_only_their_coordinators_change_a_third_party(world):
    agency = _third_party(world.partnership, website="https://wtcf.example/")

    services.update_agency(
        user=world.bj_coordinator, agency=agency, website="https://en.wtcf.example/"
    )
    for user in (world.outsider, world.hki_staff, world.official):
        with pytest.raises(PermissionDenied):
            services.update_agency(user=user, agency=agency, website="https://evil.example/")
        with pytest.raises(PermissionDenied):
            services.delete_agency(user=user, agency=agency)

    agency.refresh_from_db()
    assert agency.website == "https://en.wtcf.example/"


def test_a_third_party_stays_named_and_unseen_partnerships_are_kept(world):
    agency = _third_party(world.partnership, world.other_partnership)

    # Helsinki's coordinator does not see Tallinn–Riga: sending their own list keeps it.
    services.update_agency(
        user=world.hki_coordinator, agency=agency, partnerships=[world.partnership]
    )
    assert _named(agency) == {world.partnership.code, world.other_partnership.code}
    with pytest.raises(ValidationError) as error:
        services.update_agency(user=world.hki_coordinator, agency=agency, partnerships=[])
    assert "partnerships" in error.value.message_dict

    services.update_agency(user=world.admin, agency=agency, partnerships=[world.partnership])
    assert _named(agency) == {world.partnership.code}


def test_an_agency_of_a_side_is_named_by_no_partnership(world):
    with pytest.raises(ValidationError) as error:
        services.update_agency(
            user=world.hki_coordinator, agency=world.hki_agency, partnerships=[world.partnership]
        )
    assert "partnerships" in error.value.message_dict


def test_a_third_partys_parent_is_named_where_it_is(world):
    parent = _third_party(world.other_partnership)
    with pytest.raises(ValidationError) as error:
        services.create_agency(
            user=world.admin,
            code="fed-child",
            kind=AgencyKind.OTHER,
            name_en="Child",
            parent=parent,
            partnerships=[world.partnership],
        )
    assert "parent" in error.value.message_dict


def test_naming_is_idempotent_and_takes_the_parents_along(world):
    parent = _third_party()
    child = _third_party(parent=parent)

    for _ in range(2):
        services.name_in_partnership(user=SYSTEM, agency=child, partnership=world.partnership)

    assert _named(child) == _named(parent) == {world.partnership.code}
    with pytest.raises(PermissionDenied):
        services.name_in_partnership(
            user=world.hki_coordinator, agency=child, partnership=world.other_partnership
        )


# -- the data migration ---------------------------------------------------------------------


def test_the_migration_names_third_parties_where_they_are_referred_to(world):
    parent = _third_party(code="parent-fed")
    in_activity = _third_party(code="in-activity", parent=parent)
    world.hki_activity.participants.add(in_activity)
    in_commitment = _third_party(code="in-commitment")
    commitment = f.CommitmentFactory(theme=world.themes[0])
    commitment.agencies.add(in_commitment)
    responsible = _third_party(code="responsible")
    f.ThemeAgencyFactory(theme=world.other_theme, agency=responsible)
    organiser = _third_party(code="organiser")
    f.EventFactory(plan=world.other_plan).organisers.add(organiser)
    world.hki_activity.participants.add(organiser)
    nobodys = _third_party(code="nobodys")

    for _ in range(2):  # a second run adds nothing
        migration.name_third_parties(apps, None)

    assert _named(in_activity) == _named(parent) == {world.partnership.code}
    assert _named(in_commitment) == {world.partnership.code}
    assert _named(responsible) == {world.other_partnership.code}
    assert _named(organiser) == {world.partnership.code, world.other_partnership.code}
    assert _named(nobodys) == set()
    assert not world.hki_agency.partnerships.exists()


def test_the_migration_follows_every_relation_to_an_agency():
    """A new relation to Agency must be added to the migration's list (or said not to name)."""
    followed = {(app, model, field) for app, model, field, _path in migration.REFERENCES}
    relations = {
        (rel.related_model._meta.app_label, rel.related_model.__name__, rel.field.name)
        for rel in Agency._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and rel.related_model is not Agency
        # Many-to-many tables Django makes: their field is followed by its own name.
        and not rel.related_model._meta.auto_created
    }
    # People are of a side (a third party has none); a theme's agencies are its ThemeAgency
    # rows (followed); the memberships are what the migration writes.
    not_naming = {
        ("partners", "Profile", "agency"),
        ("cooperation", "Theme", "agencies"),
        ("partners", "Agency_partnerships", "agency"),
    }
    assert relations - not_naming == followed


# -- /manage/ and /admin/ -------------------------------------------------------------------


def test_manage_lists_the_third_parties_of_ones_partnerships_only(world, client_for):
    ours = _third_party(world.partnership, name_en="Our Federation")
    theirs = _third_party(world.other_partnership, name_en="Baltic Federation")
    client = client_for(world.hki_coordinator)

    page = client.get("/manage/partners/agency/").content.decode()
    assert "Our Federation" in page and "Baltic Federation" not in page
    assert client.get(f"/manage/partners/agency/{theirs.pk}/change/").status_code in (302, 404)
    form = client.get(f"/manage/partners/agency/{ours.pk}/change/").context["adminform"].form
    assert set(form.fields["partnerships"].queryset) == {world.partnership}


def test_admin_shows_staff_who_are_no_superusers_their_partnerships_third_parties(
    world, client_for
):
    from django.contrib.auth.models import Permission

    ours = _third_party(world.partnership, name_en="Our Federation")
    _third_party(world.other_partnership, name_en="Baltic Federation")
    _third_party(name_en="Nobody's Federation")
    world.hki_coordinator.is_staff = True
    world.hki_coordinator.save()
    world.hki_coordinator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_agency", "change_agency"])
    )
    client = client_for(world.hki_coordinator)

    page = client.get("/admin/partners/agency/").content.decode()

    assert "Our Federation" in page
    assert "Baltic Federation" not in page and "Nobody" not in page
    form = client.get(f"/admin/partners/agency/{ours.pk}/change/").context["adminform"].form
    assert set(form.fields["partnerships"].queryset) == {world.partnership}
    superuser = client_for(world.admin).get("/admin/partners/agency/").content.decode()
    assert "Baltic Federation" in superuser and "Nobody" in superuser
