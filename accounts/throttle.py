"""Failed-login throttling: counts in the cache per username and per address, with a window."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> tuple[str, str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:user:{digest}", f"login-fail:ip:{address}"


def login_blocked(username: str, address: str) -> bool:
    user_key, ip_key = _keys(username, address)
    counts = cache.get_many([user_key, ip_key])
    return (
        counts.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_USER
        or counts.get(ip_key, 0) >= settings.LOGIN_FAILURES_PER_IP
    )


def login_failed(username: str, address: str) -> None:
    for key in _keys(username, address):
        # add() starts the window on the first failure; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_succeeded(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
