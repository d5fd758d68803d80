"""Saving the whiteboard and keeping a compact, throttled history of it for replay."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from interviews.errors import AttemptLocked
from interviews.models import Attempt, Whiteboard, WhiteboardSnapshot

SNAPSHOT_EVERY = timedelta(seconds=20)
KEYFRAME_EVERY = 20  # snapshots; a keyframe bounds how many deltas a replay must apply


@dataclass(frozen=True)
class BoardSaveOutcome:
    saved: bool
    version: int
    scene: dict[str, Any] | None


def whiteboard_save(
    *, attempt_id: int, user, scene: dict[str, Any], version: int
) -> BoardSaveOutcome:
    """Versioned write of the board, like `stage_text_save`; then maybe a history snapshot."""
    updated = Whiteboard.objects.filter(
        attempt_id=attempt_id,
        attempt__user=user,
        attempt__status=Attempt.Status.DRAFT,
        version=version,
    ).update(
        scene=scene,
        version=version + 1,
        element_count=len(scene["elements"]),
        updated_at=timezone.now(),
    )
    if updated != 1:
        board = Whiteboard.objects.select_related("attempt").get(
            attempt_id=attempt_id, attempt__user=user
        )
        if board.attempt.status != Attempt.Status.DRAFT:
            raise AttemptLocked
        return BoardSaveOutcome(saved=False, version=board.version, scene=board.scene)
    whiteboard_snapshot(attempt_id=attempt_id)
    return BoardSaveOutcome(saved=True, version=version + 1, scene=scene)


def whiteboard_snapshot(*, attempt_id: int, force: bool = False) -> WhiteboardSnapshot | None:
    """Record what changed on the board since the last snapshot.

    1. Lock the board row so two saves cannot both decide to snapshot.
    2. Skip when the last snapshot is recent and the stage is the same (unless forced).
    3. Store only elements whose version changed, and the ids that disappeared; every
       KEYFRAME_EVERY snapshots store the whole scene instead.
    """
    now = timezone.now()
    with transaction.atomic():
        board = (
            Whiteboard.objects.select_for_update()
            .select_related("attempt")
            .get(attempt_id=attempt_id)
        )
        stage = board.attempt.current_stage
        recent = board.snapshot_at and now - board.snapshot_at < SNAPSHOT_EVERY
        if recent and stage == board.snapshot_stage and not force:
            return None
        elements = (board.scene or {}).get("elements", [])
        versions = {e["id"]: e.get("version", 0) for e in elements}
        keyframe = board.snapshot_count % KEYFRAME_EVERY == 0
        changed = (
            elements
            if keyframe
            else [e for e in elements if board.snapshot_versions.get(e["id"]) != versions[e["id"]]]
        )
        removed = [] if keyframe else [i for i in board.snapshot_versions if i not in versions]
        if not keyframe and not changed and not removed and stage == board.snapshot_stage:
            return None
        snapshot = WhiteboardSnapshot.objects.create(
            attempt_id=attempt_id,
            taken_at=now,
            stage=stage,
            is_keyframe=keyframe,
            elements=changed,
            removed_ids=removed,
            size_bytes=len(json.dumps(changed, separators=(",", ":"))) + len(json.dumps(removed)),
        )
        board.snapshot_versions = versions
        board.snapshot_at = now
        board.snapshot_stage = stage
        board.snapshot_count += 1
        board.save(
            update_fields=["snapshot_versions", "snapshot_at", "snapshot_stage", "snapshot_count"]
        )
    return snapshot


def replay_scenes(snapshots: list[WhiteboardSnapshot]) -> list[dict[str, Any]]:
    """Rebuild the board as it was at each snapshot (for the replay player and tests)."""
    state: dict[str, dict[str, Any]] = {}
    frames = []
    for snapshot in snapshots:
        if snapshot.is_keyframe:
            state = {}
        for element in snapshot.elements:
            state[element["id"]] = element
        for removed in snapshot.removed_ids:
            state.pop(removed, None)
        frames.append(
            {
                "taken_at": snapshot.taken_at,
                "stage": snapshot.stage,
                "elements": list(state.values()),
            }
        )
    return frames
