"""partners.access: who may do what, as one explicit table of expectations.

The rules (access.py's docstring): coordinators manage all of their partnership and the
agencies and users of their side; agency staff create activities and change the activities
their agency leads or takes part in and the events their agency organises; officials read;
users of another partnership see nothing of this one; administrators may do everything.
Agencies and people of a side are visible to every member; a third-party agency (no side)
belongs to the partnerships that name it: their members see it, their coordinators manage it,
and one that nobody names is the administrators' only.
"""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from cooperation.models import Activity, Partnership
from partners.access import (
    SYSTEM,
    Action,
    can,
    editable_agency_ids,
    is_admin,
    partnership_q,
    person,
    profile_of,
    require,
    require_admin,
)
from partners.models import AgencyKind
from tests.factories import AgencyFactory, UserFactory

ROLES = [
    "hki_coordinator",
    "bj_coordinator",
    "hki_staff",
    "bj_staff",
    "official",
    "outsider",
    "admin",
    "anonymous",
]

# One row per (object, action); one column per role, in the order of ROLES. Y = allowed.
# Only the actions that mean something for an object are listed: CHANGE_STATUS and REOPEN
# are asked of activities, CREATE_ACTIVITY of themes and plans.
MATRIX = """
object                 action           hkiC bjC hkiS bjS off out adm anon
hki_activity           view             Y    Y   Y    Y   Y   .   Y   .
hki_activity           change           Y    Y   Y    .   .   .   Y   .
hki_activity           change_status    Y    Y   Y    .   .   .   Y   .
hki_activity           reopen           Y    Y   .    .   .   .   Y   .
hki_activity           manage           Y    Y   .    .   .   .   Y   .
hki_activity           delete           Y    Y   .    .   .   .   Y   .
bj_activity            view             Y    Y   Y    Y   Y   .   Y   .
bj_activity            change           Y    Y   .    Y   .   .   Y   .
bj_activity            change_status    Y    Y   .    Y   .   .   Y   .
bj_activity            reopen           Y    Y   .    .   .   .   Y   .
bj_activity            manage           Y    Y   .    .   .   .   Y   .
bj_activity            delete           Y    Y   .    .   .   .   Y   .
joint_activity         view             Y    Y   Y    Y   Y   .   Y   .
joint_activity         change           Y    Y   Y    Y   .   .   Y   .
joint_activity         change_status    Y    Y   Y    Y   .   .   Y   .
joint_activity         reopen           Y    Y   .    .   .   .   Y   .
joint_activity         manage           Y    Y   .    .   .   .   Y   .
joint_activity         delete           Y    Y   .    .   .   .   Y   .
other_agency_activity  view             Y    Y   Y    Y   Y   .   Y   .
other_agency_activity  change           Y    Y   .    .   .   .   Y   .
other_agency_activity  change_status    Y    Y   .    .   .   .   Y   .
other_agency_activity  reopen           Y    Y   .    .   .   .   Y   .
other_agency_activity  manage           Y    Y   .    .   .   .   Y   .
other_agency_activity  delete           Y    Y   .    .   .   .   Y   .
theme                  view             Y    Y   Y    Y   Y   .   Y   .
theme                  change           Y    Y   .    .   .   .   Y   .
theme                  create_activity  Y    Y   Y    Y   .   .   Y   .
theme                  manage           Y    Y   .    .   .   .   Y   .
theme                  delete           Y    Y   .    .   .   .   Y   .
plan                   view             Y    Y   Y    Y   Y   .   Y   .
plan                   change           Y    Y   .    .   .   .   Y   .
plan                   create_activity  Y    Y   Y    Y   .   .   Y   .
plan                   manage           Y    Y   .    .   .   .   Y   .
plan                   delete           Y    Y   .    .   .   .   Y   .
event                  view             Y    Y   Y    Y   Y   .   Y   .
event                  change           Y    Y   Y    .   .   .   Y   .
event                  manage           Y    Y   .    .   .   .   Y   .
event                  delete           Y    Y   .    .   .   .   Y   .
review                 view             Y    Y   Y    Y   Y   .   Y   .
review                 change           Y    Y   .    .   .   .   Y   .
review                 manage           Y    Y   .    .   .   .   Y   .
review                 delete           Y    Y   .    .   .   .   Y   .
hki_agency             view             Y    Y   Y    Y   Y   Y   Y   .
hki_agency             change           Y    .   .    .   .   .   Y   .
hki_agency             manage           Y    .   .    .   .   .   Y   .
hki_agency             delete           Y    .   .    .   .   .   Y   .
bj_agency              view             Y    Y   Y    Y   Y   Y   Y   .
bj_agency              change           .    Y   .    .   .   .   Y   .
bj_agency              manage           .    Y   .    .   .   .   Y   .
bj_agency              delete           .    Y   .    .   .   .   Y   .
third_party_agency     view             Y    Y   Y    Y   Y   .   Y   .
third_party_agency     change           Y    Y   .    .   .   .   Y   .
third_party_agency     manage           Y    Y   .    .   .   .   Y   .
third_party_agency     delete           Y    Y   .    .   .   .   Y   .
other_third_party      view             .    .   .    .   .   Y   Y   .
other_third_party      change           .    .   .    .   .   Y   Y   .
other_third_party      manage           .    .   .    .   .   Y   Y   .
other_third_party      delete           .    .   .    .   .   Y   Y   .
shared_third_party     view             Y    Y   Y    Y   Y   Y   Y   .
shared_third_party     change           Y    Y   .    .   .   Y   Y   .
shared_third_party     delete           Y    Y   .    .   .   Y   Y   .
unnamed_third_party    view             .    .   .    .   .   .   Y   .
unnamed_third_party    change           .    .   .    .   .   .   Y   .
unnamed_third_party    delete           .    .   .    .   .   .   Y   .
hki_staff_profile      view             Y    Y   Y    Y   Y   Y   Y   .
hki_staff_profile      change           Y    .   .    .   .   .   Y   .
hki_staff_profile      manage           Y    .   .    .   .   .   Y   .
hki_staff_profile      delete           Y    .   .    .   .   .   Y   .
bj_staff_profile       view             Y    Y   Y    Y   Y   Y   Y   .
bj_staff_profile       change           .    Y   .    .   .   .   Y   .
bj_staff_profile       manage           .    Y   .    .   .   .   Y   .
bj_staff_profile       delete           .    Y   .    .   .   .   Y   .
other_activity         view             .    .   .    .   .   Y   Y   .
other_activity         change           .    .   .    .   .   Y   Y   .
other_activity         change_status    .    .   .    .   .   Y   Y   .
other_activity         reopen           .    .   .    .   .   Y   Y   .
other_activity         manage           .    .   .    .   .   Y   Y   .
other_activity         delete           .    .   .    .   .   Y   Y   .
other_theme            view             .    .   .    .   .   Y   Y   .
other_theme            change           .    .   .    .   .   Y   Y   .
other_theme            create_activity  .    .   .    .   .   Y   Y   .
other_theme            manage           .    .   .    .   .   Y   Y   .
other_theme            delete           .    .   .    .   .   Y   Y   .
other_plan             view             .    .   .    .   .   Y   Y   .
other_plan             change           .    .   .    .   .   Y   Y   .
other_plan             create_activity  .    .   .    .   .   Y   Y   .
other_plan             manage           .    .   .    .   .   Y   Y   .
other_plan             delete           .    .   .    .   .   Y   Y   .
"""


def _rows():
    lines = [line.split() for line in MATRIX.strip().splitlines()[1:]]
    for obj, action, *cells in lines:
        assert len(cells) == len(ROLES), f"{obj} {action}: {len(cells)} columns"
        allowed = {role for role, cell in zip(ROLES, cells, strict=True) if cell == "Y"}
        yield pytest.param(obj, Action(action), allowed, id=f"{obj}-{action}")


def _user(world, role):
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def _object(world, name):
    if name == "theme":
        return world.themes[0]
    # Third parties: named by Helsinki–Beijing, by Tallinn–Riga, by both, by nobody.
    named_by = {
        "third_party_agency": [world.partnership],
        "other_third_party": [world.other_partnership],
        "shared_third_party": [world.partnership, world.other_partnership],
        "unnamed_third_party": [],
    }
    if name in named_by:
        return AgencyFactory(
            code="wtcf", city=None, kind=AgencyKind.FEDERATION, partnerships=named_by[name]
        )
    if name.endswith("_profile"):
        return getattr(world, name.removesuffix("_profile")).profile
    return getattr(world, name)


@pytest.mark.parametrize(("obj_name", "action", "allowed"), list(_rows()))
def test_it_allows_exactly_the_roles_in_the_matrix(world, obj_name, action, allowed):
    obj = _object(world, obj_name)
    got = {role for role in ROLES if can(_user(world, role), action, obj)}
    assert got == allowed, (
        f"{action} on {obj_name}: unexpectedly allowed {sorted(got - allowed)}, "
        f"unexpectedly refused {sorted(allowed - got)}"
    )


def test_it_covers_every_action_in_the_matrix():
    actions = {row.values[1] for row in _rows()}
    assert actions == set(Action)


def test_it_lets_staff_of_a_participating_agency_change_the_activity(world):
    activity = world.other_agency_activity
    assert not can(world.hki_staff, Action.CHANGE, activity)

    activity.participants.add(world.hki_agency)

    assert can(world.hki_staff, Action.CHANGE, activity)
    assert can(world.hki_staff, Action.CHANGE_STATUS, activity)
    assert not can(world.hki_staff, Action.REOPEN, activity)
    assert not can(world.hki_staff, Action.DELETE, activity)
    assert not can(world.bj_staff, Action.CHANGE, activity)


def test_it_lets_staff_change_events_only_their_agency_organises(world):
    world.event.organisers.set([world.bj_agency])

    assert can(world.bj_staff, Action.CHANGE, world.event)
    assert not can(world.hki_staff, Action.CHANGE, world.event)


def test_it_refuses_an_inactive_coordinator_everything(world):
    world.hki_coordinator.is_active = False

    assert not can(world.hki_coordinator, Action.VIEW, world.plan)
    assert not can(world.hki_coordinator, Action.VIEW, world.hki_agency)


def test_it_refuses_an_inactive_superuser(world):
    world.admin.is_active = False

    assert not can(world.admin, Action.VIEW, world.plan)


def test_it_refuses_a_logged_in_user_without_a_profile(world):
    nobody = UserFactory(username="nobody")

    assert profile_of(nobody) is None
    assert not can(nobody, Action.VIEW, world.plan)
    assert not can(nobody, Action.VIEW, world.hki_agency)


def test_it_accepts_actions_given_as_strings(world):
    assert can(world.official, "view", world.plan)
    assert not can(world.official, "change", world.plan)
    with pytest.raises(ValueError):
        can(world.official, "fly", world.plan)


def test_it_caches_the_profile_on_the_user(world, django_assert_num_queries):
    user = world.hki_staff
    with django_assert_num_queries(1):  # the profile with its city and agency
        profile = profile_of(user)
    with django_assert_num_queries(0):
        assert profile_of(user) is profile
    assert profile.agency == world.hki_agency
    assert profile_of(AnonymousUser()) is None


# --- partnership_q --------------------------------------------------------------------------


ACTIVITY_PATH = "theme__plan__partnership"


def _visible_activities(user):
    return set(Activity.objects.filter(partnership_q(user, ACTIVITY_PATH)))


def test_it_filters_activities_to_the_outsiders_own_partnership(world):
    assert _visible_activities(world.outsider) == {world.other_activity}


@pytest.mark.parametrize("role", ["hki_coordinator", "bj_coordinator", "hki_staff", "official"])
def test_it_filters_activities_to_the_members_partnership(world, role):
    assert _visible_activities(getattr(world, role)) == {
        world.hki_activity,
        world.bj_activity,
        world.joint_activity,
        world.other_agency_activity,
    }


def test_it_shows_an_admin_every_activity(world):
    assert _visible_activities(world.admin) == set(Activity.objects.all())
    assert len(_visible_activities(world.admin)) == 5


def test_it_shows_anonymous_and_profileless_users_no_activity(world):
    assert _visible_activities(AnonymousUser()) == set()
    assert _visible_activities(UserFactory(username="nobody")) == set()


def test_it_filters_partnerships_themselves_without_a_prefix(world):
    visible = Partnership.objects.filter(partnership_q(world.outsider))

    assert list(visible) == [world.other_partnership]
    assert list(Partnership.objects.filter(partnership_q(world.bj_staff))) == [world.partnership]


# --- require --------------------------------------------------------------------------------


def test_it_raises_permission_denied_and_logs_the_refusal(world, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="portal.security"),
        pytest.raises(PermissionDenied),
    ):
        require(world.outsider, Action.VIEW, world.hki_activity)

    records = [r for r in caplog.records if r.name == "portal.security"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    message = records[0].getMessage()
    assert "user=outsider" in message
    assert "action=view" in message
    assert f"object=Activity:{world.hki_activity.pk}" in message


def test_it_logs_an_anonymous_refusal_as_anonymous(world, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="portal.security"),
        pytest.raises(PermissionDenied),
    ):
        require(AnonymousUser(), Action.VIEW, world.plan)

    assert "user=anonymous" in caplog.records[-1].getMessage()


def test_it_returns_quietly_when_allowed(world, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        assert require(world.hki_staff, Action.CHANGE, world.hki_activity) is None

    assert not [r for r in caplog.records if r.name == "portal.security"]


# --- editable_agency_ids --------------------------------------------------------------------


def test_it_gives_coordinators_and_admins_every_agency(world):
    assert editable_agency_ids(world.hki_coordinator) is None
    assert editable_agency_ids(world.admin) is None


def test_it_gives_staff_their_own_agency_and_officials_none(world):
    assert editable_agency_ids(world.hki_staff) == {world.hki_agency.pk}
    assert editable_agency_ids(world.bj_staff) == {world.bj_agency.pk}
    assert editable_agency_ids(world.official) == set()
    assert editable_agency_ids(AnonymousUser()) == set()


# --- the system, authors, administrators ----------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
def test_it_lets_the_system_do_what_an_administrator_may(world, action):
    assert can(SYSTEM, action, world.plan)
    assert can(SYSTEM, action, world.other_activity)
    assert can(SYSTEM, action, world.hki_agency)


def test_it_gives_the_system_no_profile_and_no_partnership_filter(world):
    assert profile_of(SYSTEM) is None
    assert is_admin(SYSTEM)
    assert set(Partnership.objects.filter(partnership_q(SYSTEM))) == {
        world.partnership,
        world.other_partnership,
    }


def test_it_records_the_acting_person_and_nobody_for_the_system(world):
    assert person(world.hki_staff) is world.hki_staff
    assert person(world.admin) is world.admin
    assert person(SYSTEM) is None
    assert person(AnonymousUser()) is None


@pytest.mark.parametrize("role", ["admin", "system"])
def test_it_lets_administrators_and_the_system_administer(world, role):
    assert require_admin(SYSTEM if role == "system" else world.admin) is None


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_it_refuses_administration_to_everyone_else_and_logs_it(world, role, caplog):
    user = _user(world, role)

    with (
        caplog.at_level(logging.WARNING, logger="portal.security"),
        pytest.raises(PermissionDenied),
    ):
        require_admin(user)

    assert "action=administer" in caplog.records[-1].getMessage()


def test_it_refuses_administration_to_an_inactive_superuser(world):
    world.admin.is_active = False

    with pytest.raises(PermissionDenied):
        require_admin(world.admin)
