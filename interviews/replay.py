"""The timeline of an attempt for the replay player: stage texts and board states over time."""

from __future__ import annotations

import math
from typing import Any

from interviews.models import (
    Attempt,
    FollowUp,
    HintUse,
    StageTextSnapshot,
    WhiteboardSnapshot,
)
from rubric.stages import STAGE_LABELS, STAGES


def replay_timeline(attempt: Attempt) -> dict[str, Any]:
    """Events in time order, each with the seconds since the start.

    Text events carry the whole text of one stage; board events carry a keyframe or the
    elements changed since the previous board event (the player applies them in order).
    """
    start = attempt.started_at
    events: list[dict[str, Any]] = []
    for snap in StageTextSnapshot.objects.filter(attempt=attempt).order_by("taken_at", "pk"):
        events.append(
            {
                "t": (snap.taken_at - start).total_seconds(),
                "kind": "text",
                "stage": snap.stage,
                "text": snap.text,
                # Copies taken at submission fill in the last words; they are not a visit to the stage.
                "final": attempt.submitted_at is not None and snap.taken_at >= attempt.submitted_at,
            }
        )
    for snap in WhiteboardSnapshot.objects.filter(attempt=attempt).order_by("taken_at", "pk"):
        events.append({"t": (snap.taken_at - start).total_seconds(), "kind": "board", "stage": snap.stage,
                       "keyframe": snap.is_keyframe, "elements": snap.elements, "removed": snap.removed_ids})  # fmt: skip
    hints = [
        {
            "t": (h.used_at - start).total_seconds(),
            "stage": h.stage,
            "label": f"{'Interviewer hint' if h.index is None else f'Hint {h.index + 1}'} · {STAGE_LABELS[h.stage]}",
        }
        for h in HintUse.objects.filter(attempt=attempt)
    ]
    exchanges = [_exchange(f, start) for f in FollowUp.objects.filter(attempt=attempt)]
    events.sort(key=lambda e: e["t"])
    # A stage change is where the stage of consecutive events differs.
    markers, current = [], None
    for event in events:
        if event.get("final"):
            continue
        if event["stage"] != current:
            current = event["stage"]
            markers.append({"t": event["t"], "stage": current, "label": STAGE_LABELS[current]})
    end = max([events[-1]["t"] if events else 0, *(x["replied_t"] or x["t"] for x in exchanges)])
    return {
        # Whole seconds, rounded up, so the scrubber's last position includes the last event.
        "duration": max(math.ceil(end), 1),
        "events": events,
        "markers": markers,
        "hints": hints,
        "exchanges": exchanges,
        "stages": [{"key": s, "label": STAGE_LABELS[s]} for s in STAGES],
    }


def _exchange(follow: FollowUp, start) -> dict[str, Any]:
    """A follow-up (or the curveball) at the moment it was asked, and the reply when it came."""
    return {
        "t": (follow.asked_at - start).total_seconds(),
        "stage": follow.stage,
        "question": follow.question,
        "reply": follow.reply,
        "replied_t": (follow.replied_at - start).total_seconds() if follow.replied_at else None,
        "curveball": follow.is_curveball,
        "label": f"{'Change of requirements' if follow.is_curveball else 'Follow-up'} · {STAGE_LABELS[follow.stage]}",
    }
