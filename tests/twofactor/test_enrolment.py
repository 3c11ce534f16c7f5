"""Setting up two-factor login (QR code drawn here, the key as text), the recovery codes shown
once and made anew, and the enforcement: who must have it sees nothing else until set up."""

from __future__ import annotations

import re
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.twofactor.helpers import code, enrolled, password_step, second_step
from twofactor import services

pytestmark = pytest.mark.django_db

ENROL = "/profile/two-factor/set-up/"


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    return request


def test_enrol_confirms_only_with_a_right_code(world, sent):
    user = world.hki_staff
    device = services.start_enrolment(user)
    assert services.start_enrolment(user) == device  # one set-up, kept across page loads
    request = _request(user)
    with pytest.raises(ValidationError):
        services.enrol(user=user, code="abc", request=request)
    device.refresh_from_db()
    assert not device.confirmed and not services.is_enrolled(user) and not sent
    codes = services.enrol(user=user, code=code(device), request=request)
    assert services.is_enrolled(user) and len(codes) == len(set(codes)) == 10
    assert services.recovery_codes_left(user) == 10
    assert services.is_recent(request.session)
    assert sent == [
        ("enrolled", {"user": user, "request": request, "signal": sent[0][1]["signal"]})
    ]


def test_the_set_up_page_shows_a_local_qr_code_and_the_key(world, client_for):
    client = client_for(world.hki_coordinator)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].count("no-store")
    assert 'src="data:image/svg+xml' in html  # drawn here: nothing fetched from elsewhere
    secret = re.search(r'id="twofactor-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=world.hki_coordinator, confirmed=False)
    assert secret.replace(" ", "") == services.secret_text(device).replace(" ", "")

    assert client.post(ENROL, {"code": "12"}).status_code == 400
    done = client.post(ENROL, {"code": code(device), "next": "/profile/"})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    assert len(shown) == 10 and 'href="/profile/"' in done.content.decode()
    # Shown once: the page now says it is on, and shows no code.
    assert client.get(ENROL)["Location"] == reverse("twofactor-settings")
    overview = client.get(reverse("twofactor-settings")).content.decode()
    assert "10 recovery codes left" in overview and shown[0] not in overview


def test_new_recovery_codes_need_a_recent_second_factor(world, client_for, sent, settings):
    device, old = enrolled(world.hki_coordinator)
    client = client_for(world.hki_coordinator)
    response = client.post(reverse("twofactor-codes"))
    assert response["Location"].startswith(reverse("twofactor-verify"))
    assert services.recovery_codes_left(world.hki_coordinator) == 10
    assert second_step(client, code(device)).status_code == 302
    response = client.post(reverse("twofactor-codes"))
    assert response.status_code == 200
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert sent[-1][0] == "codes_regenerated"
    # The old ones stop working.
    client.post(reverse("logout"))
    password_step(client, world.hki_coordinator)
    assert second_step(client, old[0], recovery=True).status_code == 400
    assert second_step(client, new[0], recovery=True).status_code == 302


def test_without_a_second_factor_there_are_no_recovery_codes_to_make(world, client_for):
    client = client_for(world.hki_staff)
    response = client.post(reverse("twofactor-codes"), follow=True)
    assert "Set up two-factor login first." in response.content.decode()


# --- enforcement ----------------------------------------------------------------------------


def test_a_coordinator_without_it_is_sent_to_set_it_up_and_sees_nothing_else(
    world, client, required
):
    response = password_step(client, world.hki_coordinator, next_url="/profile/")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.hki_coordinator.pk)
    for url in ["/profile/", "/dashboard/", "/profile/tokens/", "/manage/"]:
        held = client.get(url)
        assert held.status_code == 302 and held["Location"].startswith(ENROL), url
    api = client.get("/api/v1/activities/")
    assert api.status_code == 403 and "second factor" in api.json()["detail"]
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=world.hki_coordinator)
    client.post(ENROL, {"code": code(device)})
    assert client.get("/profile/").status_code == 200
    assert client.get("/api/v1/activities/").status_code == 200


def test_admin_users_too(world, client_for, required):
    client = client_for(world.admin)
    assert client.get("/admin/")["Location"].startswith(ENROL)
    enrolled(world.admin)
    # Set up, but this session gave no code: the second step first.
    assert client.get("/admin/")["Location"].startswith(reverse("twofactor-verify"))


def test_agency_staff_and_officials_are_not_held(world, client_for, required):
    for user in (world.hki_staff, world.official):
        assert client_for(user).get("/profile/").status_code == 200


def test_nothing_is_held_when_not_required(world, client_for):
    assert client_for(world.hki_coordinator).get("/profile/").status_code == 200


def test_a_verified_session_goes_on_for_its_life(world, client, required):
    device, _codes = enrolled(world.hki_coordinator)
    password_step(client, world.hki_coordinator)
    second_step(client, code(device))
    session = client.session
    session[services.VERIFIED_AT] = time.time() - 3600 * 4
    session.save()
    assert client.get("/profile/").status_code == 200
