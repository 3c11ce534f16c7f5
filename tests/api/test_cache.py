"""The cache: Redis when REDIS_URL is set, so that request rates hold across
worker processes; local memory otherwise (and in tests). The Redis tests run against the real
server when REDIS_URL is set (CI), each under a key prefix of its own, and clean up."""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from api.throttles import UserThrottle, recorded
from config.settings import _caches
from core.cache import RedisCache

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
REDIS = "core.cache.RedisCache"
LOCAL = "django.core.cache.backends.locmem.LocMemCache"


def test_redis_when_an_address_is_given_local_memory_otherwise():
    url = "redis://127.0.0.1:6379/3"
    assert _caches(url, testing=False)["default"]["BACKEND"] == REDIS
    assert _caches(url, testing=False)["default"]["LOCATION"] == url
    assert _caches("", testing=False)["default"]["BACKEND"] == LOCAL
    # The suite keeps each process's own memory, whatever CI sets.
    assert _caches(url, testing=True)["default"]["BACKEND"] == LOCAL
    with pytest.raises(ImproperlyConfigured):
        _caches("memcached://127.0.0.1", testing=False)


def _worker_cache(prefix: str) -> RedisCache:
    """A cache as one worker process has it: its own client and connections."""
    return RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})


class _View(APIView):
    pass


def _allowed(cache, user, rate="3/min") -> bool:
    throttle = UserThrottle()
    throttle.cache = cache
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    request = APIRequestFactory().get("/api/v1/plans/")
    force_authenticate(request, user=user)
    view = _View()
    return throttle.allow_request(view.initialize_request(request), view)


@needs_redis
def test_two_workers_share_one_request_count(world):
    prefix = f"test-{uuid.uuid4().hex}"
    first, second = _worker_cache(prefix), _worker_cache(prefix)
    assert first._cache is not second._cache
    user = world.official
    try:
        # 3 a minute for the user, whichever worker answers.
        assert [_allowed(first, user), _allowed(second, user), _allowed(first, user)] == [True] * 3
        assert not _allowed(second, user)
        assert not _allowed(first, user)
        # Another user has their own count.
        assert _allowed(second, world.hki_staff)
    finally:
        for who in (world.official, world.hki_staff):
            first.delete(f"throttle_user_{who.pk}:times")
    assert recorded(first, f"throttle_user_{user.pk}") == 0


@needs_redis
def test_the_api_counts_requests_in_redis(world, api_for):
    prefix = f"test-{uuid.uuid4().hex}"
    redis = {"default": {"BACKEND": REDIS, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    rates = {"anon": "60/min", "user": "2/min"}
    from rest_framework.settings import api_settings

    with (
        override_settings(CACHES=redis),
        override_settings(
            REST_FRAMEWORK={**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}
        ),
    ):
        client = api_for(world.official)
        codes = [client.get("/api/v1/plans/").status_code for _ in range(3)]
        key = f"throttle_user_{world.official.pk}"
        other_worker = _worker_cache(prefix)
        try:
            assert codes == [200, 200, 429]
            assert recorded(other_worker, key) == 2  # the count is in Redis, seen by any worker
        finally:
            other_worker.delete(f"{key}:times")


@needs_redis
def test_a_refused_request_says_when_to_come_back(world):
    prefix = f"test-{uuid.uuid4().hex}"
    cache = _worker_cache(prefix)
    try:
        assert [_allowed(cache, world.official, "2/min") for _ in range(3)] == [True, True, False]
        throttle = UserThrottle()
        throttle.cache, throttle.rate = cache, "2/min"
        throttle.num_requests, throttle.duration = throttle.parse_rate("2/min")
        request = APIRequestFactory().get("/api/v1/plans/")
        force_authenticate(request, user=world.official)
        assert not throttle.allow_request(_View().initialize_request(request), _View())
        assert 0 < throttle.wait() <= 60
    finally:
        cache.delete(f"throttle_user_{world.official.pk}:times")


@needs_redis
def test_one_redis_client_per_process_the_entries_djangos_own():
    prefix = f"test-{uuid.uuid4().hex}"
    ours, djangos = _worker_cache(prefix), DjangoRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    try:
        assert ours._cache.get_client() is ours._cache.get_client(write=True)
        ours.set("greeting", {"en": "hello"}, 30)
        assert djangos.get("greeting") == {"en": "hello"}
    finally:
        ours.delete("greeting")


@needs_redis
def test_a_tokens_rate_is_checked_while_the_database_answers_and_undone_if_refused(
    world, token_for, monkeypatch
):
    """api.throttles.Early: from a token's second request on, the user's check is sent to
    Redis before the token's query and read after it; the same count and the same 429. A
    revoked token's early check is taken back out: it never counts against its person."""
    from rest_framework.settings import api_settings

    from api import authentication, throttles
    from api.models import ApiToken

    prefix = f"test-{uuid.uuid4().hex}"
    redis = {"default": {"BACKEND": REDIS, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    rates = {"anon": "60/min", "user": "3/min"}
    taken = []
    real_take = throttles.take
    monkeypatch.setattr(
        throttles, "take", lambda request, key: taken.append(real_take(request, key)) or taken[-1]
    )
    authentication.forget_people()
    key = f"throttle_user_{world.official.pk}"
    other_worker = _worker_cache(prefix)
    with (
        override_settings(CACHES=redis),
        override_settings(
            REST_FRAMEWORK={**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}
        ),
    ):
        try:
            client = token_for(world.official)
            assert client.get("/api/v1/plans/").status_code == 200
            assert client.get("/api/v1/plans/").status_code == 200
            assert [t is not None for t in taken] == [False, True]  # the second one early
            assert recorded(other_worker, key) == 2
            ApiToken.objects.filter(user=world.official).update(revoked_at="2026-01-01T00:00Z")
            assert client.get("/api/v1/plans/").status_code == 401
            assert recorded(other_worker, key) == 2  # sent early, then taken back
            fresh = token_for(world.official, name="second")
            codes = [fresh.get("/api/v1/plans/").status_code for _ in range(2)]
            assert codes == [200, 429]
        finally:
            other_worker.delete(f"{key}:times")
            authentication.forget_people()
