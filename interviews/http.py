"""JSON over HTTP, as the practice page and the live room speak it: errors, bodies and the save
protocol (`{text, version}` and `{scene, version}` in; the new version or a 409 out).

Solo practice and live interviews both save through these, so a save means the same on each route.
"""

from __future__ import annotations

import json
import math
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from interviews.services import SaveOutcome
from interviews.whiteboards import BoardSaveOutcome
from rubric.scene import MAX_SCENE_BYTES, clean_scene

MAX_JSON_BODY = 256 * 1024  # 20,000 characters of text can take up to 4 bytes each, plus escaping


class BodyRefused(ValueError):
    """A request body that cannot be used; the message is shown to the person."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def json_error(message: str, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def locked_json() -> JsonResponse:
    return json_error("This attempt was submitted and can no longer be edited.", 409, locked=True)


def json_login_required(view):
    """Like `login_required`, but answers scripts with 401 JSON instead of a login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return json_error("Your session has ended. Log in again to keep saving.", 401)
        return view(request, *args, **kwargs)

    return wrapper


# Digits a JSON integer may have: more is no version, count or coordinate, and Python would
# answer a long one with its own digit-limit error (and spend quadratic time converting it).
MAX_INT_DIGITS = 20


def _refuse_constant(name: str):
    raise BodyRefused(f"Numbers must be finite; {name} is not accepted.")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise BodyRefused(f"A number in the request is too long (over {MAX_INT_DIGITS} digits).")
    return int(digits)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999 is valid JSON, and infinite
        raise BodyRefused("Numbers must be finite; a number in the request is too large.")
    return value


def loads_strict(raw: bytes | str):
    """`json.loads` without NaN, Infinity, infinite floats or over-long integers: each raises
    BodyRefused with a message for the person, never Python's own."""
    return json.loads(
        raw,
        parse_constant=_refuse_constant,
        parse_int=_bounded_int,
        parse_float=_finite_float,
    )


def read_json(request: HttpRequest, limit: int = MAX_JSON_BODY) -> dict:
    if len(request.body) > limit:
        raise BodyRefused("The request is too large.", 413)
    try:
        data = loads_strict(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise BodyRefused("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BodyRefused("Expected a JSON object.")
    try:
        # The database stores neither NUL characters nor lone UTF-16 surrogates: refuse them here.
        stored = json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused(
            "The text holds characters that cannot be stored (a broken emoji?)."
        ) from None
    except RecursionError:
        raise BodyRefused("The request body is nested too deeply.") from None
    if b"\\u0000" in stored and _holds_nul(data):
        raise BodyRefused("The text holds a NUL character, which cannot be stored.")
    return data


def _holds_nul(data: object) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _version_of(data: dict, shape: str) -> int:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise BodyRefused(f"Send {shape}.")
    return version


def text_save_body(request: HttpRequest) -> tuple[str, int]:
    """The `{text, version}` of a stage save, checked; raises BodyRefused."""
    shape = "{text: string, version: non-negative integer}"
    data = read_json(request)
    text = data.get("text")
    version = _version_of(data, shape)
    if not isinstance(text, str):
        raise BodyRefused(f"Send {shape}.")
    limit = settings.STAGE_TEXT_MAX_CHARS
    if len(text) > limit:
        raise BodyRefused(
            f"This stage is limited to {limit:,} characters; yours has {len(text):,}.", 413
        )
    return text, version


def board_save_body(request: HttpRequest) -> tuple[dict, int]:
    """The `{scene, version}` of a board save, checked; raises BodyRefused."""
    if len(request.body) > MAX_SCENE_BYTES:
        raise BodyRefused(f"The board is limited to {MAX_SCENE_BYTES // 1024 // 1024} MB.", 413)
    shape = "{scene: object, version: non-negative integer}"
    data = read_json(request, limit=MAX_SCENE_BYTES)
    version = _version_of(data, shape)
    try:
        scene = clean_scene(data.get("scene"))
    except ValueError as exc:  # SceneError
        raise BodyRefused(str(exc)) from None
    if scene is None:
        raise BodyRefused(f"Send {shape}.")
    return scene, version


def text_save_answer(outcome: SaveOutcome) -> JsonResponse:
    if not outcome.saved:
        return json_error(
            "A newer version of this stage was saved elsewhere.",
            409,
            text=outcome.text,
            version=outcome.version,
        )
    return JsonResponse({"version": outcome.version})


def board_save_answer(outcome: BoardSaveOutcome) -> JsonResponse:
    if not outcome.saved:
        return json_error(
            "A newer board was saved elsewhere.", 409, scene=outcome.scene, version=outcome.version
        )
    return JsonResponse({"version": outcome.version})
