"""What the interviewer's room page shows at load; the socket keeps it current afterwards."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from interviews.hints import hints_by_stage
from interviews.models import Whiteboard
from live.models import LiveSession
from live.services import session_data
from rubric.services import criteria_for_question
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS, STAGES


def interviewer_room_context(request: HttpRequest, session: LiveSession) -> dict[str, Any]:
    question = session.question
    attempt = session.attempt
    responses = {r.stage: r for r in attempt.responses.all()} if attempt else {}
    shown = hints_by_stage(attempt) if attempt else {s: [] for s in STAGES}
    stages = []
    for number, key in enumerate(STAGES, start=1):
        sent = {h.index for h in shown[key] if h.index is not None}
        stages.append(
            {
                "key": key,
                "label": STAGE_LABELS[key],
                "number": number,
                "budget_minutes": question.budget_minutes(key),
                "text": responses[key].text if key in responses else "",
                "guiding_questions": question.guiding_questions.get(key, []),
                "ladder": [
                    {"index": i, "text": text, "sent": i in sent}
                    for i, text in enumerate(question.hints.get(key, []))
                ],
                "hints_shown": shown[key],
                "is_current": key == session.current_stage,
            }
        )
    scores = {e.criterion_key: e for e in session.scorecard.all()}
    criteria_by_stage: dict[str, list[dict[str, Any]]] = {}
    for criterion in criteria_for_question(question):
        entry = scores.get(criterion.id)
        criteria_by_stage.setdefault(criterion.stage, []).append(
            {
                "key": criterion.id,
                "title": criterion.title,
                "level": entry.level if entry else None,
                "comment": entry.comment if entry else "",
            }
        )
    scorecard = [
        {"stage": stage, "label": STAGE_LABELS[stage], "criteria": criteria_by_stage[stage]}
        for stage in (*GRADED_STAGES, DIAGRAM)
        if stage in criteria_by_stage
    ]
    board = Whiteboard.objects.filter(attempt=attempt).first() if attempt else None
    client_state = {
        **session_data(session),
        "role": "interviewer",
        "socketUrl": session.socket_path,
    }
    return {
        "session": session,
        "question": question,
        "stages": stages,
        "scorecard": scorecard,
        "scored": sum(1 for e in scores.values() if e.level is not None),
        "criteria_total": sum(len(group["criteria"]) for group in scorecard),
        "notes": session.notes.all(),
        "board": board,
        "invite_url": request.build_absolute_uri(reverse("live_join", args=[session.invite_token])),
        "client_state": client_state,
        "board_save_url": reverse("live_board_save", args=[session.pk]),
    }
