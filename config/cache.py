"""A Redis cache that degrades to "miss" instead of failing the request when Redis is down.

Sessions (cached_db) and login throttling use the cache; with Redis unreachable they fall back
to the database and to "not throttled", so autosave keeps working through a Redis outage.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
_OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _forgiving(default):
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _OUTAGE:
                log.warning("cache unavailable during %s; carrying on without it", method.__name__)
                return default(*args, **kwargs) if callable(default) else default

        return call

    return wrap


class ForgivingRedisCache(RedisCache):
    get = _forgiving(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _forgiving({})(RedisCache.get_many)
    set = _forgiving(None)(RedisCache.set)
    add = _forgiving(True)(RedisCache.add)
    delete = _forgiving(False)(RedisCache.delete)
    set_many = _forgiving([])(RedisCache.set_many)
    has_key = _forgiving(False)(RedisCache.has_key)
    touch = _forgiving(False)(RedisCache.touch)

    @_forgiving(0)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)
