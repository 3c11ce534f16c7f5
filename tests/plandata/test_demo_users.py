"""``create_demo_users``: a user per role, a known password, never by accident in production."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from partners.models import Profile, Role
from plandata.loader import load_plan_file

DEMO_PASSWORD = "Demo-passw0rd-for-tests"

EXPECTED = {
    "helsinki-coordinator": (Role.COORDINATOR, "helsinki", "hki-international-affairs"),
    "beijing-coordinator": (Role.COORDINATOR, "beijing", "bj-foreign-affairs"),
    "hki-economic-staff": (Role.AGENCY_STAFF, "helsinki", "hki-economic-development"),
    "bj-science-staff": (Role.AGENCY_STAFF, "beijing", "bj-science-technology"),
    "official": (Role.OFFICIAL, "helsinki", None),
}


@pytest.fixture
def plan(db):
    load_plan_file()


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    return settings


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_demo_users", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def demo_users():
    return get_user_model().objects.filter(username__in=EXPECTED)


def test_one_user_per_role(plan, debug):
    output = run()
    users = {u.username: u for u in demo_users().select_related("profile__city", "profile__agency")}
    assert set(users) == set(EXPECTED)
    for username, (role, city, agency) in EXPECTED.items():
        user = users[username]
        profile = user.profile
        assert profile.role == role
        assert profile.city.code == city
        assert (profile.agency.code if profile.agency else None) == agency
        assert profile.preferred_language == ""
        assert user.email == f"{username}@example.org"
        assert user.first_name and user.last_name
        assert user.is_active and not user.is_staff and not user.is_superuser
        assert user.check_password(DEMO_PASSWORD)
        assert username in output
        assert str(role.value) in output


def test_staff_agencies_are_on_their_side(plan, debug):
    run()
    for profile in Profile.objects.filter(user__in=demo_users(), agency__isnull=False):
        assert profile.agency.city_id == profile.city_id


def test_generated_password_is_printed_and_works(plan, debug, tmp_path):
    debug.DEMO_PASSWORD = None
    debug.BASE_DIR = tmp_path
    output = run()
    line = next(line for line in output.splitlines() if line.startswith("Password"))
    password = line.rsplit(" ", 1)[-1]
    assert len(password) >= 12
    assert all(user.check_password(password) for user in demo_users())


def test_configured_password_is_not_echoed(plan, debug):
    assert DEMO_PASSWORD not in run()


def test_refuses_when_debug_is_off(plan, settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    with pytest.raises(CommandError, match="--force"):
        run()
    assert not demo_users().exists()
    run("--force")
    assert demo_users().count() == 5


def test_needs_the_plan_first(db, debug):
    with pytest.raises(CommandError, match="load_action_plan"):
        run()
    assert not demo_users().exists()


def test_a_second_run_keeps_what_was_changed_in_the_portal(plan, debug):
    # make run runs it at every start: nothing a person changed is undone.
    run()
    user = demo_users().get(username="hki-economic-staff")
    user.set_password("something-else-entirely")
    user.save()
    profile = user.profile
    profile.role = Role.OFFICIAL
    profile.agency = None
    profile.preferred_language = "fi"
    profile.save()

    output = run()

    assert demo_users().count() == 5
    user = demo_users().get(username="hki-economic-staff")
    assert user.check_password("something-else-entirely")
    assert (user.profile.role, user.profile.preferred_language) == (Role.OFFICIAL, "fi")
    assert "kept, own password" in output
    assert "--reset" in output


def test_reset_gives_the_demo_password_and_profile_back(plan, debug):
    run()
    user = demo_users().get(username="hki-economic-staff")
    user.set_password("something-else-entirely")
    user.is_active = False
    user.save()
    profile = user.profile
    profile.role = Role.OFFICIAL
    profile.preferred_language = "fi"
    profile.save()

    output = run("--reset")

    assert demo_users().count() == 5
    assert Profile.objects.filter(user__in=demo_users()).count() == 5
    user = demo_users().get(username="hki-economic-staff")
    assert user.is_active
    assert user.check_password(DEMO_PASSWORD)
    assert user.profile.role == Role.AGENCY_STAFF
    assert user.profile.preferred_language == ""
    assert "reset" in output


def test_a_generated_password_is_the_same_at_every_start(plan, debug, tmp_path):
    debug.DEMO_PASSWORD = None
    debug.BASE_DIR = tmp_path

    def printed(output):
        line = next(line for line in output.splitlines() if line.startswith("Password"))
        return line.rsplit(" ", 1)[-1]

    first = printed(run())
    second = printed(run())

    assert first == second
    assert all(user.check_password(first) for user in demo_users())
    assert (tmp_path / ".demo-password").stat().st_mode & 0o077 == 0
