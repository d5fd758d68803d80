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


# The most a number in a scene may be: JavaScript's largest exact integer (ids' seeds, timestamps).
MAX_NUMBER = 2**53
MAX_SHORT_CHARS = 200
MAX_LINK_CHARS = 2_048
MAX_LIST_ITEMS = 500  # group ids, bound elements, elbow segments

# Excalidraw 0.18's element fields (its element/types.d.ts), by what each holds. Anything else an
# element carries is dropped rather than stored. None is accepted for each (Excalidraw uses null).
_NUMBERS = frozenset({"x", "y", "width", "height", "angle", "strokeWidth", "roughness", "opacity",
                      "fontSize", "lineHeight", "updated"})  # fmt: skip
_INTEGERS = frozenset({"version", "versionNonce", "seed", "fontFamily"})
_SHORT_TEXTS = frozenset({"strokeColor", "backgroundColor", "fillStyle", "strokeStyle", "textAlign",
                          "verticalAlign", "containerId", "frameId", "index", "startArrowhead",
                          "endArrowhead", "name"})  # fmt: skip
_BOOLEANS = frozenset({"isDeleted", "locked", "autoResize", "elbowed", "simulatePressure",
                       "startIsSpecial", "endIsSpecial", "polygon"})  # fmt: skip
_STRUCTURED = frozenset({"id", "type", "text", "originalText", "link", "groupIds", "points",
                         "pressures", "lastCommittedPoint", "boundElements", "startBinding",
                         "endBinding", "roundness", "fixedSegments", "customData"})  # fmt: skip
# Excalidraw's element-skeleton shorthand (convertToExcalidrawElements), which scene files written
# by hand use: a label on a shape or arrow, and an arrow's ends by element id.
_SKELETON = frozenset({"label", "start", "end"})
ELEMENT_FIELDS = _NUMBERS | _INTEGERS | _SHORT_TEXTS | _BOOLEANS | _STRUCTURED | _SKELETON
# What our own component library puts in customData (static/whiteboard/src/library.js).
_CUSTOM_DATA_FIELDS = frozenset({"chalktalkComponent", "group"})


class SceneError(ValueError):
    """The scene is malformed, too large or holds something the board does not accept."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: Any) -> bool:
    if not _number(value):
        return False
    try:
        return math.isfinite(value) and abs(value) < 1e12  # no canvas is wider than this
    except OverflowError:  # an integer too large for a float
        return False


def _bad_number(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value) or abs(value) > MAX_NUMBER
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER


def _check_numbers(element: dict[str, Any], where: str) -> None:
    """Every number anywhere in the element is finite and fits a browser's number.

    Iterative (a deeply nested value must not exhaust the stack), and paths are only built to
    name a fault once one is found, so a large board costs one quick walk."""
    stack: list[Any] = [element]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif _bad_number(value):
            raise SceneError(f"{_path_of(element, where)} must be a finite number")


def _path_of(element: dict[str, Any], where: str) -> str:
    stack: list[tuple[str, Any]] = [(where, element)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{str(k)[:40]}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
        elif _bad_number(value):
            return path
    return where


def _point(value: Any) -> bool:
    return isinstance(value, list) and len(value) >= 2 and _finite(value[0]) and _finite(value[1])


def _short_text(value: Any, limit: int = MAX_SHORT_CHARS) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _cleaned_binding(value: Any, where: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not (isinstance(value, dict) and _short_text(value.get("elementId"))):
        raise SceneError(f"{where} must be null or an object with an elementId")
    binding = {"elementId": value["elementId"]}
    for key in ("focus", "gap"):
        if value.get(key) is not None:
            if not _number(value[key]):
                raise SceneError(f"{where}.{key} must be a number")
            binding[key] = value[key]
    if value.get("fixedPoint") is not None:
        if not _point(value["fixedPoint"]):
            raise SceneError(f"{where}.fixedPoint must be an [x, y] pair of numbers")
        binding["fixedPoint"] = value["fixedPoint"][:2]
    return binding


def _cleaned_list(value: Any, where: str, item) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_LIST_ITEMS:
        raise SceneError(f"{where} must be a list of at most {MAX_LIST_ITEMS} items")
    return [item(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _group_id(value: Any, where: str) -> str:
    if not _short_text(value):
        raise SceneError(f"{where} must be a short string")
    return value


def _bound_element(value: Any, where: str) -> dict[str, str]:
    if not (isinstance(value, dict) and _short_text(value.get("id"))):
        raise SceneError(f"{where} must be an object with an id")
    kind = value.get("type")
    return {"id": value["id"], "type": kind if _short_text(kind) else "arrow"}


def _segment(value: Any, where: str) -> dict[str, Any]:
    if not (isinstance(value, dict) and _point(value.get("start")) and _point(value.get("end"))):
        raise SceneError(f"{where} must have start and end points")
    index = value.get("index")
    return {"start": value["start"][:2], "end": value["end"][:2],
            "index": index if isinstance(index, int) and not isinstance(index, bool) else 0}  # fmt: skip


def _cleaned_element(element: Any, index: int) -> dict[str, Any]:
    """The element with only Excalidraw's fields, each checked; raises SceneError."""
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
        shown = kind[:30] if isinstance(kind, str) else type(kind).__name__
        raise SceneError(f"{where}.type {shown!r} is not a supported element type")
    cleaned: dict[str, Any] = {"id": element["id"], "type": kind}
    for key, value in element.items():
        if key not in ELEMENT_FIELDS or key in ("id", "type"):
            continue  # unknown fields are not stored
        field = f"{where}.{key}"
        if value is None:
            cleaned[key] = None
        elif key in ("x", "y", "width", "height", "angle"):
            if not _finite(value):
                raise SceneError(f"{field} must be a finite number")
        elif key in _NUMBERS:
            if not _number(value):
                raise SceneError(f"{field} must be a number")
        elif key in _INTEGERS:
            if not isinstance(value, int) or isinstance(value, bool):
                raise SceneError(f"{field} must be a whole number")
        elif key in _SHORT_TEXTS:
            if not _short_text(value):
                raise SceneError(f"{field} must be text of at most {MAX_SHORT_CHARS} characters")
        elif key in _BOOLEANS:
            if not isinstance(value, bool):
                raise SceneError(f"{field} must be true or false")
        elif key in ("text", "originalText"):
            if not _short_text(value, MAX_TEXT_CHARS):
                raise SceneError(f"{field} must be text of at most {MAX_TEXT_CHARS} characters")
        elif key == "link":
            if not _short_text(value, MAX_LINK_CHARS):
                raise SceneError(f"{field} must be a link of at most {MAX_LINK_CHARS} characters")
        elif key == "points":
            if not isinstance(value, list) or len(value) > MAX_POINTS:
                raise SceneError(f"{field} must be a list of at most {MAX_POINTS} points")
            if not all(_point(point) for point in value):
                raise SceneError(f"{field} must hold [x, y] pairs of numbers")
            value = [point[:2] for point in value]
        elif key == "pressures":
            if not isinstance(value, list) or len(value) > MAX_POINTS:
                raise SceneError(f"{field} must be a list of at most {MAX_POINTS} numbers")
            if not all(_number(p) for p in value):
                raise SceneError(f"{field} must hold numbers")
        elif key == "lastCommittedPoint":
            if not _point(value):
                raise SceneError(f"{field} must be null or an [x, y] pair of numbers")
            value = value[:2]
        elif key in ("startBinding", "endBinding"):
            value = _cleaned_binding(value, field)
        elif key == "groupIds":
            value = _cleaned_list(value, field, _group_id)
        elif key == "boundElements":
            value = _cleaned_list(value, field, _bound_element)
        elif key == "fixedSegments":
            value = _cleaned_list(value, field, _segment)
        elif key == "roundness":
            if not (isinstance(value, dict) and isinstance(value.get("type"), int)):
                raise SceneError(f"{field} must be null or an object with a type")
            radius = value.get("value")
            value = {"type": value["type"], **({"value": radius} if _number(radius) else {})}
        elif key == "label":
            if not (isinstance(value, dict) and _short_text(value.get("text"), MAX_TEXT_CHARS)):
                raise SceneError(
                    f"{field} must be an object with a text of at most {MAX_TEXT_CHARS} characters"
                )
            value = {"text": value["text"]}
        elif key in ("start", "end"):
            if not (isinstance(value, dict) and _short_text(value.get("id"))):
                raise SceneError(f"{field} must be an object with an element id")
            value = {"id": value["id"]}
        elif key == "customData":
            value = {k: v for k, v in value.items() if k in _CUSTOM_DATA_FIELDS and _short_text(v)} if isinstance(value, dict) else None  # fmt: skip
            if not value:
                continue
        cleaned[key] = value
    _check_numbers(element, where)  # also the fields not kept: NaN anywhere is refused, not dropped
    return cleaned


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
    # What the candidate said a box is comes from their corrections on the results page (stored
    # apart and applied when grading), never from a scene a browser sends.
    cleaned = [
        _without_said(_cleaned_element(element, index)) for index, element in enumerate(elements)
    ]
    app_state = data.get("appState") if isinstance(data.get("appState"), dict) else {}
    background = app_state.get("viewBackgroundColor")
    grid = app_state.get("gridSize")
    return {
        "elements": cleaned,
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
