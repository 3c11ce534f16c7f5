"""Personal API tokens: created on the profile page (the key shown once, only its hash
kept), used as a Bearer token with the user's permissions, revoked, then refused."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, CalendarFeed
from cooperation.models import Activity

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

PAGE = "/profile/tokens/"
ACTIVITIES = "/api/v1/activities/"


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def create_token(client, name="reporting script") -> str:
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]
    match = re.search(r"<code[^>]*>(sct_[A-Za-z0-9_-]+)</code>", response.content.decode())
    assert match, "the new key is shown"
    return match.group(1)


def test_the_lifecycle_create_use_revoke_refused(world, client_for):
    page = client_for(world.hki_staff)
    key = create_token(page)

    # Only the hash and a short prefix are stored.
    token = ApiToken.objects.get(user=world.hki_staff)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12]
    for value in ApiToken.objects.filter(pk=token.pk).values().get().values():
        assert str(value) != key

    # The key is never shown again.
    assert key not in page.get(PAGE).content.decode()

    # It works, with the user's permissions: the staff member may change their activity.
    client = bearer(key)
    assert client.get(ACTIVITIES).status_code == 200
    response = client.patch(
        f"{ACTIVITIES}{world.hki_activity.pk}/", {"outcomes": {"en": "Report."}}, format="json"
    )
    assert response.status_code == 200
    assert Activity.objects.get(pk=world.hki_activity.pk).updated_by == world.hki_staff
    # …and no more: not the Beijing-led activity.
    response = client.patch(
        f"{ACTIVITIES}{world.bj_activity.pk}/", {"outcomes": {"en": "Report."}}, format="json"
    )
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.last_used_at is not None

    # Revoked on the page: refused from then on.
    response = page.post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get(ACTIVITIES)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_last_used_is_written_at_most_once_a_minute(world):
    token, key = ApiToken.issue(user=world.official, name="x")
    client = bearer(key)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/plans/")
        token.refresh_from_db()
        first = token.last_used_at
        assert first == start
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get("/api/v1/plans/")
        token.refresh_from_db()
        assert token.last_used_at == first
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        client.get("/api/v1/plans/")
        token.refresh_from_db()
        assert token.last_used_at == start + datetime.timedelta(seconds=61)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer sct_unknown",
        "Bearer a b",
        "Bearer " + "x" * 500,
        "Bearer sct_\u00e9t\u00e9",
        "bearer sct_unknown",
    ],
)
def test_bad_tokens_are_refused(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    response = client.get(ACTIVITIES)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_deactivated_users_token_is_refused(world):
    _token, key = ApiToken.issue(user=world.official, name="x")
    world.official.is_active = False
    world.official.save(update_fields=["is_active"])
    assert bearer(key).get(ACTIVITIES).status_code == 401


def test_only_the_owner_revokes_a_token(world, client_for):
    token, key = ApiToken.issue(user=world.hki_coordinator, name="x")
    assert (
        client_for(world.bj_coordinator).post(f"/profile/tokens/{token.pk}/revoke/").status_code
        == 404
    )
    assert client_for(world.admin).post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert bearer(key).get(ACTIVITIES).status_code == 200


def test_the_page_lists_only_the_users_tokens(world, client_for):
    ApiToken.issue(user=world.hki_coordinator, name="coordinator's script")
    ApiToken.issue(user=world.official, name="official's dashboard")
    content = client_for(world.official).get(PAGE).content.decode()
    assert "official&#x27;s dashboard" in content
    assert "coordinator" not in content


def test_a_token_needs_a_name_and_the_number_is_limited(world, client_for):
    page = client_for(world.official)
    assert page.post(PAGE, {"name": ""}).status_code == 400
    for n in range(20):
        ApiToken.issue(user=world.official, name=f"t{n}")
    response = page.post(PAGE, {"name": "one too many"})
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=world.official).count() == 20


def test_the_session_needs_csrf_for_writes_but_a_token_does_not(world):
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(world.hki_coordinator, backend="django.contrib.auth.backends.ModelBackend")
    url = f"{ACTIVITIES}{world.hki_activity.pk}/"
    assert session.patch(url, {"outcomes": {"en": "x"}}, format="json").status_code == 403
    _token, key = ApiToken.issue(user=world.hki_coordinator, name="x")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.patch(url, {"outcomes": {"en": "x"}}, format="json").status_code == 200


# --- the calendar address -------------------------------------------------------------------


def test_the_calendar_address_is_made_shown_once_regenerated_and_turned_off(world, client_for):
    page = client_for(world.hki_coordinator)
    response = page.post("/profile/calendar/")
    address = re.search(r"<code[^>]*>(http[^<]+\.ics)</code>", response.content.decode()).group(1)
    path = address.removeprefix("http://127.0.0.1:8000")
    feed = CalendarFeed.objects.get(user=world.hki_coordinator)
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    assert feed.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in page.get("/profile/calendar/").content.decode()
    anonymous = client_for(None)
    assert anonymous.get(path).status_code == 200

    # A new address: the old one stops working.
    response = page.post("/profile/calendar/")
    new_path = re.search(
        r"<code[^>]*>http://127.0.0.1:8000([^<]+\.ics)</code>", response.content.decode()
    )
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(new_path.group(1)).status_code == 200
    assert CalendarFeed.objects.active().filter(user=world.hki_coordinator).count() == 1

    page.post("/profile/calendar/revoke/")
    assert anonymous.get(new_path.group(1)).status_code == 404
    assert not CalendarFeed.objects.active().exists()


def test_administrators_see_and_revoke_tokens_but_never_their_keys(world, client_for):
    token, key = ApiToken.issue(user=world.official, name="dashboard")
    CalendarFeed.issue(user=world.official)
    admin = client_for(world.admin)
    page = admin.get("/admin/api/apitoken/")
    assert page.status_code == 200 and key not in page.content.decode()
    assert admin.get("/admin/api/calendarfeed/").status_code == 200
    assert admin.get("/admin/api/apitoken/add/").status_code == 403
    admin.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(key).get(ACTIVITIES).status_code == 401
    # Neither a token's nor a calendar address's row can be deleted: it is the record.
    feed = CalendarFeed.objects.get(user=world.official)
    assert admin.get(f"/admin/api/apitoken/{token.pk}/delete/").status_code == 403
    assert admin.get(f"/admin/api/calendarfeed/{feed.pk}/delete/").status_code == 403
    admin.post(
        "/admin/api/apitoken/", {"action": "delete_selected", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.filter(pk=token.pk).exists()


# --- the service behind the pages (api.secrets) ---------------------------------------------


def test_the_token_limit_is_the_services(world):
    from django.core.exceptions import ValidationError

    from api import secrets

    for n in range(secrets.MAX_ACTIVE_TOKENS):
        secrets.issue_token(user=world.hki_staff, name=f"script {n}")
    with pytest.raises(ValidationError):
        secrets.issue_token(user=world.hki_staff, name="one too many")
    assert ApiToken.objects.active().filter(user=world.hki_staff).count() == 20


def test_nobody_revokes_another_persons_token(world):
    from django.core.exceptions import PermissionDenied

    from api import secrets

    token, _key = secrets.issue_token(user=world.hki_staff, name="script")
    with pytest.raises(PermissionDenied):
        secrets.revoke_token(user=world.hki_coordinator, token=token)
    assert ApiToken.objects.get(pk=token.pk).is_active
    assert secrets.revoke_token(user=world.hki_staff, token=token) is True
    assert secrets.revoke_token(user=world.hki_staff, token=token) is False
