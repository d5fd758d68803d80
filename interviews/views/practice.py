"""The practice page and what it calls while a candidate works: autosave, time, hints, preview, submit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from interviews.hints import hints_by_stage
from interviews.markdown import render_markdown
from interviews.models import Attempt, HintUse, StageResponse, Whiteboard
from interviews.services import (
    AttemptLocked,
    attempt_submit,
    stage_text_save,
    stage_time_record,
)
from interviews.views.common import (
    HtmxHttpRequest,
    get_attempt_for_user,
    json_error,
    json_login_required,
    live_session_open,
    locked_json,
    read_json,
    refuse_json,
    stage_or_404,
)
from interviews.whiteboards import BoardSaveOutcome, whiteboard_save
from live.services import relay_board_saved, relay_text_saved
from rubric.scene import MAX_SCENE_BYTES, clean_scene
from rubric.stages import STAGE_LABELS, STAGES


@login_required
@require_GET
def attempt_practice(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    if attempt.status != Attempt.Status.DRAFT:
        return redirect("attempt_results", pk=attempt.pk)
    live = getattr(attempt, "live_session", None) if attempt.mode == Attempt.Mode.LIVE else None
    if live is not None:
        return redirect("live_room", pk=live.pk)
    return render(request, "interviews/practice.html", practice_context(request, attempt))


def practice_context(request: HttpRequest, attempt: Attempt, *, live: bool = False) -> dict:
    """What the practice page shows; a live interview's candidate page is this page plus the room."""
    question = attempt.question
    responses = {r.stage: r for r in attempt.responses.all()}
    shown = hints_by_stage(attempt)
    requested = request.GET.get("stage")
    current = requested if requested in STAGES and not live else attempt.current_stage
    stages = [
        {
            "key": key,
            "label": STAGE_LABELS[key],
            "number": i + 1,
            "budget_minutes": question.budget_minutes(key),
            "guiding_questions": question.guiding_questions.get(key, []),
            "hints_shown": shown[key],
            "hints_ladder_used": sum(1 for h in shown[key] if h.index is not None),
            "hints_total": len(question.hints.get(key, [])),
            "response": responses[key],
            "is_current": key == current,
        }
        for i, key in enumerate(STAGES)
    ]
    board = Whiteboard.objects.get_or_create(attempt=attempt)[0]
    # Saves from a live page also reach the interviewer's socket (see `live.services.relay_*`).
    relay = "?live=1" if live else ""
    client_state = {
        "attemptId": attempt.pk,
        "deadline": attempt.deadline.isoformat(),
        "currentStage": current,
        "maxChars": settings.STAGE_TEXT_MAX_CHARS,
        "saveUrl": reverse("stage_save", args=[attempt.pk, "__stage__"]) + relay,
        "timeUrl": reverse("stage_time", args=[attempt.pk]),
        "live": live,
        "stages": {
            key: {"version": responses[key].version, "seconds": responses[key].seconds_spent,
                  "budget": question.budget_minutes(key) * 60}
            for key in STAGES
        },
    }  # fmt: skip
    return {
        "attempt": attempt,
        "question": question,
        "stages": stages,
        "client_state": client_state,
        "board": board,
        "board_save_url": reverse("whiteboard_save", args=[attempt.pk]) + relay,
    }


@json_login_required
@require_POST
def stage_save(request: HttpRequest, pk: int, stage: str) -> JsonResponse:
    # The hot path: ownership, draft status and version are checked by one UPDATE in the service;
    # the refusals below check ownership first so that they reveal nothing about others' attempts.
    stage_or_404(stage)
    try:
        data = read_json(request)
    except ValueError as exc:
        return refuse_json(request, pk, str(exc), 400)
    text, version = data.get("text"), data.get("version")
    if (
        not isinstance(text, str)
        or not isinstance(version, int)
        or isinstance(version, bool)
        or version < 0
    ):
        return refuse_json(request, pk, "Send {text: string, version: non-negative integer}.", 400)
    limit = settings.STAGE_TEXT_MAX_CHARS
    if len(text) > limit:
        return refuse_json(
            request,
            pk,
            f"This stage is limited to {limit:,} characters; yours has {len(text):,}.",
            413,
        )
    try:
        outcome = stage_text_save(
            attempt_id=pk, user=request.user, stage=stage, text=text, version=version
        )
    except StageResponse.DoesNotExist:
        raise Http404("No such attempt.") from None
    except AttemptLocked:
        return locked_json()
    if not outcome.saved:
        return json_error(
            "A newer version of this stage was saved elsewhere.",
            409,
            text=outcome.text,
            version=outcome.version,
        )
    if request.GET.get("live"):
        relay_text_saved(attempt_id=pk, stage=stage, text=text, version=outcome.version)
    return JsonResponse({"version": outcome.version})


class BoardBodyRefused(ValueError):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def read_board_save(request: HttpRequest) -> tuple[dict, int]:
    """The `{scene, version}` of a board save, checked; raises BoardBodyRefused."""
    if len(request.body) > MAX_SCENE_BYTES:
        limit = MAX_SCENE_BYTES // 1024 // 1024
        raise BoardBodyRefused(f"The board is limited to {limit} MB.", 413)
    try:
        data = read_json(request, limit=MAX_SCENE_BYTES)
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise ValueError("Send {scene: object, version: non-negative integer}.")
        scene = clean_scene(data.get("scene"))
        if scene is None:
            raise ValueError("Send {scene: object, version: non-negative integer}.")
    except ValueError as exc:  # includes SceneError
        raise BoardBodyRefused(str(exc)) from None
    return scene, version


def board_save_answer(outcome: BoardSaveOutcome) -> JsonResponse:
    if not outcome.saved:
        return json_error(
            "A newer board was saved elsewhere.", 409, scene=outcome.scene, version=outcome.version
        )
    return JsonResponse({"version": outcome.version})


@json_login_required
@require_POST
def whiteboard_save_view(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        scene, version = read_board_save(request)
    except BoardBodyRefused as exc:
        return refuse_json(request, pk, str(exc), exc.status)
    try:
        outcome = whiteboard_save(attempt_id=pk, user=request.user, scene=scene, version=version)
    except Whiteboard.DoesNotExist:
        raise Http404("No such attempt.") from None
    except AttemptLocked:
        return locked_json()
    if outcome.saved and request.GET.get("live"):
        relay_board_saved(attempt_id=pk, scene=scene, version=outcome.version)
    return board_save_answer(outcome)


@json_login_required
@require_POST
def stage_time(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = get_attempt_for_user(request, pk)
    try:
        data = read_json(request)
    except ValueError as exc:
        return json_error(str(exc), 400)
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
def hint_reveal(request: HttpRequest, pk: int, stage: str) -> JsonResponse:
    """Record that the next hint of a stage was revealed and return its text."""
    attempt = get_attempt_for_user(request, pk)
    stage_or_404(stage)
    if attempt.status != Attempt.Status.DRAFT:
        return json_error("This attempt was submitted.", 409, locked=True)
    if live_session_open(attempt):
        return json_error("In a live interview, hints come from your interviewer.", 409)
    hints = attempt.question.hints.get(stage, [])
    used = HintUse.objects.filter(attempt=attempt, stage=stage, index__isnull=False).count()
    if used >= len(hints):
        return json_error("There are no more hints for this stage.", 404)
    HintUse.objects.get_or_create(attempt=attempt, stage=stage, index=used)
    return JsonResponse({"index": used, "hint": hints[used], "left": len(hints) - used - 1})


@login_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
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
    if live_session_open(attempt):
        messages.info(request, "Your interviewer ends a live interview; it is graded then.")
        return redirect("live_room", pk=attempt.live_session.pk)
    try:
        attempt_submit(attempt=attempt)
    except AttemptLocked:
        messages.info(request, "This attempt was already submitted.")
    return redirect("attempt_results", pk=attempt.pk)
