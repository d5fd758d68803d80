"""Live interview writes: creating and joining sessions, and every action taken in the room.

Each action locks the session row, so two interviewer tabs (or an action racing the end of the
session) apply one after the other, and sends its events only after the commit (`events`).
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from interviews.hints import hints_by_stage
from interviews.models import Attempt, FollowUp, HintUse, Question
from interviews.services import (
    AttemptLocked,
    SaveOutcome,
    attempt_start,
    attempt_submit,
    stage_text_save,
    stage_time_record,
)
from interviews.whiteboards import BoardSaveOutcome, whiteboard_save
from live import coverage, events
from live.models import InterviewerNote, LiveSession, ScorecardEntry
from rubric.schema import MAX_LEVEL
from rubric.services import criteria_for_question
from rubric.stages import STAGE_LABELS, STAGES


class LiveRefused(Exception):
    """An action that cannot be taken now; the message is shown to the person who tried."""


def _clean_text(text: str, what: str) -> str:
    if "\x00" in text:
        raise LiveRefused(f"The {what} holds a NUL character, which cannot be stored.")
    text = text.strip()
    if len(text) > settings.LIVE_NOTE_MAX_CHARS:
        raise LiveRefused(f"Keep a {what} under {settings.LIVE_NOTE_MAX_CHARS:,} characters.")
    return text


# --- what the room shows ----------------------------------------------------------------------


def session_data(session: LiveSession) -> dict[str, Any]:
    """The shared state both people see: stage, clock and who is in the room."""
    return {
        "type": "session",
        "state": session.state,
        "stage": session.current_stage,
        "stage_label": STAGE_LABELS[session.current_stage],
        "clock": {"elapsed": round(session.clock_elapsed(), 1), "running": session.clock_started_at is not None},
        "total_seconds": session.question.total_minutes * 60,
        "drawing_allowed": session.candidate_allows_drawing,
        # In every state and session event, so a page that reconnects mid-end still saves and ends.
        "ending": session.end_requested_at is not None and session.is_open,
        "candidate": session.candidate.get_username() if session.candidate_id else None,
        "candidate_left": session.candidate_left,
        "review_url": reverse("live_review", args=[session.pk]),
    }  # fmt: skip


def hints_fragment(session: LiveSession) -> str:
    """Every stage's hint list as htmx out-of-band swaps (the same markup the pages render)."""
    shown = hints_by_stage(session.attempt) if session.attempt else {s: [] for s in STAGES}
    return render_to_string("live/_hints_oob.html", {"shown": shown})


def notes_fragment(session: LiveSession) -> str:
    return render_to_string("live/_notes.html", {"notes": session.notes.all(), "oob": True})


def _broadcast_session(session: LiveSession) -> None:
    events.send_after_commit(session.pk, "all", data=session_data(session))


# --- creating and joining ---------------------------------------------------------------------


def live_session_create(*, interviewer, question: Question) -> LiveSession:
    # Bank questions only: a custom question is private to its owner.
    if not question.in_bank:
        raise LiveRefused("Live interviews use questions from the bank.")
    return LiveSession.objects.create(interviewer=interviewer, question=question)


def join_refusal(session: LiveSession | None) -> str | None:
    """Why a newcomer cannot take the seat through this invite, or None when they can."""
    if session is None:
        return "This invite link is not valid. Ask your interviewer for a new one."
    if session.candidate_id is not None or session.seat_taken_at is not None:
        return "Someone else has already joined this interview; the link works once."
    if session.state == LiveSession.State.ENDED:
        return "This interview has ended."
    if session.invite_expired:
        return "This invite link has expired. Ask your interviewer for a new one."
    return None


def live_session_join(*, token: str, user) -> LiveSession:
    """Seat `user` as the candidate. The first person to join takes the seat; the link then closes."""
    with transaction.atomic():
        session = (
            LiveSession.objects.select_for_update(of=("self",))
            .select_related("question", "candidate")
            .filter(invite_token=token)
            .first()
        )
        if session is not None and session.role_of(user) is not None:
            return session  # the interviewer checking the link, or the candidate coming back
        refusal = join_refusal(session)
        if refusal:
            raise LiveRefused(refusal)
        session.candidate = user
        session.seat_taken_at = timezone.now()
        session.attempt = attempt_start(
            user=user, question=session.question, mode=Attempt.Mode.LIVE
        )
        # The interviewer may have moved on in the lobby already.
        Attempt.objects.filter(pk=session.attempt.pk).update(current_stage=session.current_stage)
        session.attempt.current_stage = session.current_stage
        session.save(update_fields=["candidate", "seat_taken_at", "attempt"])
        _broadcast_session(session)
    return session


# --- saves during the interview: practice's versioned saves, relayed to the other side ------------


def seated_attempt_id(*, session_id: int, user) -> int:
    """The attempt of the session's seated candidate `user`; LiveSession.DoesNotExist otherwise."""
    return (
        LiveSession.objects.filter(pk=session_id, candidate=user, attempt__isnull=False)
        .values_list("attempt_id", flat=True)
        .get()
    )


def candidate_text_save(
    *,
    session_id: int,
    attempt_id: int,
    user,
    stage: str,
    text: str,
    version: int,
    relayed: dict[str, Any] | None = None,
) -> SaveOutcome:
    """The candidate's stage save (`attempt_id` from `seated_attempt_id`); the interviewer's
    sockets get it after the commit. `relayed` ({source, seq}: the relay frame whose text this
    is, see `live.relay`) goes with it, so the interviewer's page can check its live text."""
    outcome = stage_text_save(
        attempt_id=attempt_id, user=user, stage=stage, text=text, version=version
    )
    if outcome.saved:
        data = {"type": "text", "stage": stage, "text": text, "version": outcome.version}
        events.send_after_commit(session_id, "interviewer", data={**data, **(relayed or {})})
        attempt = Attempt.objects.select_related("question").get(pk=attempt_id)
        coverage.send_coverage_after_commit(session_id, attempt, stage)
    return outcome


def candidate_board_save(
    *, session_id: int, attempt_id: int, user, scene: dict, version: int
) -> BoardSaveOutcome:
    outcome = whiteboard_save(attempt_id=attempt_id, user=user, scene=scene, version=version)
    _relay_board(session_id, scene, outcome)
    return outcome


def interviewer_board_save(*, session_id: int, scene: dict, version: int) -> BoardSaveOutcome:
    """The interviewer draws on the candidate's board, while the candidate allows it."""
    with transaction.atomic():
        # Locked, so the candidate taking the permission back cannot cross a save in flight.
        session = _locked(session_id)
        if session.attempt_id is None or not session.candidate_allows_drawing:
            raise LiveRefused("The candidate has not let you draw on the board.")
        outcome = whiteboard_save(
            attempt_id=session.attempt_id, user=session.candidate, scene=scene, version=version
        )
        _relay_board(session_id, scene, outcome)
    return outcome


def _relay_board(session_id: int, scene: dict, outcome: BoardSaveOutcome) -> None:
    """A board save by either side goes to every socket; a page that made it ignores its echo."""
    if outcome.saved:
        data = {"type": "board", "scene": scene, "version": outcome.version}
        events.send_after_commit(session_id, "all", data=data)


# --- the interviewer's actions ---------------------------------------------------------------


def _locked(session_id: int, *, open_only: bool = True) -> LiveSession:
    session = (
        LiveSession.objects.select_for_update(of=("self",))
        .select_related("question", "attempt", "candidate")
        .get(pk=session_id)
    )
    if open_only and session.state == LiveSession.State.ENDED:
        raise LiveRefused("This interview has ended.")
    return session


def _attempt_of(session: LiveSession) -> Attempt:
    if session.attempt is None:
        raise LiveRefused("The candidate has not joined yet.")
    return session.attempt


def clock_set(*, session_id: int, running: bool) -> None:
    with transaction.atomic():
        session = _locked(session_id)
        now = timezone.now()
        if running and session.clock_started_at is None:
            session.clock_started_at = now
            session.state = LiveSession.State.RUNNING
        elif not running and session.clock_started_at is not None:
            session.clock_seconds = session.clock_elapsed(now)
            session.clock_started_at = None
            session.state = LiveSession.State.PAUSED
        else:
            return
        session.save(update_fields=["clock_seconds", "clock_started_at", "state"])
        _broadcast_session(session)


def stage_set(*, session_id: int, stage: str) -> None:
    if stage not in STAGES:
        raise LiveRefused("Unknown stage.")
    with transaction.atomic():
        session = _locked(session_id)
        if session.current_stage == stage:
            return
        session.current_stage = stage
        session.save(update_fields=["current_stage"])
        if session.attempt and session.attempt.status == Attempt.Status.DRAFT:
            stage_time_record(attempt=session.attempt, stage=stage, seconds=0, current_stage=stage)
        _broadcast_session(session)


def hint_send(*, session_id: int, stage: str, index: int | None = None, text: str = "") -> HintUse:
    """Show the candidate a hint from the stage's ladder (`index`) or in the interviewer's words."""
    if stage not in STAGES:
        raise LiveRefused("Unknown stage.")
    text = _clean_text(text, "hint")
    if index is None and not text:
        raise LiveRefused("Write the hint, or pick one from the ladder.")
    with transaction.atomic():
        session = _locked(session_id)
        attempt = _attempt_of(session)
        if index is not None:
            if not 0 <= index < len(session.question.hints.get(stage, [])):
                raise LiveRefused("That hint is not in this stage's ladder.")
            use, created = HintUse.objects.get_or_create(attempt=attempt, stage=stage, index=index)
            if not created:
                raise LiveRefused("That hint was already sent.")
        else:
            use = HintUse.objects.create(attempt=attempt, stage=stage, text=text)
        events.send_after_commit(session.pk, "all", html=hints_fragment(session))
        events.send_after_commit(
            session.pk,
            "candidate",
            data={"type": "hint", "stage": stage, "stage_label": STAGE_LABELS[stage]},
        )
    return use


def note_add(*, session_id: int, text: str) -> InterviewerNote:
    text = _clean_text(text, "note")
    if not text:
        raise LiveRefused("The note is empty.")
    with transaction.atomic():
        session = _locked(session_id, open_only=False)
        note = InterviewerNote.objects.create(
            session=session,
            stage=session.current_stage,
            text=text,
            clock_seconds=int(session.clock_elapsed()),
        )
        events.send_after_commit(session.pk, "interviewer", html=notes_fragment(session))
    return note


def scorecard_set(
    *, session_id: int, criterion_key: str, level: int | None, comment: str
) -> ScorecardEntry:
    if level is not None and not 0 <= level <= MAX_LEVEL:
        raise LiveRefused(f"A level is a whole number from 0 to {MAX_LEVEL}.")
    comment = _clean_text(comment, "comment")
    with transaction.atomic():
        session = _locked(session_id, open_only=False)
        keys = {c.id for c in criteria_for_question(session.question)}
        if criterion_key not in keys:
            raise LiveRefused("That criterion is not in this question's rubric.")
        entry, _ = ScorecardEntry.objects.update_or_create(
            session=session,
            criterion_key=criterion_key,
            defaults={"level": level, "comment": comment},
        )
        data = {
            "type": "scorecard",
            "criterion": criterion_key,
            "level": level,
            "comment": entry.comment,
        }
        events.send_after_commit(session.pk, "interviewer", data=data)
    return entry


def drawing_allow(*, session_id: int, allow: bool) -> None:
    """The candidate lets the interviewer draw on the board too (or takes it back)."""
    with transaction.atomic():
        session = _locked(session_id)
        if session.candidate_allows_drawing != allow:
            session.candidate_allows_drawing = allow
            session.save(update_fields=["candidate_allows_drawing"])
            _broadcast_session(session)


def session_end_request(*, session_id: int) -> bool:
    """The interviewer asks to end. Returns whether to wait for the candidate's page, which then
    saves its last edits and calls `session_end_when_requested` (the interviewer's socket ends the
    session anyway after a grace period, in case that page is gone)."""
    with transaction.atomic():
        session = _locked(session_id)
        if session.attempt is None:
            return False
        if session.end_requested_at is None:
            session.end_requested_at = timezone.now()
            session.save(update_fields=["end_requested_at"])
        events.send_after_commit(session.pk, "candidate", data={"type": "ending"})
    return True


def session_end_when_requested(*, session_id: int) -> None:
    """The candidate's page has saved everything: end now, if the interviewer asked to."""
    if LiveSession.objects.filter(pk=session_id, end_requested_at__isnull=False).exists():
        session_end(session_id=session_id)
    else:
        raise LiveRefused("Only your interviewer can end the interview.")


def session_end(*, session_id: int) -> LiveSession:
    """Stop the clock, lock the answer and grade it as a solo submission would be."""
    with transaction.atomic():
        session = _locked(session_id)
        now = timezone.now()
        session.clock_seconds = session.clock_elapsed(now)
        session.clock_started_at = None
        session.state = LiveSession.State.ENDED
        session.ended_at = now
        session.save(update_fields=["clock_seconds", "clock_started_at", "state", "ended_at"])
        if session.attempt and session.attempt.status == Attempt.Status.DRAFT:
            # Submitted meanwhile by another path: the grade is already on its way.
            with contextlib.suppress(AttemptLocked):
                attempt_submit(attempt=session.attempt)
        _broadcast_session(session)
    return session


def notes_share(*, session: LiveSession, share: bool) -> None:
    LiveSession.objects.filter(pk=session.pk).update(notes_shared=share)
    session.notes_shared = share


# --- questions from the coverage panel (live.coverage) ------------------------------------------


def probe_send(*, session_id: int, stage: str, criterion: str, index: int) -> FollowUp:
    """Ask the candidate the bank's probe `index` of `criterion` (a criterion of `stage`)."""
    if stage not in STAGES:
        raise LiveRefused("Unknown stage.")
    with transaction.atomic():
        session = _locked(session_id)
        attempt = _attempt_of(session)
        spec = next((c for c in criteria_for_question(session.question) if c.id == criterion), None)
        if spec is None or spec.stage != stage or not 0 <= index < len(spec.probes):
            raise LiveRefused("That probe is not in this stage's bank.")
        return _question_ask(session, attempt, stage, spec.id, spec.probes[index])


def curveball_send(*, session_id: int) -> FollowUp:
    """Change the requirements once per interview, in the stage the interview is at."""
    with transaction.atomic():
        session = _locked(session_id)
        attempt = _attempt_of(session)
        change = coverage.curveball_change(session.question)
        if not change:
            raise LiveRefused("This question has no curveball.")
        if attempt.follow_ups.filter(criterion_key=FollowUp.CURVEBALL).exists():
            raise LiveRefused("The curveball was already sent.")
        return _question_ask(session, attempt, session.current_stage, FollowUp.CURVEBALL, change)


def _question_ask(
    session: LiveSession, attempt: Attempt, stage: str, key: str, question: str
) -> FollowUp:
    asked = attempt.follow_ups.filter(stage=stage)
    if asked.filter(question=question).exists():
        raise LiveRefused("That question was already asked.")
    if asked.count() >= settings.LIVE_QUESTIONS_PER_STAGE:
        raise LiveRefused(
            f"That is {settings.LIVE_QUESTIONS_PER_STAGE} questions in this stage already."
        )
    follow = FollowUp.objects.create(
        attempt=attempt, stage=stage, criterion_key=key, question=question
    )
    coverage.send_thread_after_commit(session, attempt, stage)
    coverage.send_coverage_after_commit(session.pk, attempt, stage)
    events.send_after_commit(
        session.pk,
        "candidate",
        data={"type": "question", "stage": stage, "stage_label": STAGE_LABELS[stage],
              "curveball": follow.is_curveball},
    )  # fmt: skip
    return follow
