"""Validation of whiteboard scenes (Excalidraw JSON) sent by browsers or answer files."""

from __future__ import annotations

import math
import re
from typing import Any

MAX_ELEMENTS = 5_000
MAX_SCENE_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 2_000
MAX_POINTS = 5_000
ELEMENT_TYPES = frozenset(
    {
        "rectangle",
        "ellipse",
        "diamond",
        "arrow",
        "line",
        "freedraw",
        "text",
        "frame",
        "magicframe",
        "embeddable",
    }
)
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|transparent|[a-z]{3,20})$")
_ID = re.compile(r"^[\w-]{1,64}$")


class SceneError(ValueError):
    """The scene is malformed, too large or holds something the board does not accept."""


def _finite(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value) and abs(value) < 1e12  # no canvas is wider than this
    except OverflowError:  # an integer too large for a float
        return False


def _check_element(element: Any, index: int) -> None:
    where = f"elements[{index}]"
    if not isinstance(element, dict):
        raise SceneError(f"{where} must be an object")
    if not isinstance(element.get("id"), str) or not _ID.match(element["id"]):
        raise SceneError(f"{where}.id must be a short string of letters, digits, _ or -")
    kind = element.get("type")
    if kind == "image":
        raise SceneError(
            "Images cannot be added to the board; draw the component and label it instead."
        )
    if kind not in ELEMENT_TYPES:
        raise SceneError(f"{where}.type {str(kind)[:30]!r} is not a supported element type")
    for key in ("x", "y", "width", "height", "angle"):
        if key in element and not _finite(element[key]):
            raise SceneError(f"{where}.{key} must be a finite number")
    for key in ("version", "versionNonce"):
        if key in element and not isinstance(element[key], int):
            raise SceneError(f"{where}.{key} must be a whole number")
    for key in ("text", "originalText"):
        if key in element and (
            not isinstance(element[key], str) or len(element[key]) > MAX_TEXT_CHARS
        ):
            raise SceneError(f"{where}.{key} must be text of at most {MAX_TEXT_CHARS} characters")
    if element.get("containerId") is not None and not isinstance(element["containerId"], str):
        raise SceneError(f"{where}.containerId must be an element id or null")
    for key in ("startBinding", "endBinding"):
        binding = element.get(key)
        if binding is not None and not (
            isinstance(binding, dict) and isinstance(binding.get("elementId"), str)
        ):
            raise SceneError(f"{where}.{key} must be null or an object with an elementId")
    points = element.get("points")
    if points is not None:
        if not isinstance(points, list) or len(points) > MAX_POINTS:
            raise SceneError(f"{where}.points must be a list of at most {MAX_POINTS} points")
        for point in points:
            if not (
                isinstance(point, list)
                and len(point) >= 2
                and _finite(point[0])
                and _finite(point[1])
            ):
                raise SceneError(f"{where}.points must hold [x, y] pairs of numbers")


# Where a correction ("this box is a feature store") is written into an element for grading.
SAID_KEY = "chalktalkSaid"


def _without_said(element: dict[str, Any]) -> dict[str, Any]:
    custom = element.get("customData")
    if isinstance(custom, dict) and SAID_KEY in custom:
        return {**element, "customData": {k: v for k, v in custom.items() if k != SAID_KEY}}
    return element


def clean_scene(data: Any) -> dict[str, Any] | None:
    """Return the scene reduced to what the board needs, or raise SceneError saying what is wrong."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise SceneError("The scene must be a JSON object with an `elements` list.")
    elements = data.get("elements")
    if not isinstance(elements, list):
        raise SceneError("The scene must have an `elements` list.")
    if len(elements) > MAX_ELEMENTS:
        raise SceneError(
            f"The board is limited to {MAX_ELEMENTS:,} elements; this scene has {len(elements):,}."
        )
    if data.get("files"):
        raise SceneError(
            "Images cannot be added to the board; draw the component and label it instead."
        )
    for index, element in enumerate(elements):
        _check_element(element, index)
    # What the candidate said a box is comes from their corrections on the results page (stored
    # apart and applied when grading), never from a scene a browser sends.
    elements = [_without_said(e) for e in elements]
    app_state = data.get("appState") if isinstance(data.get("appState"), dict) else {}
    background = app_state.get("viewBackgroundColor")
    grid = app_state.get("gridSize")
    return {
        "elements": elements,
        "appState": {
            "viewBackgroundColor": background
            if isinstance(background, str) and _COLOUR.match(background)
            else "#ffffff",
            "gridSize": grid
            if isinstance(grid, int) and not isinstance(grid, bool) and 0 < grid <= 100
            else None,
        },
        "files": {},
    }
