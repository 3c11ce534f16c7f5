"""The login's second step: after the password, the authenticator's code or a recovery code;
nobody with a second factor is logged in by the password alone; django-axes counts wrong
codes with wrong passwords."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.twofactor.helpers import code, enrolled, password_step, second_step
from twofactor import services

pytestmark = pytest.mark.django_db


def test_the_password_alone_does_not_log_in_who_has_a_second_factor(world, client, sent):
    device, _codes = enrolled(world.hki_coordinator)
    response = password_step(client, world.hki_coordinator, next_url="/profile/")
    assert response.status_code == 302 and response["Location"] == reverse("twofactor-verify")
    assert "_auth_user_id" not in client.session
    # Nothing else opens in between.
    assert client.get("/profile/").status_code == 302
    page = client.get(reverse("twofactor-verify"))
    assert page.status_code == 200 and "authenticator app" in page.content.decode()

    wrong = second_step(client, "000000" if code(device) != "000000" else "111111")
    assert wrong.status_code == 400 and "That code is not right." in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    assert [name for name, _kw in sent] == ["failed"]

    right = second_step(client, code(device))
    assert right.status_code == 302 and right["Location"] == "/profile/"
    assert client.session["_auth_user_id"] == str(world.hki_coordinator.pk)
    assert services.session_verified(client.session)
    assert sent[-1][0] == "verified" and sent[-1][1]["user"] == world.hki_coordinator
    assert sent[-1][1]["request"] is not None
    assert client.get("/profile/").status_code == 200


def test_who_has_no_second_factor_logs_in_with_the_password(world, client):
    assert password_step(client, world.hki_staff).status_code == 302
    assert client.session["_auth_user_id"] == str(world.hki_staff.pk)


def test_a_recovery_code_works_once(world, client, sent):
    _device, codes = enrolled(world.hki_coordinator)
    password_step(client, world.hki_coordinator)
    response = second_step(client, codes[0].upper(), recovery=True)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.hki_coordinator.pk)
    assert sent[-1][0] == "recovery_used"
    assert services.recovery_codes_left(world.hki_coordinator) == 9

    client.post(reverse("logout"))
    password_step(client, world.hki_coordinator)
    again = second_step(client, codes[0], recovery=True)
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session
    assert second_step(client, codes[1], recovery=True).status_code == 302


def test_the_second_step_without_the_first_goes_to_the_login(world, client):
    assert client.get(reverse("twofactor-verify"))["Location"] == reverse("login")
    assert second_step(client, "123456")["Location"] == reverse("login")


def test_five_wrong_codes_lock_out_like_wrong_passwords(world, client, sent):
    device, codes = enrolled(world.hki_coordinator)
    password_step(client, world.hki_coordinator)
    bad = "000000" if code(device) != "000000" else "111111"
    for _ in range(4):
        assert second_step(client, bad).status_code == 400
    # A right password again does not wipe the failures (it logs nobody in yet).
    assert password_step(client, world.hki_coordinator).status_code == 302
    locked = second_step(client, bad)
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    attempt = AccessAttempt.objects.get(username=world.hki_coordinator.username)
    assert attempt.failures_since_start == 5
    # Now neither a right code, nor a recovery code, nor the password gets in.
    assert second_step(client, code(device)).status_code in (302, 429)
    assert "_auth_user_id" not in client.session
    assert password_step(client, world.hki_coordinator).status_code == 429
    assert "_auth_user_id" not in client.session
    assert services.recovery_codes_left(world.hki_coordinator) == 10
    assert [name for name, _kw in sent].count("failed") == 5


def test_wrong_passwords_and_wrong_codes_count_together(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    device, _codes = enrolled(world.hki_coordinator)
    client.post(reverse("login"), {"username": "hki_coordinator", "password": "nope"})
    password_step(client, world.hki_coordinator)
    bad = "000000" if code(device) != "000000" else "111111"
    assert second_step(client, bad).status_code == 400
    assert second_step(client, bad, recovery=True).status_code == 429


def test_a_complete_login_resets_the_failures(world, client):
    device, _codes = enrolled(world.hki_coordinator)
    password_step(client, world.hki_coordinator)
    bad = "000000" if code(device) != "000000" else "111111"
    second_step(client, bad)
    assert second_step(client, code(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username="hki_coordinator", failures_since_start__gt=0)


def test_a_bad_code_of_any_shape_is_refused_not_crashed(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 100
    enrolled(world.hki_coordinator)
    password_step(client, world.hki_coordinator)
    for value in ["", "x" * 39, "12 34 56 78", "\x00", "٣٣٣٣٣٣"]:
        assert second_step(client, value).status_code == 400
        assert second_step(client, value, recovery=True).status_code == 400


def test_the_admin_login_is_the_portals(world, client, client_for):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=/admin/" in response[
        "Location"
    ].replace("%2F", "/")
    assert client_for(world.hki_staff).get("/admin/login/").status_code == 403
    assert client_for(world.admin).get("/admin/login/")["Location"] == "/admin/"
