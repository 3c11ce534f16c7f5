"""Logging in and out, password change, login throttling (django-axes) and the security log."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
WRONG = "not-the-password-7f3a"


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_it_routes_login_to_the_documented_path():
    assert reverse("login") == LOGIN_URL


def test_it_shows_the_login_page_to_anonymous(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_it_logs_in_with_the_right_password(world, client):
    response = login(client, "hki_coordinator", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(world.hki_coordinator.pk)


def test_it_sends_a_logged_in_user_on_from_the_login_page(world, client_for):
    response = client_for(world.official).get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_it_refuses_a_wrong_password_without_leaking(world, client):
    response = login(client, "hki_coordinator", WRONG)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "Please enter a correct username and password" in content
    assert WRONG not in content  # the password is never echoed back
    # A user that does not exist gets exactly the same message: nothing tells them apart.
    unknown = login(client, "nobody-here", WRONG).content.decode()
    assert "Please enter a correct username and password" in unknown


def test_it_shows_the_login_error_in_the_users_language(world, client):
    response = login(client, "hki_coordinator", WRONG, HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = response.content.decode()
    with translation.override("zh-hans"):
        username_label = get_user_model()._meta.get_field("username").verbose_name
        expected = str(AuthenticationForm.error_messages["invalid_login"]) % {
            "username": username_label
        }
    assert "注意" in expected  # Django's own catalogue has it
    assert expected in content
    assert "Please enter a correct" not in content
    assert 'lang="zh-hans"' in content


def test_it_redirects_to_next_after_login(world, client):
    target = reverse("event-list")
    response = client.post(
        reverse("login"), {"username": "bj_staff", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == target


def test_it_ignores_an_external_next(world, client):
    response = client.post(
        reverse("login"),
        {"username": "bj_staff", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_it_locks_out_after_too_many_failures(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert login(client, "hki_staff", WRONG).status_code == 200
    # The failure that reaches the limit is already answered with the lockout page.
    locked = login(client, "hki_staff", WRONG)
    assert locked.status_code == 429
    assert AccessAttempt.objects.filter(username="hki_staff").get().failures_since_start == 3
    # Even the right password does not get in now.
    response = login(client, "hki_staff", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    content = response.content.decode()
    assert "Too many failed attempts" in content
    assert "Try again in 15 minutes." in content
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_it_shows_the_lockout_page_in_the_users_language(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 1
    response = login(client, "hki_staff", WRONG, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert 'lang="zh-hans"' in response.content.decode()


def test_it_locks_only_that_username_from_that_address(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    login(client, "hki_staff", WRONG)
    login(client, "hki_staff", WRONG)
    assert login(client, "bj_staff", PASSWORD).status_code == 302


def test_it_resets_failures_on_success(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    login(client, "hki_staff", WRONG)
    login(client, "hki_staff", WRONG)
    assert login(client, "hki_staff", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    login(client, "hki_staff", WRONG)
    assert login(client, "hki_staff", PASSWORD).status_code == 302


def test_it_logs_out_only_by_post(world, client_for):
    client = client_for(world.official)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_it_asks_anonymous_to_log_in_before_changing_password(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_it_shows_the_password_change_form(world, client_for):
    response = client_for(world.bj_staff).get(reverse("password_change"))
    assert response.status_code == 200
    assert b'name="old_password"' in response.content


def test_it_refuses_a_wrong_old_password(world, client_for):
    client = client_for(world.bj_staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": WRONG,
            "new_password1": "Lantern-Festival-2025",
            "new_password2": "Lantern-Festival-2025",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    world.bj_staff.refresh_from_db()
    assert world.bj_staff.check_password(PASSWORD)


def test_it_refuses_a_weak_new_password(world, client_for):
    client = client_for(world.bj_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    world.bj_staff.refresh_from_db()
    assert world.bj_staff.check_password(PASSWORD)


def test_it_changes_the_password(world, client_for, caplog):
    client = client_for(world.bj_staff)
    with caplog.at_level(logging.INFO, logger="portal.security"):
        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Lantern-Festival-2025",
                "new_password2": "Lantern-Festival-2025",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    world.bj_staff.refresh_from_db()
    assert world.bj_staff.check_password("Lantern-Festival-2025")
    # Still logged in after the change, and the done page says so.
    done = client.get(reverse("password_change_done"))
    assert done.status_code == 200
    assert "Your password was changed" in done.content.decode()
    assert "password changed: user=bj_staff" in caplog.text
    assert "Lantern-Festival-2025" not in caplog.text


# --- security log ---------------------------------------------------------------------------


def test_it_logs_a_successful_login(world, client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        login(client, "hki_coordinator", PASSWORD, REMOTE_ADDR="203.0.113.7")
    records = [r for r in caplog.records if r.name == "portal.security"]
    assert [r.getMessage() for r in records] == ["login: user=hki_coordinator ip=203.0.113.7"]


def test_it_logs_a_failed_login_without_the_password(world, client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        login(client, "hki_coordinator", WRONG, REMOTE_ADDR="203.0.113.8")
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert messages == ["login failed: user=hki_coordinator ip=203.0.113.8"]
    assert WRONG not in caplog.text
    assert caplog.records[-1].levelno == logging.WARNING


def test_it_logs_a_logout(world, client, caplog):
    login(client, "official", PASSWORD, REMOTE_ADDR="203.0.113.9")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="portal.security"):
        client.post(reverse("logout"), REMOTE_ADDR="203.0.113.9")
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert messages == ["logout: user=official ip=203.0.113.9"]


def test_it_logs_a_lockout(world, client, caplog, settings):
    settings.AXES_FAILURE_LIMIT = 1
    with caplog.at_level(logging.INFO, logger="portal.security"):
        login(client, "official", WRONG, REMOTE_ADDR="203.0.113.10")
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert "login locked out: user=official ip=203.0.113.10" in messages


def test_it_keeps_forged_lines_out_of_the_log(world, client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        login(client, "eve\nlogin: user=admin ip=1.2.3.4", WRONG)
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert len(messages) == 1
    assert "\n" not in messages[0]
