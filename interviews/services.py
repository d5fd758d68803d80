"""Writes that span rows or start work elsewhere: starting, saving and submitting attempts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from interviews.errors import AttemptLocked
from interviews.hooks import follow_up_replied
from interviews.models import (
    Attempt,
    FollowUp,
    Question,
    StageResponse,
    StageTextSnapshot,
    Whiteboard,
)
from interviews.whiteboards import whiteboard_snapshot
from rubric.services import grade_create_for
from rubric.stages import STAGES


@dataclass(frozen=True)
class SaveOutcome:
    saved: bool
    version: int
    text: str


def attempt_start(
    *,
    user,
    question: Question,
    mode: str = Attempt.Mode.SOLO,
    preview: bool = False,
    realistic: bool = False,
) -> Attempt:
    """`preview`: open on the question with the clock stopped until the candidate starts it.
    `realistic`: solo practice that delivers the question's curveball at its minute."""
    with transaction.atomic():
        attempt = Attempt.objects.create(
            user=user,
            question=question,
            mode=mode,
            time_limit_minutes=question.total_minutes,
            clock_running_since=None if preview else timezone.now(),
            realistic=realistic and mode == Attempt.Mode.SOLO,
        )
        StageResponse.objects.bulk_create(
            StageResponse(attempt=attempt, stage=stage) for stage in STAGES
        )
        Whiteboard.objects.create(attempt=attempt)
    return attempt


CLOCK_ACTIONS = ("start", "pause", "resume")


def attempt_clock_set(*, attempt_id: int, user, action: str) -> Attempt:
    """Start, pause or resume a solo draft's clock; a repeated action changes nothing.

    1. Lock the row: two tabs pausing at once must not both add the running time.
    2. "start" only leaves the preview, "pause" only stops a running clock, "resume" only
       restarts a paused one, so a double click or a stale tab is harmless.
    """
    if action not in CLOCK_ACTIONS:
        raise ValueError(f"Unknown clock action {action!r}.")
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id, user=user)
        if attempt.status != Attempt.Status.DRAFT or attempt.mode != Attempt.Mode.SOLO:
            raise AttemptLocked()
        now = timezone.now()
        state = attempt.clock_state
        if action == "pause" and state == "running":
            attempt.clock_seconds = attempt.clock_elapsed(now)
            attempt.clock_running_since = None
        elif (action, state) in (("start", "preview"), ("resume", "paused")):
            attempt.clock_running_since = now
        else:
            return attempt
        attempt.save(update_fields=["clock_seconds", "clock_running_since"])
    return attempt


def question_create_custom(*, owner, title: str, prompt: str) -> Question:
    """A user's own practice question; graded by the base rubric, visible only to its owner."""
    first_line = prompt.strip().splitlines()[0]
    summary = first_line if len(first_line) <= 160 else first_line[:157].rsplit(" ", 1)[0] + "…"
    return Question.objects.create(
        slug=f"custom-{uuid.uuid4().hex[:12]}",
        title=title,
        summary=summary,
        prompt=prompt,
        tags=["custom"],
        in_bank=False,
        owner=owner,
    )


def stage_text_save(*, attempt_id: int, user, stage: str, text: str, version: int) -> SaveOutcome:
    """Save `text` only if the client edited the latest version of its own draft.

    1. One `UPDATE ... WHERE version = v AND attempt is the user's draft`: exactly one writer
       wins for each version, and the common case costs a single query. A submit in flight
       bumps every version under a row lock (`attempt_submit`), so a save racing it matches
       nothing once the submit commits.
    2. When nothing was updated, find out why: not the user's attempt (404), submitted
       (AttemptLocked), or a newer version exists (return it so the client can reconcile).
    """
    updated = StageResponse.objects.filter(
        attempt_id=attempt_id,
        attempt__user=user,
        attempt__status=Attempt.Status.DRAFT,
        stage=stage,
        version=version,
    ).update(text=text, version=version + 1, updated_at=timezone.now())
    if updated == 1:
        _snapshot_text(attempt_id=attempt_id, stage=stage, text=text)
        return SaveOutcome(saved=True, version=version + 1, text=text)
    current = StageResponse.objects.select_related("attempt").get(
        attempt_id=attempt_id, attempt__user=user, stage=stage
    )
    if current.attempt.status != Attempt.Status.DRAFT:
        raise AttemptLocked
    return SaveOutcome(saved=False, version=current.version, text=current.text)


TEXT_SNAPSHOT_EVERY = timedelta(seconds=20)


def _snapshot_text(*, attempt_id: int, stage: str, text: str) -> None:
    """Keep the text for replay at most once per 20 s per stage: the claim is one conditional UPDATE."""
    now = timezone.now()
    claimed = StageResponse.objects.filter(
        Q(snapshot_at__isnull=True) | Q(snapshot_at__lte=now - TEXT_SNAPSHOT_EVERY),
        attempt_id=attempt_id,
        stage=stage,
    ).update(snapshot_at=now)
    if claimed:
        StageTextSnapshot.objects.create(
            attempt_id=attempt_id, stage=stage, text=text, taken_at=now
        )


def stage_time_record(
    *, attempt: Attempt, stage: str, seconds: int, current_stage: str | None = None
) -> None:
    """Add time the browser measured on a stage (bounded, so a forged report cannot inflate it)."""
    if not attempt.can_edit(attempt.user):
        raise AttemptLocked
    seconds = max(0, min(int(seconds), settings.STAGE_TIME_MAX_DELTA_SECONDS))
    if seconds:
        StageResponse.objects.filter(attempt=attempt, stage=stage).update(
            seconds_spent=F("seconds_spent") + seconds
        )
    if current_stage and current_stage != attempt.current_stage:
        attempt.current_stage = current_stage
        attempt.save(update_fields=["current_stage"])
        whiteboard_snapshot(attempt_id=attempt.pk, force=True)  # history marks every stage change


def attempt_submit(*, attempt: Attempt):
    """Lock the attempt and queue its grade; the task is sent only after the commit.

    1. Claim draft → submitted.
    2. Bump every stage and board version under a row lock: a save already waiting on one of
       those rows, or arriving before this commits, then matches no version and is refused.
    3. Record the final state for the replay and queue the grade after the commit.
    """
    with transaction.atomic():
        claimed = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.DRAFT).update(
            status=Attempt.Status.SUBMITTED, submitted_at=timezone.now()
        )
        if claimed != 1:
            raise AttemptLocked
        StageResponse.objects.filter(attempt=attempt).update(version=F("version") + 1)
        Whiteboard.objects.filter(attempt=attempt).update(version=F("version") + 1)
        attempt.refresh_from_db(fields=["status", "submitted_at"])
        _snapshot_final_state(attempt)
        return grade_create_for(attempt=attempt)


def _snapshot_final_state(attempt: Attempt) -> None:
    """The replay ends on exactly what was submitted, whatever the throttles skipped."""
    StageTextSnapshot.objects.bulk_create(
        StageTextSnapshot(
            attempt=attempt, stage=r.stage, text=r.text, taken_at=attempt.submitted_at
        )
        for r in attempt.responses.all()
    )
    whiteboard_snapshot(attempt_id=attempt.pk, force=True)


@transaction.atomic
def follow_up_reply(*, follow: FollowUp, reply: str) -> FollowUp:
    """Store the candidate's written reply to a follow-up question (graded with its stage), and
    announce it: in a live interview the interviewer's panel shows it at once."""
    follow.reply, follow.replied_at = reply.strip(), timezone.now()
    follow.save(update_fields=["reply", "replied_at"])
    follow_up_replied.send(sender=FollowUp, attempt=follow.attempt, follow_up=follow)
    return follow
