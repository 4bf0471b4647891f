"""The Django cache on Redis, made to fail open.

The cache only holds what can be rebuilt or forgotten (the public forms' rate-limit counters),
so Redis being down must not take the site down: ``ResilientRedisCache`` turns a connection
error or timeout into a miss — ``get`` returns the default, ``add``/``set``/``delete`` report
nothing stored, ``incr`` reports no count — and logs one warning per ``WARN_EVERY`` seconds
and process. django-ratelimit then lets requests through (RATELIMIT_FAIL_OPEN): while Redis is
down the public forms are not rate-limited (their honeypot and timing checks still apply).
Timeouts are short (ANLAN_REDIS_TIMEOUT seconds), so an unreachable Redis costs a request at
most that long per cache call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("anlan.cache")

WARN_EVERY = 60.0


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError)


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def _failed(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= WARN_EVERY:
            ResilientRedisCache._last_warning = now
            logger.warning(
                "Cache (Redis) unavailable, %s treated as a miss; rate limits are off until it "
                "returns: %s",
                operation,
                exc,
            )

    def _guard(self, operation: str, call, fallback):
        try:
            return call()
        except _redis_errors() as exc:
            self._failed(operation, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key, default=None, version=None):
        return self._guard(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._guard(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys, version=None):
        return self._guard(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key, version=None):
        return self._guard(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    def incr(self, key, delta=1, version=None):
        return self._guard(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), None
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete_many(self, keys, version=None):
        return self._guard(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), False)
