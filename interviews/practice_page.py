"""What the practice page shows. A live interview's candidate page is this page plus the room,
with its saves sent through live's own routes (`save_url`, `board_save_url`)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from interviews.hints import hints_by_stage
from interviews.models import Attempt, FollowUp, Whiteboard
from rubric.services import curveball_due
from rubric.stages import STAGE_LABELS, STAGES


def hint_box(attempt: Attempt, stage: str, shown: list | None = None) -> dict:
    """One stage's hint ladder as the page shows it (also the fragment a reveal swaps in)."""
    shown = hints_by_stage(attempt)[stage] if shown is None else shown
    total = len(attempt.question.hints.get(stage, []))
    used = sum(1 for h in shown if h.index is not None)
    return {"key": stage, "hints_shown": shown, "hints_total": total, "hints_left": total - used}


def follow_up_box(attempt: Attempt, stage: str, asked: list[FollowUp] | None = None) -> dict:
    """One stage's thread of follow-up questions and replies (also the fragment htmx swaps in)."""
    asked = list(attempt.follow_ups.filter(stage=stage)) if asked is None else asked
    probes = [f for f in asked if not f.is_curveball]
    return {
        "key": stage,
        "follow_ups": asked,
        "follow_ups_left": max(0, FollowUp.MAX_PER_STAGE - len(probes)),
        "reply_max_chars": settings.FOLLOW_UP_REPLY_MAX_CHARS,
    }


def clock_data(attempt: Attempt) -> dict:
    """The solo clock as the page's script reads it."""
    return {
        "state": attempt.clock_state,
        "running": attempt.clock_state == "running",
        "secondsLeft": round(attempt.seconds_left(), 1),
        "url": reverse("attempt_clock", args=[attempt.pk]),
    }


def preview_context(attempt: Attempt) -> dict:
    """The question before the clock starts: the prompt, the clarifications and the stages ahead."""
    question = attempt.question
    stages = [
        {"label": STAGE_LABELS[key], "budget_minutes": question.budget_minutes(key)}
        for key in STAGES
    ]
    return {"attempt": attempt, "question": question, "stages": stages}


def _curveball_state(attempt: Attempt) -> dict | None:
    """Realistic mode: when the page should ask for the curveball (the server checks again)."""
    curveball = curveball_due(attempt)
    if curveball is None:
        return None
    # On the interview clock, which stops for the preview and for pauses.
    due_in = max(0.0, curveball.at_minute * 60 - attempt.clock_elapsed())
    return {"url": reverse("curveball", args=[attempt.pk]), "dueInSeconds": round(due_in, 1)}


def practice_context(
    request: HttpRequest,
    attempt: Attempt,
    *,
    follows_interviewer: bool = False,
    save_url: str | None = None,
    board_save_url: str | None = None,
) -> dict:
    """`follows_interviewer`: the current stage is the attempt's (set by the interviewer), not `?stage=`."""
    question = attempt.question
    responses = {r.stage: r for r in attempt.responses.all()}
    shown = hints_by_stage(attempt)
    threads: dict[str, list[FollowUp]] = {key: [] for key in STAGES}
    for follow in attempt.follow_ups.all():
        threads[follow.stage].append(follow)
    requested = request.GET.get("stage")
    current = (
        requested if requested in STAGES and not follows_interviewer else attempt.current_stage
    )
    stages = [
        {
            **hint_box(attempt, key, shown[key]),
            **follow_up_box(attempt, key, threads[key]),
            "label": STAGE_LABELS[key],
            "number": i + 1,
            "budget_minutes": question.budget_minutes(key),
            "guiding_questions": question.guiding_questions.get(key, []),
            "response": responses[key],
            "is_current": key == current,
        }
        for i, key in enumerate(STAGES)
    ]
    board = Whiteboard.objects.get_or_create(attempt=attempt)[0]
    client_state = {
        "attemptId": attempt.pk,
        "clock": clock_data(attempt),
        "currentStage": current,
        "maxChars": settings.STAGE_TEXT_MAX_CHARS,
        "saveUrl": save_url or reverse("stage_save", args=[attempt.pk, "__stage__"]),
        "timeUrl": reverse("stage_time", args=[attempt.pk]),
        "followUpUrl": reverse("follow_up_ask", args=[attempt.pk, "__stage__"]),
        "curveball": _curveball_state(attempt) if not follows_interviewer else None,
        "followsInterviewer": follows_interviewer,
        "stages": {
            key: {"version": responses[key].version, "seconds": responses[key].seconds_spent,
                  "budget": question.budget_minutes(key) * 60}
            for key in STAGES
        },
    }  # fmt: skip
    return {
        "attempt": attempt,
        "follows_interviewer": follows_interviewer,
        "question": question,
        "stages": stages,
        "client_state": client_state,
        "board": board,
        "board_save_url": board_save_url or reverse("whiteboard_save", args=[attempt.pk]),
    }
