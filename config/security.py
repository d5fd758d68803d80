"""Security middleware: a Content Security Policy and a request id on every response."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The request being served, for log lines (see config/logging.py).
current_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class ContentSecurityPolicyMiddleware:
    """Send the policy from settings.CONTENT_SECURITY_POLICY unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{key} {' '.join(values)}" for key, values in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Pages only: a policy on a script response would also bind the workers it starts.
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class RequestIdMiddleware:
    """Tag each request with an id (a sane incoming X-Request-ID, or a new one) for logs and replies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response
