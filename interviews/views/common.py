"""Helpers every view module shares: typed requests and loading attempts safely."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from interviews.http import json_error
from interviews.models import Attempt
from rubric.stages import STAGES


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def get_attempt_for_user(request: HttpRequest, pk: int) -> Attempt:
    """The one way views load an attempt: another user's attempt is a 404, never a 403."""
    return get_object_or_404(Attempt.objects.select_related("question"), pk=pk, user=request.user)


def refuse_json(request: HttpRequest, pk: int, message: str, status: int) -> JsonResponse:
    get_attempt_for_user(request, pk)  # another user's attempt stays a 404
    return json_error(message, status)


def stage_or_404(stage: str) -> str:
    if stage not in STAGES:
        raise Http404("No such stage.")
    return stage
