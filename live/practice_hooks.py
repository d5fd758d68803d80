"""Live's answers to practice's hooks (`interviews.hooks`): a live attempt is run from the room."""

from __future__ import annotations

from django.urls import reverse

from interviews.hooks import Elsewhere
from live import coverage
from live.models import LiveSession


def live_attempt_elsewhere(sender, *, attempt, **kwargs) -> Elsewhere | None:
    session = LiveSession.objects.filter(attempt=attempt).only("pk", "state").first()
    if session is None:
        return None
    if session.is_open:
        return Elsewhere(
            url=reverse("live_room", args=[session.pk]),
            label="Back to the interview",
            is_open=True,
            refusal="This is a live interview: hints come from your interviewer, who also ends it (it is graded then).",
        )
    return Elsewhere(
        url=reverse("live_review", args=[session.pk]),
        label="Interviewer's scorecard",
        is_open=False,
        refusal="",
    )


def live_follow_up_replied(sender, *, attempt, follow_up, **kwargs) -> None:
    """A written reply in a running interview: the interviewer's panel for that stage shows it
    (with what it now covers) as soon as it is stored, not at the candidate's next save."""
    session = LiveSession.objects.filter(attempt=attempt).only("pk", "state").first()
    if session is not None and session.is_open:
        coverage.send_coverage_after_commit(session.pk, attempt, follow_up.stage)
