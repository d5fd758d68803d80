"""Per-user rate limits for the pages whose work the user triggers at will (preview, compare).

Their work is bounded already (interviews.markdown, interviews.compare); this bounds how often a
person can ask for it. Counts sit in the cache: a window starts with the first request and holds
at most `limit` of them. With the cache down the limit is not enforced (the work stays bounded).
"""

from __future__ import annotations

from django.core.cache import cache


def rate_allowed(*, kind: str, user_id: int, limit: int, window_seconds: int = 60) -> bool:
    key = f"rate:{kind}:{user_id}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return True
