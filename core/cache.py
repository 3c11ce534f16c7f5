"""Django's Redis cache with one client per connection pool, made once per process.

Django's backend (``django.core.cache.backends.redis``) builds a new ``redis.Redis`` for
every command, and redis-py fills a table of about 170 response callbacks each time: about
0.2 ms, more than the command's own round trip on loopback. An API request asks the cache
two or three times, so this was a large part of a 304. A ``redis.Redis`` on a connection
pool is safe to share between threads, and its pool reconnects after a fork; keys, values,
prefixes and timeouts are Django's own, so the two backends read each other's entries.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
