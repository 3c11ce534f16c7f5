"""A reset of a person's second factor by another coordinator of their side shuts out
whoever holds their phone or a session: all their sessions end (every browser), their API
tokens are revoked (the api hears ``twofactor.signals.revoke_access``), and each step is in
the security log."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.test import APIClient

from api import secrets
from api.models import ApiToken
from partners.models import Role
from security.models import Kind, SecurityEvent
from tests.conftest import _user
from tests.twofactor.helpers import enrolled
from twofactor import services, signals
from twofactor.models import PersonSession

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"


@pytest.fixture
def colleague(world):
    """A second coordinator of Helsinki's side."""
    return _user("hki_coordinator_2", city=world.helsinki, role=Role.COORDINATOR)


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_each_session_records_whose_it_is(world, client, client_for):
    laptop, phone = client_for(world.hki_coordinator), client_for(world.hki_coordinator)
    assert PersonSession.objects.filter(user=world.hki_coordinator).count() == 2
    assert laptop.get("/profile/").status_code == 200
    # An anonymous session is nobody's; logging out ends the session.
    client.get(reverse("login"))
    client.session.save()
    assert PersonSession.objects.filter(user__isnull=True).exists()
    phone.post(reverse("logout"))
    assert PersonSession.objects.filter(user=world.hki_coordinator).count() == 1


def test_a_reset_logs_out_every_browser_and_revokes_the_tokens(world, colleague, client_for):
    person = world.hki_coordinator
    enrolled(person)
    laptop, phone = client_for(person), client_for(person)
    _token, key = ApiToken.issue(user=person, name="reporting script")
    _revoked, _old_key = ApiToken.issue(user=person, name="old script")
    _revoked.revoke()
    other_token, other_key = ApiToken.issue(user=colleague, name="colleague's script")
    assert laptop.get("/profile/").status_code == 200
    assert bearer(key).get(ACTIVITIES).status_code == 200
    resetter = client_for(colleague)

    assert resetter.post(reverse("twofactor-reset", args=[person.pk])).status_code == 302

    for browser in (laptop, phone):
        response = browser.get("/profile/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not PersonSession.objects.filter(user=person).exists()
    assert bearer(key).get(ACTIVITIES).status_code == 401
    assert not ApiToken.objects.active().filter(user=person).exists()
    # Nobody else's sessions or tokens.
    assert resetter.get("/profile/").status_code == 200
    assert bearer(other_key).get(ACTIVITIES).status_code == 200

    records = list(
        SecurityEvent.objects.filter(subject=person)
        .exclude(kind__in=[Kind.LOGIN, Kind.ROLE_CHANGED])
        .order_by("id")
    )
    kinds = [r.kind for r in records]
    assert kinds == [Kind.TOKEN_REVOKED, Kind.TWO_FACTOR_RESET, Kind.SESSIONS_ENDED]
    for record in records:
        assert record.actor_id == colleague.pk and record.city_id == world.helsinki.pk
        assert record.ip_address == "127.0.0.1"
    assert records[0].detail == {
        "token": _token.pk,
        "name": "reporting script",
        "because": "two_factor_reset",
    }
    assert records[2].detail == {"sessions": 2, "because": "two_factor_reset"}
    assert key not in str([r.detail for r in records])


def test_the_reset_and_what_it_revokes_stand_or_fall_together(world, colleague, client_for):
    person = world.hki_coordinator
    enrolled(person)
    browser = client_for(person)
    _token, key = ApiToken.issue(user=person, name="script")

    def fail(**kwargs):
        raise RuntimeError("a receiver failed")

    signals.revoke_access.connect(fail, weak=False, dispatch_uid="test_fail")
    try:
        with pytest.raises(RuntimeError):
            services.reset(by=colleague, person=person, request=None)
    finally:
        signals.revoke_access.disconnect(dispatch_uid="test_fail")
    assert services.is_enrolled(person)
    assert browser.get("/profile/").status_code == 200
    assert bearer(key).get(ACTIVITIES).status_code == 200
    assert not SecurityEvent.objects.filter(
        kind__in=[Kind.TWO_FACTOR_RESET, Kind.SESSIONS_ENDED, Kind.TOKEN_REVOKED]
    ).exists()


def test_a_refused_reset_ends_nothing(world, client_for):
    person = world.hki_coordinator
    enrolled(person)
    browser = client_for(person)
    _token, key = ApiToken.issue(user=person, name="script")
    other_side = client_for(world.bj_coordinator)
    assert other_side.post(reverse("twofactor-reset", args=[person.pk])).status_code == 403
    assert browser.get("/profile/").status_code == 200
    assert bearer(key).get(ACTIVITIES).status_code == 200
    assert not SecurityEvent.objects.filter(kind=Kind.SESSIONS_ENDED).exists()


def test_revoking_all_tokens_of_nobody_revokes_nothing(world):
    assert secrets.revoke_all_tokens(user=world.hki_staff, by=world.admin) == 0
    assert not SecurityEvent.objects.filter(kind=Kind.TOKEN_REVOKED).exists()


def test_the_migration_keeps_the_signed_in_sessions(world):
    import importlib

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module("twofactor.migrations.0001_person_sessions")
    old = DjangoStore()
    old["_auth_user_id"] = str(world.hki_staff.pk)
    old.create()
    expired = Session.objects.create(
        session_key="x" * 32, session_data=old.encode({}), expire_date=timezone.now()
    )
    migration.keep_signed_in(apps, None)
    moved = PersonSession.objects.get(session_key=old.session_key)
    assert moved.user_id == world.hki_staff.pk
    assert not PersonSession.objects.filter(session_key=expired.session_key).exists()
    # The cookie it had still works with the new engine.
    from twofactor.sessions import SessionStore

    assert SessionStore(old.session_key).load()["_auth_user_id"] == str(world.hki_staff.pk)
