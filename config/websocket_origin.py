"""The websocket origin check: a socket opens only from a page of this very site.

Channels' `AllowedHostsOriginValidator` compares the Origin's host with ALLOWED_HOSTS and nothing
else, so a page served from another port of the same host (http://127.0.0.1:9999) could open the
live socket with the visitor's cookies: browsers do not keep cookies apart by port. This keeps
that host check and also requires the Origin's scheme, host and port to be the socket's own (the
Host it was opened on, https when the connection or the TLS proxy's SECURE_PROXY_SSL_HEADER says
so), as Django's CSRF check does for forms, or to be one of CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.http.request import is_same_domain, split_domain_port

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _origin_tuple(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a malformed port
        return None
    if not parts.hostname or port is None:
        return None
    return scheme, parts.hostname.lower(), port


def _secure(scope) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        header, value = proxy_header
        name = header.removeprefix("HTTP_").lower().replace("_", "-").encode()
        sent = _header(scope, name)
        return sent is not None and sent.split(",")[0].strip() == value
    return False


def _trusted_origin(origin: tuple[str, str, int]) -> bool:
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        parts = urlsplit(entry)
        if "*" in parts.netloc:  # https://*.example.com, as Django's CSRF check reads it
            # The port counts here too: a wildcard without one means the scheme's default port.
            domain, port = split_domain_port(parts.netloc.split("*", 1)[1])
            wanted = int(port) if port else _DEFAULT_PORTS.get(parts.scheme)
            if (
                parts.scheme == origin[0]
                and is_same_domain(origin[1], domain)
                and wanted == origin[2]
            ):
                return True
        elif _origin_tuple(parts.scheme, parts.netloc) == origin:
            return True
    return False


def same_origin(scope) -> bool:
    """Whether the socket's Origin is this site as the browser reached it."""
    origin_header = _header(scope, b"origin")
    if not origin_header:
        return False
    parts = urlsplit(origin_header)
    origin = _origin_tuple(parts.scheme, parts.netloc) if parts.scheme in _DEFAULT_PORTS else None
    if origin is None:
        return False
    if _trusted_origin(origin):
        return True
    host = _header(scope, b"host") or ""
    domain, _ = split_domain_port(host)
    own = _origin_tuple("https" if _secure(scope) else "http", host) if domain else None
    return own == origin


class SameOriginValidator(OriginValidator):
    """ALLOWED_HOSTS for the Origin's host (Channels' semantics), then scheme, host and port."""

    def __init__(self, application):
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = ["localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, allowed)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await super().__call__(scope, receive, send)
