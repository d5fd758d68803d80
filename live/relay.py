"""Keystroke-level relay: what the candidate types and draws, passed to the other side at once.

Relay frames are never stored: the durable, versioned saves (`live.services.candidate_*_save`)
remain the only writes, and the interviewer's page reconciles its relayed text with each saved
version. This module only checks a frame and builds the event the other side receives; the
consumer decides who may send it (`consumers.LiveSessionConsumer.on_relay_*`).

Text frames name the page that sends them (`source`, a random id per page load) and number its
frames per stage (`seq`), so the receiver can tell a gap (a lost frame) from the next edit:

    {"type": "relay_text", "stage": "goals", "source": "k3…", "seq": 12,
     "text": "whole text"}                                   # or, when smaller:
     "splice": {"at": 40, "remove": 0, "insert": "pCTR", "base_length": 40}

A save of the same page carries `relay: {source, seq}` (the frame whose text it saved), and the
saved event passes it on, so the receiver knows which relayed text the saved version matches.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.conf import settings

from rubric.scene import SceneError, clean_scene
from rubric.stages import STAGES

FRAME_TYPES = frozenset({"relay_text", "relay_board", "relay_pointer"})
SOURCE = re.compile(r"[A-Za-z0-9_-]{8,40}")
MAX_SEQ = 2**31
MAX_BOARD_ELEMENTS = 200  # changed elements in one frame; a bigger change waits for the save
MAX_COORDINATE = 10**12


class RelayRefused(Exception):
    """A relay frame that is malformed or not allowed; the message goes back in an error frame."""


def _int(data: dict[str, Any], name: str, upper: int) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= upper:
        raise RelayRefused(f"`{name}` must be a whole number from 0 to {upper}.")
    return value


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise RelayRefused(f"`{name}` must be a string.")
    if "\x00" in value:
        raise RelayRefused(f"`{name}` holds a NUL character, which cannot be stored.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the channel layer could not carry it either
        raise RelayRefused(f"`{name}` holds characters that cannot be stored.") from None
    return value


def relay_mark(data: Any) -> dict[str, Any] | None:
    """The `{source, seq}` a relayed page puts beside a save, or None (a page without relay)."""
    if not isinstance(data, dict):
        return None
    source, seq = data.get("source"), data.get("seq")
    if not (isinstance(source, str) and SOURCE.fullmatch(source)):
        return None
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < MAX_SEQ:
        return None
    return {"source": source, "seq": seq}


def text_event(data: dict[str, Any], *, current_stage: str) -> dict[str, Any]:
    """The interviewer's `live_text` event for a `relay_text` frame; raises RelayRefused."""
    stage = data.get("stage")
    if stage not in STAGES:
        raise RelayRefused("`stage` must be one of the interview's stages.")
    if stage != current_stage:
        raise RelayRefused("Only the stage the interview is on is shown live.")
    mark = relay_mark(data)
    if mark is None:
        raise RelayRefused("`source` (8–40 letters or digits) and `seq` are required.")
    limit = settings.STAGE_TEXT_MAX_CHARS
    event: dict[str, Any] = {"type": "live_text", "stage": stage, **mark}
    if "text" in data:
        text = _text(data["text"], "text")
        if len(text) > limit:
            raise RelayRefused(f"This stage is limited to {limit:,} characters.")
        event["text"] = text
        return event
    splice = data.get("splice")
    if not isinstance(splice, dict):
        raise RelayRefused("Send `text` or `splice`.")
    base = _int(splice, "base_length", limit)
    at = _int(splice, "at", base)
    remove = _int(splice, "remove", base - at)
    insert = _text(splice.get("insert"), "insert")
    if base - remove + len(insert) > limit:
        raise RelayRefused(f"This stage is limited to {limit:,} characters.")
    event["splice"] = {"at": at, "remove": remove, "insert": insert, "base_length": base}
    return event


def board_event(data: dict[str, Any]) -> dict[str, Any]:
    """The `live_board` event for a `relay_board` frame: changed elements only, cleaned like a
    saved board's (unknown fields dropped, numbers finite); raises RelayRefused."""
    elements = data.get("elements")
    if not isinstance(elements, list) or not elements:
        raise RelayRefused("`elements` must be a non-empty list of changed elements.")
    if len(elements) > MAX_BOARD_ELEMENTS:
        raise RelayRefused(f"Send at most {MAX_BOARD_ELEMENTS} changed elements a frame.")
    try:
        cleaned = clean_scene({"elements": elements})
    except SceneError as exc:
        raise RelayRefused(str(exc)) from None
    return {"type": "live_board", "elements": cleaned["elements"]}


def pointer_event(data: dict[str, Any]) -> dict[str, Any]:
    """The `live_pointer` event: where the sender's pointer is on the board (null: it left)."""
    x, y = data.get("x"), data.get("y")
    if x is None and y is None:
        return {"type": "live_pointer", "x": None, "y": None}
    for name, value in (("x", x), ("y", y)):
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or abs(value) > MAX_COORDINATE
        ):
            raise RelayRefused(f"`{name}` must be a finite number.")
    return {"type": "live_pointer", "x": round(x, 1), "y": round(y, 1)}
