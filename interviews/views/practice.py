"""The practice page and what it calls while a candidate works: autosave, time, hints, preview, submit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from interviews.hooks import elsewhere_for, running_elsewhere
from interviews.http import (
    BodyRefused,
    board_save_answer,
    board_save_body,
    json_error,
    json_login_required,
    locked_json,
    read_json,
    text_save_answer,
    text_save_body,
)
from interviews.markdown import render_markdown
from interviews.models import Attempt, FollowUp, HintUse, StageResponse, Whiteboard
from interviews.practice_page import (
    clock_data,
    follow_up_box,
    hint_box,
    practice_context,
    preview_context,
)
from interviews.ratelimit import rate_allowed
from interviews.services import (
    CLOCK_ACTIONS,
    AttemptLocked,
    attempt_clock_set,
    attempt_submit,
    follow_up_reply,
    stage_text_save,
    stage_time_record,
)
from interviews.views.common import (
    HtmxHttpRequest,
    get_attempt_for_user,
    refuse_json,
    stage_or_404,
)
from interviews.whiteboards import whiteboard_save
from rubric.services import curveball_deliver, follow_up_ask
from rubric.stages import STAGES


@login_required
@require_GET
def attempt_practice(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    if attempt.status != Attempt.Status.DRAFT:
        return redirect("attempt_results", pk=attempt.pk)
    place = elsewhere_for(attempt)
    if place is not None:
        return redirect(place.url)
    if attempt.clock_state == "preview":
        # Read the question first; the clock starts when the candidate says so.
        return render(request, "interviews/practice_preview.html", preview_context(attempt))
    return render(request, "interviews/practice.html", practice_context(request, attempt))


@login_required
@require_POST
def attempt_clock(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (from the preview), pause or resume the solo clock.

    The preview's form posts here and is sent on to the practice page; the page's own buttons
    ask for JSON and get the clock back.
    """
    attempt = get_attempt_for_user(request, pk)
    wants_json = request.headers.get("Accept") == "application/json"
    action = request.POST.get("action", "")
    if action not in CLOCK_ACTIONS:
        if wants_json:
            return json_error("`action` must be start, pause or resume.", 400)
        return HttpResponse("Unknown clock action.", status=400)
    try:
        attempt = attempt_clock_set(attempt_id=attempt.pk, user=request.user, action=action)
    except AttemptLocked:
        if wants_json:
            return json_error("This attempt's clock cannot be changed here.", 409, locked=True)
        return redirect(attempt.get_absolute_url())
    if wants_json:
        return JsonResponse(clock_data(attempt))
    return redirect("attempt_practice", pk=attempt.pk)


@json_login_required
@require_POST
def stage_save(request: HttpRequest, pk: int, stage: str) -> JsonResponse:
    # The hot path: ownership, draft status and version are checked by one UPDATE in the service;
    # the refusals below check ownership first so that they reveal nothing about others' attempts.
    stage_or_404(stage)
    try:
        text, version = text_save_body(request)
    except BodyRefused as exc:
        return refuse_json(request, pk, str(exc), exc.status)
    try:
        outcome = stage_text_save(
            attempt_id=pk, user=request.user, stage=stage, text=text, version=version
        )
    except StageResponse.DoesNotExist:
        raise Http404("No such attempt.") from None
    except AttemptLocked:
        return locked_json()
    return text_save_answer(outcome)


@json_login_required
@require_POST
def whiteboard_save_view(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        scene, version = board_save_body(request)
    except BodyRefused as exc:
        return refuse_json(request, pk, str(exc), exc.status)
    try:
        outcome = whiteboard_save(attempt_id=pk, user=request.user, scene=scene, version=version)
    except Whiteboard.DoesNotExist:
        raise Http404("No such attempt.") from None
    except AttemptLocked:
        return locked_json()
    return board_save_answer(outcome)


@json_login_required
@require_POST
def stage_time(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    try:
        data = read_json(request)
    except BodyRefused as exc:
        return json_error(str(exc), exc.status)
    stage, seconds, current = data.get("stage"), data.get("seconds"), data.get("current")
    if stage not in STAGES or (current is not None and current not in STAGES):
        return json_error("Unknown stage.", 400)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        return json_error("`seconds` must be a non-negative integer.", 400)
    try:
        stage_time_record(attempt=attempt, stage=stage, seconds=seconds, current_stage=current)
    except AttemptLocked:
        return json_error("This attempt was submitted.", 409, locked=True)
    return HttpResponse(status=204)


@json_login_required
@require_POST
def hint_reveal(request: HtmxHttpRequest, pk: int, stage: str) -> HttpResponse:
    """Record that the next hint of a stage was revealed; htmx gets the stage's hint box back."""
    attempt = get_attempt_for_user(request, pk)
    stage_or_404(stage)
    refusal, status = _hint_refusal(attempt, stage)
    if refusal is None:
        index = HintUse.objects.filter(attempt=attempt, stage=stage, index__isnull=False).count()
        HintUse.objects.get_or_create(attempt=attempt, stage=stage, index=index)
    if request.htmx:
        # Refusals are shown inside the box (htmx swaps only 2xx answers).
        context = {"attempt": attempt, "box": hint_box(attempt, stage), "hint_error": refusal}
        return render(request, "interviews/practice.html#hint-box", context)
    if refusal is not None:
        return json_error(refusal, status, **({"locked": True} if status == 409 else {}))
    hints = attempt.question.hints[stage]
    return JsonResponse({"index": index, "hint": hints[index], "left": len(hints) - index - 1})


def _hint_refusal(attempt: Attempt, stage: str) -> tuple[str | None, int]:
    if attempt.status != Attempt.Status.DRAFT:
        return "This attempt was submitted.", 409
    place = running_elsewhere(attempt)
    if place is not None:
        return place.refusal, 409
    used = HintUse.objects.filter(attempt=attempt, stage=stage, index__isnull=False).count()
    if used >= len(attempt.question.hints.get(stage, [])):
        return "There are no more hints for this stage.", 404
    return None, 200


@login_required
@require_POST
def follow_up_ask_view(request: HtmxHttpRequest, pk: int, stage: str) -> HttpResponse:
    """The interviewer asks one question aimed at the stage's weakest unmet criterion.

    `auto=1`: the page asks as the candidate finishes the stage; nothing to ask is then an empty
    204, and the page moves on."""
    attempt = get_attempt_for_user(request, pk)
    stage_or_404(stage)
    auto = request.POST.get("auto") == "1"
    error = _follow_up_refusal(attempt, asking=True)
    if error is None and not rate_allowed(
        kind="follow-up", user_id=request.user.pk, limit=settings.FOLLOW_UP_ASKS_PER_MINUTE
    ):
        error = "That is a lot of follow-ups in a minute; wait a moment and try again."
    if error is None and follow_up_ask(attempt=attempt, stage=stage, auto=auto) is None:
        error = "No more follow-ups for this stage: move on, or keep refining your answer."
    if auto and error is not None:
        return HttpResponse(status=204)
    return _follow_up_fragment(request, attempt, stage, error, auto_asked=auto)


@login_required
@require_POST
def follow_up_reply_view(request: HtmxHttpRequest, pk: int, follow_up_id: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    follow = get_object_or_404(FollowUp, pk=follow_up_id, attempt=attempt)
    reply = request.POST.get("reply", "")
    error = _follow_up_refusal(attempt)
    limit = settings.FOLLOW_UP_REPLY_MAX_CHARS
    if error is None and "\x00" in reply:
        error = "The reply holds a NUL character, which cannot be stored."
    elif error is None and len(reply) > limit:
        error = (
            f"Keep a reply under {limit:,} characters; yours has {len(reply):,}. Nothing was saved."
        )
    elif error is None:
        follow_up_reply(follow=follow, reply=reply)
    return _follow_up_fragment(request, attempt, follow.stage, error, status=400 if error else 200)


@login_required
@require_POST
def curveball_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Realistic mode: the page asks for the curveball when the clock reaches its minute; the
    server checks the minute itself. Not due (or already delivered): an empty 204."""
    attempt = get_attempt_for_user(request, pk)
    stage = request.POST.get("stage", "")
    if stage not in STAGES:
        return HttpResponse("Unknown stage.", status=400)
    if _follow_up_refusal(attempt, asking=True) is not None:
        return HttpResponse(status=204)
    follow = curveball_deliver(attempt=attempt, stage=stage)
    if follow is None:
        return HttpResponse(status=204)
    return _follow_up_fragment(request, attempt, follow.stage, None)


def _follow_up_refusal(attempt: Attempt, *, asking: bool = False) -> str | None:
    if attempt.status != Attempt.Status.DRAFT:
        return "This attempt was submitted."
    # In a live interview the interviewer asks; the candidate may still reply in the thread.
    place = running_elsewhere(attempt) if asking else None
    return place.refusal if place is not None else None


def _follow_up_fragment(
    request: HtmxHttpRequest,
    attempt: Attempt,
    stage: str,
    error: str | None,
    status: int = 200,
    auto_asked: bool = False,
) -> HttpResponse:
    # htmx swaps only 2xx answers, so it gets the refusal inside the thread; others get the code.
    context = {
        "attempt": attempt,
        "box": follow_up_box(attempt, stage),
        "follow_up_error": error,
        "auto_asked": auto_asked,
    }
    return render(
        request,
        "interviews/practice.html#follow-ups",
        context,
        status=200 if request.htmx else status,
    )


@login_required
@require_POST
def markdown_preview(request: HtmxHttpRequest) -> HttpResponse:
    limit = settings.PREVIEWS_PER_MINUTE
    if not rate_allowed(kind="preview", user_id=request.user.pk, limit=limit):
        # htmx swaps only 2xx answers: it gets the notice as the preview; anything else a 429.
        return render(
            request,
            "interviews/_markdown_preview.html",
            {"refused": f"That is {limit} previews in a minute; wait a moment and try again."},
            status=200 if request.htmx else 429,
        )
    text = request.POST.get("text", "")[: settings.STAGE_TEXT_MAX_CHARS]
    return render(
        request,
        "interviews/_markdown_preview.html",
        {"html": render_markdown(text), "empty": not text.strip()},
    )


@login_required
@require_POST
def attempt_submit_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    place = running_elsewhere(attempt)
    if place is not None:
        messages.info(request, place.refusal)
        return redirect(place.url)
    try:
        attempt_submit(attempt=attempt)
    except AttemptLocked:
        messages.info(request, "This attempt was already submitted.")
    return redirect("attempt_results", pk=attempt.pk)
