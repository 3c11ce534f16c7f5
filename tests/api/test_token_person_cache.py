"""A token's person is read from the cache under the change stamp, but whether the token may
be used at all is read live on every request: a revoked token or a deactivated person is
refused at once, and a changed role or side counts at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api import secrets
from api.models import ApiToken
from partners.models import Role
from partners.services import update_person

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ACTIVITIES = "/api/v1/activities/"


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_the_person_comes_from_the_cache_once_read(world):
    _token, key = ApiToken.issue(user=world.hki_coordinator, name="x")
    client = bearer(key)
    assert client.get("/api/v1/plans/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/plans/").status_code == 200
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert "partners_profile" not in sql
    assert "key_hash" in sql  # the token's validity: read every time


def test_a_revoked_token_is_refused_at_once(world):
    token, key = ApiToken.issue(user=world.hki_coordinator, name="x")
    client = bearer(key)
    assert client.get(ACTIVITIES).status_code == 200
    assert secrets.revoke_token(user=world.hki_coordinator, token=token)
    assert client.get(ACTIVITIES).status_code == 401
    assert client.get(ACTIVITIES).status_code == 401


def test_a_person_deactivated_is_refused_at_once(world):
    _token, key = ApiToken.issue(user=world.official, name="x")
    client = bearer(key)
    assert client.get(ACTIVITIES).status_code == 200
    update_person(user=world.hki_coordinator, person=world.official, is_active=False)
    assert client.get(ACTIVITIES).status_code == 401
    # Even if the change left no trace in the history: whether a person may sign in is
    # read live, not from the cache.
    update_person(user=world.hki_coordinator, person=world.official, is_active=True)
    assert client.get(ACTIVITIES).status_code == 200
    type(world.official).objects.filter(pk=world.official.pk).update(is_active=False)
    assert client.get(ACTIVITIES).status_code == 401


def test_a_role_changed_counts_at_once(world):
    theme = world.themes[0]
    _token, key = ApiToken.issue(user=world.hki_coordinator, name="x")
    client = bearer(key)
    url = f"/api/v1/themes/{theme.pk}/"
    assert client.patch(url, {"name": {"en": "Renamed"}}, format="json").status_code == 200
    update_person(user=world.admin, person=world.hki_coordinator, role=Role.OFFICIAL)
    assert client.patch(url, {"name": {"en": "Again"}}, format="json").status_code == 403
    assert client.get(url).json()["name"]["en"] == "Renamed"


def test_each_request_has_its_own_copy_of_the_person(world):
    from api.authentication import person_of
    from api.stamps import change_stamp

    token, _key = ApiToken.issue(user=world.hki_coordinator, name="x")
    stamp = change_stamp()
    first, _profile = person_of(token.pk, stamp)
    first.user.first_name = "Changed by a request that then failed"
    again, profile = person_of(token.pk, stamp)
    assert again.user is not first.user
    assert again.user.first_name == world.hki_coordinator.first_name
    assert profile.pk == world.hki_coordinator.profile.pk
