"""Request rates per client (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], set from the environment).

DRF's own classes copy the rates when they are imported; these read them on every request,
so that a test (or a settings override) can lower them.

With the cache in Redis (REDIS_URL), a client's requests are kept there as a sorted set of
times and checked and recorded by one script, in one round trip that no other worker can
come between: DRF reads the whole list of times, then writes it back whole (two round trips
and a pickled list as long as the rate, and two workers may each write over the other's
request). The rule is DRF's: a request is refused when the rate's number of requests were
let through in its period before it. Without Redis, each process counts in its own memory,
as DRF does.
"""

from __future__ import annotations

import os

from django.core.cache import cache as default_cache
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from redis import exceptions as redis_errors
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

# KEYS[1]: the client's sorted set; ARGV: now, period in seconds, requests allowed in it, a
# name for this request. Answers whether it is let through, how many the period then holds,
# and the oldest time it holds (for Retry-After).
RECORD = """
local now, period, allowed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local count = redis.call('ZCARD', KEYS[1])
local passes = count < allowed
if passes then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], period)
  count = count + 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or ARGV[1]
return {passes and 1 or 0, count, oldest}
"""

# redis-py's Script: EVALSHA on whichever client it is given, loading the script first on a
# server that does not know it yet.
_script = None


def redis_of(cache) -> RedisCache | None:
    """The Redis cache behind ``cache`` (a backend or django.core.cache.cache), else None."""
    if isinstance(cache, ConnectionProxy):
        cache = caches[cache._alias]
    return cache if isinstance(cache, RedisCache) else None


def log_key(cache: RedisCache, key: str) -> str:
    """Where the times of ``key`` (DRF's cache key) are kept: a sorted set, not a cache value."""
    return cache.make_key(f"{key}:times")


def recorded(cache, key: str) -> int:
    """How many requests ``key`` holds now (for the tests and a curious administrator)."""
    redis = redis_of(cache)
    return redis._cache.get_client(write=True).zcard(log_key(redis, key))


class Early:
    """A user's check sent to Redis before the token's database query, its answer read when
    the view checks its rates: the two round trips overlap (a 304 makes nothing else).

    Sent only by ``send_early`` for a view whose ``initial`` settles it (api.base); the
    answer is then read by the user throttle (``take``) or, if the request never got there
    (a refused token, an error), by ``settle``, which takes the request back out."""

    def __init__(self, key: str, member: str, now: float, connection, pool):
        self.key, self.member, self.now = key, member, now
        self.connection, self.pool = connection, pool

    def answer(self):
        try:
            return self.connection.read_response()
        except redis_errors.NoScriptError:
            return None  # a server that does not know the script yet: checked as usual
        except Exception:
            self.connection.disconnect()
            raise
        finally:
            self.pool.release(self.connection)


def _user_throttle(view) -> type | None:
    for throttle in getattr(view, "throttle_classes", ()):
        if issubclass(throttle, UserThrottle):
            return throttle
    return None


def send_early(request, view, user_id: int) -> None:
    """Send the user rate's check for ``user_id`` now, read its answer later (``Early``)."""
    throttle_class = _user_throttle(view)
    redis = redis_of(default_cache)
    if throttle_class is None or redis is None or _script is None:
        return
    throttle = throttle_class()
    if throttle.rate is None or throttle.cache is not default_cache:
        return
    key = throttle.cache_format % {"scope": throttle.scope, "ident": user_id}
    pool = redis._cache.get_client(write=True).connection_pool
    connection = pool.get_connection()
    now, member = throttle.timer(), os.urandom(8).hex()
    try:
        connection.send_command(
            "EVALSHA",
            _script.sha,
            1,
            log_key(redis, key),
            repr(now),
            throttle.duration,
            throttle.num_requests,
            member,
        )
    except Exception:
        connection.disconnect()
        pool.release(connection)
        return  # checked as usual
    request._request.early_throttle = Early(key, member, now, connection, pool)


def take(request, key: str) -> tuple[Early, list] | None:
    """The early check of ``key`` and its answer, if one was sent for this request."""
    early = getattr(request._request, "early_throttle", None)
    if early is None or early.key != key:
        return None
    request._request.early_throttle = None
    answer = early.answer()
    return None if answer is None else (early, answer)


def settle(request) -> None:
    """An early check nobody took (the token was refused, or the view failed before its
    rates): read its answer and take the request back out of the user's count."""
    early = getattr(request._request, "early_throttle", None)
    if early is None:
        return
    request._request.early_throttle = None
    try:
        answer = early.answer()
        if answer and int(answer[0]):
            redis = redis_of(default_cache)
            redis._cache.get_client(write=True).zrem(log_key(redis, early.key), early.member)
    except redis_errors.RedisError:
        pass  # counted once too often, for at most one period


class _CurrentRates:
    _in_redis: tuple[int, float] | None = None

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:  # e.g. the anonymous rate for a signed-in request
            return True
        redis = redis_of(self.cache)
        if redis is None:
            return super().allow_request(request, view)
        early = take(request, self.key)
        if early is not None:
            self.now = early[0].now
            passes, count, oldest = early[1]
        else:
            self.now = self.timer()
            global _script
            client = redis._cache.get_client(write=True)
            if _script is None:
                _script = client.register_script(RECORD)
            passes, count, oldest = _script(
                keys=[log_key(redis, self.key)],
                args=[repr(self.now), self.duration, self.num_requests, os.urandom(8).hex()],
                client=client,
            )
        self._in_redis = (int(count), float(oldest))
        return bool(passes)

    def wait(self):
        if self._in_redis is None:
            return super().wait()
        count, oldest = self._in_redis
        available = self.num_requests - count + 1
        if available <= 0:
            return None
        return (self.duration - (self.now - oldest)) / available


class AnonThrottle(_CurrentRates, AnonRateThrottle):
    """Anonymous requests, and requests with a refused token, by client address."""


class UserThrottle(_CurrentRates, UserRateThrottle):
    """Signed-in requests (session or token), by user."""
