"""Helpers every view module shares: typed requests, JSON answers, and loading attempts safely."""

from __future__ import annotations

import json
from functools import wraps

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from interviews.models import Attempt
from rubric.stages import STAGES

MAX_JSON_BODY = 256 * 1024  # 20,000 characters of text can take up to 4 bytes each, plus escaping


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def json_login_required(view):
    """Like `login_required`, but answers scripts with 401 JSON instead of a login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return json_error("Your session has ended. Log in again to keep saving.", 401)
        return view(request, *args, **kwargs)

    return wrapper


def read_json(request: HttpRequest, limit: int = MAX_JSON_BODY) -> dict:
    if len(request.body) > limit:
        raise ValueError("The request is too large.")
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise ValueError("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("Expected a JSON object.")
    try:
        # The database stores neither NUL characters nor lone UTF-16 surrogates: refuse them here.
        stored = json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            "The text holds characters that cannot be stored (a broken emoji?)."
        ) from None
    except RecursionError:
        raise ValueError("The request body is nested too deeply.") from None
    if b"\\u0000" in stored and _holds_nul(data):
        raise ValueError("The text holds a NUL character, which cannot be stored.")
    return data


def _holds_nul(data: object) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def get_attempt_for_user(request: HttpRequest, pk: int) -> Attempt:
    """The one way views load an attempt: another user's attempt is a 404, never a 403."""
    return get_object_or_404(Attempt.objects.select_related("question"), pk=pk, user=request.user)


def live_session_open(attempt: Attempt) -> bool:
    """A live interview is running on this attempt: its interviewer ends it and sends the hints."""
    if attempt.mode != Attempt.Mode.LIVE:
        return False
    session = getattr(attempt, "live_session", None)
    return session is not None and session.is_open


def locked_json() -> JsonResponse:
    return json_error("This attempt was submitted and can no longer be edited.", 409, locked=True)


def refuse_json(request: HttpRequest, pk: int, message: str, status: int) -> JsonResponse:
    get_attempt_for_user(request, pk)  # another user's attempt stays a 404
    return json_error(message, status)


def stage_or_404(stage: str) -> str:
    if stage not in STAGES:
        raise Http404("No such stage.")
    return stage
