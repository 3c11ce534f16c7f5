"""django-axes counts failed log-ins under the user name the login form reads
(``partners.throttle.axes_username``): a name of any length is counted and locked out,
never a 500, and the second step counts under the same name."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from partners import throttle
from partners.models import Role
from tests.conftest import _user
from tests.factories import PASSWORD
from tests.twofactor.helpers import code, enrolled, password_step, second_step

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-7f3a"
LONGEST = 150  # auth.User.username


def login(client, username, password=WRONG):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_name_is_read_as_the_login_form_reads_it():
    assert throttle.normalise(None) == ""
    assert throttle.normalise("  hki_staff \n") == "hki_staff"
    assert throttle.normalise("ｈｋｉ＿ｓｔａｆｆ") == "hki_staff"  # NFKC, as UsernameField
    assert throttle.normalise(12) == "12"
    assert throttle.longest_username() == LONGEST


@pytest.mark.parametrize("length", [LONGEST - 1, LONGEST, LONGEST + 1, 255, 256, 10_000])
def test_a_name_of_any_length_is_bounded_and_kept_apart(length):
    name = "a" * length
    counted = throttle.normalise(name)
    assert len(counted) <= throttle.AXES_COLUMN_LENGTH
    if length <= LONGEST:
        assert counted == name
    else:
        assert counted.startswith("a" * LONGEST + "#")
        # Two long names that start alike are still two counts.
        assert throttle.normalise(name[:-1] + "b") != counted
        assert throttle.normalise(name) == counted


def test_the_callable_reads_the_credentials_then_the_form(rf):
    assert throttle.axes_username(None, {"username": " x "}) == "x"
    assert throttle.axes_username(rf.post("/", {"username": " y "})) == "y"
    assert throttle.axes_username(rf.post("/", {})) == ""
    assert throttle.axes_username(rf.get("/")) == ""


@pytest.mark.parametrize("length", [LONGEST - 1, LONGEST, LONGEST + 1, 255, 256, 10_000])
def test_long_names_lock_out_after_the_limit(world, client, settings, length):
    settings.AXES_FAILURE_LIMIT = 3
    name = "n" * length
    assert login(client, name).status_code == 200
    assert login(client, name).status_code == 200
    assert login(client, name).status_code == 429
    assert login(client, name).status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.username == throttle.normalise(name)
    assert len(attempt.username) <= throttle.AXES_COLUMN_LENGTH
    assert attempt.failures_since_start == 4
    # Nobody else is locked out by it.
    assert login(client, "hki_staff", PASSWORD).status_code == 302


def test_a_long_name_that_starts_with_an_account_does_not_lock_it(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        assert login(client, "hki_staff" + "x" * 10_000).status_code in (200, 429)
    assert login(client, "hki_staff", PASSWORD).status_code == 302


def test_spaces_around_the_name_count_with_the_name(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    assert login(client, " hki_staff").status_code == 200
    assert login(client, "hki_staff  ").status_code == 200
    assert login(client, "hki_staff").status_code == 429
    assert login(client, "hki_staff", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().username == "hki_staff"


def test_the_second_step_of_the_longest_name_counts_under_the_same_name(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    person = _user("c" * LONGEST, city=world.helsinki, role=Role.COORDINATOR)
    device, _codes = enrolled(person)
    # A wrong password typed with spaces around the name, then two wrong codes.
    assert login(client, f" {person.username} ").status_code == 200
    assert password_step(client, person).status_code == 302
    bad = "000000" if code(device) != "000000" else "111111"
    assert second_step(client, bad).status_code == 400
    locked = second_step(client, bad)
    assert locked.status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.username == person.username and attempt.failures_since_start == 3
    assert password_step(client, person).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_out_page_names_both_steps_and_when_to_try_again(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    page = login(client, "hki_staff")
    assert page.status_code == 429
    text = " ".join(page.content.decode().split())
    assert "a wrong password or a wrong two-factor code" in text
    assert "Try again in 15 minutes." in text
    assert "Each attempt before then, with a password or with a code" in text
    assert "reset your two-factor login" in text
