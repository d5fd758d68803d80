"""Failed-login throttling per username and per client address, for every login form.

Counts live in the database (`LoginFailureWindow`), so the throttle holds while Redis is down.
The failures are counted from Django's `user_login_failed` signal, which every form that checks a
password sends (the site's login and the admin's); the forms refuse while a count is over its
limit (`accounts.forms.ThrottledLoginMixin`).

The client address is the TCP peer, unless that peer is one of `TRUSTED_PROXIES`: then the
`X-Forwarded-For` entries are read from the right, each one trusted only while the hop that wrote
it is a trusted proxy. Anything a client writes into the header itself is never reached.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import LoginFailureWindow

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.cache
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The address of the client, as far as the trusted proxies vouch for it."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return request.META.get("REMOTE_ADDR", "")[:64]
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while _trusted(peer) and hops:
        forwarded = _parse(hops.pop())
        if forwarded is None:
            break
        peer = forwarded
    if peer.version == 6:  # one client may hold a whole /64
        return str(ipaddress.ip_network(f"{peer}/64", strict=False))
    return str(peer)


def _keys(username: str, address: str) -> tuple[str, str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return f"user:{digest}", f"ip:{address}"


def login_blocked(username: str, address: str) -> bool:
    user_key, ip_key = _keys(username, address)
    counts = dict(
        LoginFailureWindow.objects.filter(
            key__in=[user_key, ip_key], expires_at__gt=timezone.now()
        ).values_list("key", "failures")
    )
    return (
        counts.get(user_key, 0) >= settings.LOGIN_FAILURES_PER_USER
        or counts.get(ip_key, 0) >= settings.LOGIN_FAILURES_PER_IP
    )


def login_failed(username: str, address: str) -> None:
    now = timezone.now()
    LoginFailureWindow.objects.filter(expires_at__lte=now - timedelta(hours=1)).delete()
    for key in _keys(username, address):
        _count_failure(key, now)


def _count_failure(key: str, now) -> None:
    """Add one failure to the key's window, starting a new window when the old one is over.

    1. Inside the window: one conditional UPDATE adds it.
    2. Window over: one conditional UPDATE restarts it (only one of two racing requests matches;
       the other sees the new window on its next turn).
    3. No row yet: insert one; a racing insert wins and we go round again.
    """
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    rows = LoginFailureWindow.objects.filter(key=key)
    for _ in range(3):
        if rows.filter(expires_at__gt=now).update(failures=F("failures") + 1):
            return
        if rows.filter(expires_at__lte=now).update(failures=1, expires_at=now + window):
            return
        try:
            with transaction.atomic():
                LoginFailureWindow.objects.create(key=key, failures=1, expires_at=now + window)
            return
        except IntegrityError:
            continue


def login_succeeded(username: str) -> None:
    LoginFailureWindow.objects.filter(key=_keys(username, "")[0]).delete()
