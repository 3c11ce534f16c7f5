"""Making an API token needs a second factor given within TWO_FACTOR_RECENT_MINUTES."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.twofactor.helpers import code, enrolled, password_step, second_step
from twofactor import services

pytestmark = pytest.mark.django_db

PAGE = "/profile/tokens/"


def _logged_in(client, user):
    device, _codes = enrolled(user)
    password_step(client, user)
    assert second_step(client, code(device)).status_code == 302
    return device


def test_right_after_the_second_step_a_token_is_made(world, client, required):
    _logged_in(client, world.hki_coordinator)
    response = client.post(PAGE, {"name": "script"})
    assert response.status_code == 200 and "sct_" in response.content.decode()
    assert ApiToken.objects.filter(user=world.hki_coordinator).count() == 1


def test_later_the_second_factor_is_asked_again(world, client, required, settings):
    device = _logged_in(client, world.hki_coordinator)
    session = client.session
    session[services.VERIFIED_AT] = time.time() - (settings.TWO_FACTOR_RECENT_MINUTES * 60 + 5)
    session.save()
    response = client.post(PAGE, {"name": "script"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("twofactor-verify"))
    assert "next=/profile/tokens/" in response["Location"].replace("%2F", "/")
    assert not ApiToken.objects.filter(user=world.hki_coordinator).exists()
    # Given again (still logged in), back to the page, and the token is made.
    again = client.post(reverse("twofactor-verify"), {"code": code(device, steps=1), "next": PAGE})
    assert again.status_code == 302 and again["Location"] == PAGE
    assert client.post(PAGE, {"name": "script"}).status_code == 200
    assert ApiToken.objects.filter(user=world.hki_coordinator).count() == 1


def test_while_required_who_has_none_sets_it_up_first(world, client_for, required):
    response = client_for(world.hki_staff).post(PAGE, {"name": "script"})
    assert response["Location"].startswith(reverse("twofactor-enrol"))
    assert not ApiToken.objects.exists()


def test_when_not_required_only_who_has_one_is_asked(world, client_for):
    assert client_for(world.hki_staff).post(PAGE, {"name": "a"}).status_code == 200
    enrolled(world.hki_coordinator)
    response = client_for(world.hki_coordinator).post(PAGE, {"name": "a"})
    assert response["Location"].startswith(reverse("twofactor-verify"))
    assert not ApiToken.objects.filter(user=world.hki_coordinator).exists()
