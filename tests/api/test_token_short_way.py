"""A token's request to /api/v1/ skips the middleware that serve only a browser's session
(api.middleware.SESSION_ONLY), and answers exactly as the full way would: the same headers,
the same person, the same language, the same door in the history."""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client

from api import middleware
from core.models import HistoryEntry

pytestmark = pytest.mark.django_db

# Headers the full way sets that a browser's session does not decide.
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Vary",
    "Content-Language",
)


@pytest.fixture
def sessions_opened(monkeypatch):
    calls = []
    real = SessionMiddleware.process_request
    monkeypatch.setattr(
        SessionMiddleware, "process_request", lambda self, r: calls.append(r.path) or real(self, r)
    )
    return calls


def _headers(response) -> dict:
    return {name: response.get(name) for name in SECURITY_HEADERS}


def test_a_tokens_read_skips_the_session_and_keeps_every_header(
    world, token_for, api_for, sessions_opened
):
    by_token = token_for(world.hki_coordinator).get("/api/v1/plans/")
    assert sessions_opened == []  # the short way
    by_session = api_for(world.hki_coordinator).get("/api/v1/plans/")
    assert sessions_opened == ["/api/v1/plans/"]  # the full way
    assert by_token.status_code == by_session.status_code == 200
    assert by_token.json() == by_session.json()
    assert _headers(by_token) == _headers(by_session)
    assert by_token["Content-Security-Policy"]
    assert "Set-Cookie" not in by_token.headers


def test_the_short_way_is_only_for_tokens_under_v1(world, token_for, sessions_opened):
    client = token_for(world.hki_coordinator)
    client.get("/api/schema/?format=json")
    client.get("/dashboard/")
    assert sessions_opened == ["/api/schema/", "/dashboard/"]
    Client().get("/api/v1/plans/", HTTP_AUTHORIZATION="Basic eDp5")
    assert sessions_opened[-1] == "/api/v1/plans/"


def test_the_token_not_the_session_says_who_asks(world, token_for):
    client = token_for(world.bj_coordinator)
    client.force_login(world.hki_coordinator, backend="django.contrib.auth.backends.ModelBackend")
    mine = {p["id"] for p in client.get("/api/v1/partnerships/").json()["results"]}
    theirs = {
        p["id"]
        for p in token_for(world.bj_coordinator).get("/api/v1/partnerships/").json()["results"]
    }
    assert mine == theirs
    refused = Client().get("/api/v1/plans/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/json")
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_errors_speak_the_asked_language_and_writes_name_the_api_door(world, token_for):
    client = token_for(world.hki_coordinator)
    answer = client.get("/api/v1/activities/?page_size=0", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400
    assert answer["Content-Language"] == "zh-hans"
    activity = world.hki_activity
    current = client.get(f"/api/v1/activities/{activity.pk}/")
    changed = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"title": {"en": "Renamed through a token", "zh-hans": "改名"}},
        format="json",
        HTTP_IF_MATCH=current["ETag"],
    )
    assert changed.status_code == 200, changed.content[:300]
    entry = HistoryEntry.objects.filter(object_id=str(activity.pk)).latest("pk")
    assert entry.door == "api"
    assert entry.actor_id == world.hki_coordinator.pk


def test_without_the_tail_every_request_takes_the_full_way(
    settings, world, token_for, sessions_opened
):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "api.middleware.ApiTailMiddleware"
    ]
    assert token_for(world.hki_coordinator).get("/api/v1/plans/").status_code == 200
    assert sessions_opened == ["/api/v1/plans/"]
    assert middleware.ApiTailMiddleware.latest is None
