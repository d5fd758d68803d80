"""A user's live interviews for the account's data export: as interviewer, everything; as
candidate, what the review shows them (notes only when the interviewer shared them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from live.models import LiveSession


def live_sessions_data(user) -> list[dict[str, Any]]:
    sessions = (
        LiveSession.objects.filter(Q(interviewer=user) | Q(candidate=user))
        .select_related("question", "interviewer", "candidate")
        .prefetch_related("notes", "scorecard")
        .order_by("created_at")
    )
    out = []
    for s in sessions:
        role = s.role_of(user)
        out.append(
            {
                "id": s.pk,
                "role": role,
                "question": s.question.slug,
                "interviewer": s.interviewer.get_username(),
                "candidate": s.candidate.get_username() if s.candidate_id else None,
                "attempt_id": s.attempt_id,
                "state": s.state,
                "created_at": s.created_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                "scorecard": [
                    {"criterion": e.criterion_key, "level": e.level, "comment": e.comment}
                    for e in s.scorecard.all()
                ]
                if s.may_see_scorecard(role)
                else None,
                "notes": [
                    {"stage": n.stage, "at_seconds": n.clock_seconds, "text": n.text}
                    for n in s.notes.all()
                ]
                if s.may_see_notes(role)
                else None,
            }
        )
    return out
