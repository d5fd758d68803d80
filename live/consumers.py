"""The live room's websocket: one per open page, for the interviewer or the candidate.

On connect the consumer checks who is asking (only the session's two people get in), joins the
groups its role may hear, and sends the whole room state, so a reconnect is a resync. Incoming
messages are JSON objects with a `type`; each is size- and rate-limited, validated, and either
applied through `live.services` or answered with an error frame. The connection stays up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.crypto import constant_time_compare

from interviews.http import BodyRefused, loads_strict
from live import coverage, events, relay, services
from live.models import LiveSession
from live.services import LiveRefused
from rubric.stages import STAGES

log = logging.getLogger(__name__)
_SESSION_ENGINE = import_module(settings.SESSION_ENGINE)

CLOSE_SIGNED_OUT = 4401
CLOSE_NOT_ALLOWED = 4403
CLOSE_TOO_MANY = 4429
MAX_RATE_STRIKES = 20  # refused messages in a row before the connection is closed
RELAY_BATCH = 10  # relay frames charged to the shared count at once
RELAY_RECHECK_SECONDS = 1.0  # how often a stream of relay frames re-checks the login


async def _message_allowed(
    session_id: int, user_id: int, *, relayed: bool = False, weight: int = 1
) -> bool:
    """One more message from this person in this room, within LIVE_RATE_BURST per window of
    LIVE_RATE_BURST / LIVE_RATE_PER_SECOND seconds (30 per 3 s: 10 a second, bursts of 30).
    Relay frames (keystrokes, strokes, the pointer) have an allowance of their own
    (LIVE_RELAY_RATE_*), so typing never uses up the room's actions.

    Counted in the cache per person and session, not per connection: dropping the socket and
    opening a new one does not start a fresh allowance. add() starts the window, incr() keeps its
    expiry; both are atomic in Redis, so two tabs share one count."""
    rate, burst, kind = (
        (settings.LIVE_RELAY_RATE_PER_SECOND, settings.LIVE_RELAY_RATE_BURST, "live-relay-rate")
        if relayed
        else (settings.LIVE_RATE_PER_SECOND, settings.LIVE_RATE_BURST, "live-rate")
    )
    window = max(1, round(burst / rate))
    key = f"{kind}:{session_id}:{user_id}"
    if await cache.aadd(key, weight, timeout=window):
        return weight <= burst
    try:
        # Not cache.aincr: Django's async default re-sets the key with the default timeout (300 s,
        # so a window never ended) and is not atomic; incr() is Redis' INCR, which keeps the expiry.
        count = await sync_to_async(cache.incr)(key, weight)
    except ValueError:  # the window ended between add() and incr()
        await cache.aadd(key, weight, timeout=window)
        return weight <= burst
    return count <= burst


class RelayAllowance:
    """Relay frames come ten a second per page: a cache round trip and a login query for each
    would cost more than the frame. So a socket counts its relay frames in memory (a window of
    LIVE_RELAY_RATE_BURST frames, exact), and charges them to the shared per-person count
    (`_message_allowed`, which outlives a reconnect) RELAY_BATCH at a time or once a second."""

    def __init__(self) -> None:
        self.window_start = 0.0
        self.in_window = 0
        self.uncharged = 0
        self.charged_at = 0.0
        self.shared_ok = True

    async def allow(self, session_id: int, user_id: int) -> bool:
        now = time.monotonic()
        window = settings.LIVE_RELAY_RATE_BURST / settings.LIVE_RELAY_RATE_PER_SECOND
        if now - self.window_start >= window:
            self.window_start, self.in_window = now, 0
        self.in_window += 1
        self.uncharged += 1
        if self.uncharged >= RELAY_BATCH or now - self.charged_at >= RELAY_RECHECK_SECONDS:
            self.shared_ok = await _message_allowed(
                session_id, user_id, relayed=True, weight=self.uncharged
            )
            self.uncharged, self.charged_at = 0, now
        return self.shared_ok and self.in_window <= settings.LIVE_RELAY_RATE_BURST


class FrameError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _field(data: dict[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    value = data.get(name)
    if value is None and optional:
        return None
    # htmx's ws-send posts form values as strings: accept a few plain digits for integer fields.
    if kind is int and isinstance(value, str) and value.isascii() and value.isdecimal():
        value = int(value) if len(value) <= 6 else value
    if kind is bool and isinstance(value, str) and value in {"true", "false"}:
        value = value == "true"
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FrameError("invalid", f"`{name}` must be a {kind.__name__}.")
    return value


class LiveSessionConsumer(AsyncWebsocketConsumer):
    session_id: int
    role: str
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        self.session_id = int(self.scope["url_route"]["kwargs"]["pk"])
        role = await self._role_of(user) if user and user.is_authenticated else None
        if role is None:
            # Not logged in, not one of the two people, or no such session: all look the same.
            # Accept first: a close before the handshake reaches the browser as 1006, which the
            # htmx extension would retry for ever; 4403 tells the page to stop and say why.
            await self.accept()
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.role = role
        self.user_id = user.pk
        self.session_key = self.scope["session"].session_key
        self.strikes = 0
        self.relay_allowance = RelayAllowance()
        self.login_checked_at = 0.0
        self.peers: dict[str, str] = {}  # channel name -> role of the other sockets in the room
        # What relay frames are checked against, kept current by the session events (no query).
        self.room: dict[str, Any] = {"stage": None, "state": None, "drawing_allowed": False}
        await self.accept()
        # Join before reading the state: an event racing the read arrives again, never not at all.
        for audience in ("all", role):
            group = events.group_name(self.session_id, audience)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        # Logging out (in any tab of this browser) closes this socket at once.
        group = events.login_group(self.session_key)
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.append(group)
        await self.send_room_state()
        await self._announce("hello")

    async def disconnect(self, code: int) -> None:
        if not self.groups_joined:
            return
        await self._announce("bye")
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    # --- incoming ----------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        relayed = False
        try:
            # Parsed first, to count it in its own allowance; a bad frame still counts.
            try:
                data, refusal = self._parse(text_data, bytes_data), None
            except FrameError as exc:
                data, refusal = None, exc
            relayed = data is not None and data["type"] in relay.FRAME_TYPES
            # The logout event may still be on its way: nothing is done for a login that ended.
            if not await self._signed_in(relayed):
                await self.close(code=CLOSE_SIGNED_OUT)
                return
            if relayed:
                allowed = await self.relay_allowance.allow(self.session_id, self.user_id)
            else:
                allowed = await _message_allowed(self.session_id, self.user_id)
            if not allowed:
                self.strikes += 1
                if self.strikes > MAX_RATE_STRIKES:
                    await self.close(code=CLOSE_TOO_MANY)
                    return
                raise FrameError("rate_limited", "Too many messages; slow down.")
            self.strikes = 0
            if refusal is not None:
                raise refusal
            handler = HANDLERS[self.role].get(data["type"])
            if handler is None:
                raise FrameError("unknown_type", f"Unknown message type {data['type'][:40]!r}.")
            await handler(self, data)
        except FrameError as exc:
            await self.send_error(exc.code, str(exc), relayed=relayed)
        except relay.RelayRefused as exc:
            await self.send_error("refused", str(exc), relayed=True)
        except LiveRefused as exc:
            await self.send_json({"type": "error", "code": "refused", "message": str(exc)})
        except LiveSession.DoesNotExist:
            await self.close(code=CLOSE_NOT_ALLOWED)
        except Exception:
            # A bug or an outage (the database restarting): say so, keep the connection.
            log.exception("live: %s message failed in session %s", self.role, self.session_id)
            await self.send_json(
                {
                    "type": "error",
                    "code": "server_error",
                    "message": "That did not work; try again.",
                }
            )

    async def _signed_in(self, relayed: bool) -> bool:
        """Every message re-checks the login, relay frames at most once a second (logging out
        closes the socket at once anyway, through `live_signed_out`)."""
        now = time.monotonic()
        if relayed and now - self.login_checked_at < RELAY_RECHECK_SECONDS:
            return True
        signed_in = await database_sync_to_async(self._still_signed_in)()
        self.login_checked_at = now if signed_in else 0.0
        return signed_in

    def _parse(self, text_data: str | None, bytes_data: bytes | None) -> dict[str, Any]:
        if text_data is None:
            raise FrameError("malformed", "Send JSON text frames.")
        size = len(text_data.encode("utf-8", "surrogatepass"))
        # Relay frames (a stage's text, a stroke of many points) may be larger than the others.
        if size > max(settings.LIVE_MESSAGE_MAX_BYTES, settings.LIVE_RELAY_MAX_BYTES):
            raise FrameError("too_large", "That message is too large.")
        try:
            data = loads_strict(text_data)
        except BodyRefused as exc:  # NaN, Infinity, a number too long
            raise FrameError("invalid", str(exc)) from None
        except (ValueError, RecursionError):
            raise FrameError("malformed", "That message is not valid JSON.") from None
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise FrameError("malformed", "Send a JSON object with a `type`.")
        if size > settings.LIVE_MESSAGE_MAX_BYTES and data["type"] not in relay.FRAME_TYPES:
            raise FrameError("too_large", "That message is too large.")
        return data

    async def on_clock(self, data: dict[str, Any]) -> None:
        running = _field(data, "running", bool)
        await database_sync_to_async(services.clock_set)(
            session_id=self.session_id, running=running
        )

    async def on_stage(self, data: dict[str, Any]) -> None:
        stage = _field(data, "stage", str)
        await database_sync_to_async(services.stage_set)(session_id=self.session_id, stage=stage)

    async def on_hint(self, data: dict[str, Any]) -> None:
        stage = _field(data, "stage", str)
        index = _field(data, "index", int, optional=True) if data.get("index") != "" else None
        text = _field(data, "text", str, optional=True) or ""
        await database_sync_to_async(services.hint_send)(
            session_id=self.session_id, stage=stage, index=index, text=text
        )

    async def on_note(self, data: dict[str, Any]) -> None:
        text = _field(data, "text", str)
        await database_sync_to_async(services.note_add)(session_id=self.session_id, text=text)

    async def on_scorecard(self, data: dict[str, Any]) -> None:
        criterion = _field(data, "criterion", str)
        level = _field(data, "level", int, optional=True) if data.get("level") != "" else None
        comment = _field(data, "comment", str, optional=True) or ""
        await database_sync_to_async(services.scorecard_set)(
            session_id=self.session_id, criterion_key=criterion, level=level, comment=comment
        )

    async def on_end(self, data: dict[str, Any]) -> None:
        wait = await database_sync_to_async(services.session_end_request)(
            session_id=self.session_id
        )
        if not wait:
            await database_sync_to_async(services.session_end)(session_id=self.session_id)
            return
        # The candidate's page saves its last edits and ends the session; if it never answers
        # (closed, offline), end it from here after a grace period.
        self.end_timer = asyncio.create_task(self._end_after_grace())

    async def _end_after_grace(self) -> None:
        await asyncio.sleep(settings.LIVE_END_GRACE_SECONDS)
        with contextlib.suppress(LiveRefused):  # the candidate's page ended it already
            await database_sync_to_async(services.session_end)(session_id=self.session_id)

    async def on_saved_for_end(self, data: dict[str, Any]) -> None:
        await database_sync_to_async(services.session_end_when_requested)(
            session_id=self.session_id
        )

    async def on_drawing(self, data: dict[str, Any]) -> None:
        allow = _field(data, "allow", bool)
        await database_sync_to_async(services.drawing_allow)(
            session_id=self.session_id, allow=allow
        )

    async def on_resync(self, data: dict[str, Any]) -> None:
        await self.send_room_state()

    async def on_probe(self, data: dict[str, Any]) -> None:
        """A probe from the coverage panel (live.coverage), asked as a question in the stage."""
        await database_sync_to_async(services.probe_send)(
            session_id=self.session_id,
            stage=_field(data, "stage", str),
            criterion=_field(data, "criterion", str),
            index=_field(data, "index", int),
        )

    async def on_curveball(self, data: dict[str, Any]) -> None:
        await database_sync_to_async(services.curveball_send)(session_id=self.session_id)

    # --- relay: passed on at once, never stored (see live.relay) ------------------------------

    def _relay_open(self) -> None:
        if self.room["state"] == LiveSession.State.ENDED:
            raise relay.RelayRefused("This interview has ended.")

    async def on_relay_text(self, data: dict[str, Any]) -> None:
        """The candidate's current stage as they type: to the interviewer only."""
        self._relay_open()
        event = relay.text_event(data, current_stage=self.room["stage"])
        await self._relay_send("interviewer", event)

    async def on_relay_board(self, data: dict[str, Any]) -> None:
        """Changed board elements: from the candidate, or from the interviewer while allowed."""
        self._relay_open()
        self._relay_may_draw()
        await self._relay_send("all", {**relay.board_event(data), "from": self.role})

    async def on_relay_pointer(self, data: dict[str, Any]) -> None:
        self._relay_open()
        self._relay_may_draw()
        await self._relay_send("all", {**relay.pointer_event(data), "from": self.role})

    def _relay_may_draw(self) -> None:
        if self.role == "interviewer" and not self.room["drawing_allowed"]:
            raise relay.RelayRefused("The candidate has not let you draw on the board.")

    async def _relay_send(self, audience: events.Audience, data: dict[str, Any]) -> None:
        message = {**events.layer_message(audience, data=data), "sender": self.channel_name}
        await self.channel_layer.group_send(events.group_name(self.session_id, audience), message)

    # --- outgoing ----------------------------------------------------------------------------

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(data, separators=(",", ":")))

    async def send_error(self, code: str, message: str, *, relayed: bool = False) -> None:
        """An error frame; one about a relay frame says so (the page resends whole, quietly)."""
        frame = {"type": "error", "code": code, "message": message}
        await self.send_json({**frame, "relay": True} if relayed else frame)

    async def live_event(self, event: dict[str, Any]) -> None:
        """An event from `live.events`; dropped unless this socket's role may see it."""
        if event["audience"] not in ("all", self.role):
            log.error("live: %s event reached a %s socket; dropped", event["audience"], self.role)
            return
        if event.get("sender") == self.channel_name:
            return  # this socket's own relay frame
        self._follow_room(event.get("data"))
        if event.get("html"):
            await self.send(text_data=event["html"])
        if event.get("data"):
            await self.send_json(event["data"])

    async def live_signed_out(self, event: dict[str, Any]) -> None:
        """This socket's login ended (`events.close_login_sockets`)."""
        await self.close(code=CLOSE_SIGNED_OUT)

    async def live_presence(self, event: dict[str, Any]) -> None:
        """Who else is in the room: each socket announces itself; the others answer 'here'."""
        sender, kind = event["channel"], event["kind"]
        if sender == self.channel_name:
            return
        if kind == "bye":
            self.peers.pop(sender, None)
        else:
            self.peers[sender] = event["role"]
        if kind == "hello":
            await self.channel_layer.send(
                sender,
                {"type": "live.presence", "kind": "here", "role": self.role, "channel": self.channel_name},
            )  # fmt: skip
        await self.send_presence()

    async def _announce(self, kind: str) -> None:
        group = events.group_name(self.session_id, "all")
        message = {
            "type": "live.presence",
            "kind": kind,
            "role": self.role,
            "channel": self.channel_name,
        }
        await self.channel_layer.group_send(group, message)

    async def send_presence(self) -> None:
        present = {self.role, *self.peers.values()}
        session = await database_sync_to_async(self._load)()
        html = render_to_string(
            "live/_presence.html", {"session": session, "present": present, "oob": True}
        )
        await self.send(text_data=html)

    def _follow_room(self, data: dict[str, Any] | None) -> None:
        if data and data.get("type") in ("session", "state"):
            for key in self.room:
                self.room[key] = data[key]

    async def send_room_state(self) -> None:
        state = await database_sync_to_async(self._room_state)()
        self._follow_room(state)
        for html in state.pop("fragments"):
            await self.send(text_data=html)
        await self.send_json(state)

    # --- database -----------------------------------------------------------------------------

    def _still_signed_in(self) -> bool:
        """The socket's login still holds: its session exists, for this user, and was not ended
        by a password change (the session's hash still matches the user's)."""
        store = _SESSION_ENGINE.SessionStore(session_key=self.session_key)
        if store.get(SESSION_KEY) != str(self.user_id):
            return False
        user = get_user_model().objects.filter(pk=self.user_id, is_active=True).first()
        return user is not None and constant_time_compare(
            store.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
        )

    @database_sync_to_async
    def _role_of(self, user) -> str | None:
        session = LiveSession.objects.filter(pk=self.session_id).first()
        return session.role_of(user) if session else None

    def _load(self) -> LiveSession:
        return LiveSession.objects.select_related(
            "question", "attempt", "candidate", "interviewer"
        ).get(pk=self.session_id)

    def _room_state(self) -> dict[str, Any]:
        """Everything this role's page needs to show the room as it is now."""
        session = self._load()
        state: dict[str, Any] = {**services.session_data(session), "type": "state"}
        state["fragments"] = [services.hints_fragment(session)]
        attempt = session.attempt
        board = getattr(attempt, "whiteboard", None) if attempt else None
        if board is not None:
            state["board"] = {"scene": board.scene, "version": board.version}
        if session.may_see_notes(self.role):
            state["fragments"].append(services.notes_fragment(session))
        if session.may_see_scorecard(self.role):
            state["scorecard"] = {
                e.criterion_key: {"level": e.level, "comment": e.comment}
                for e in session.scorecard.all()
            }
        if attempt is not None:  # the coverage panel, or the candidate's question threads
            state["fragments"].extend(
                coverage.coverage_fragments(attempt)
                if self.role == "interviewer"
                else [coverage.thread_fragment(attempt, s) for s in STAGES]
            )
        if self.role == "interviewer":  # the candidate's page holds its own texts
            state["texts"] = (
                {r.stage: {"text": r.text, "version": r.version} for r in attempt.responses.all()}
                if attempt
                else {}
            )
        return state


HANDLERS = {
    "interviewer": {
        "clock": LiveSessionConsumer.on_clock,
        "stage": LiveSessionConsumer.on_stage,
        "hint": LiveSessionConsumer.on_hint,
        "note": LiveSessionConsumer.on_note,
        "scorecard": LiveSessionConsumer.on_scorecard,
        "end": LiveSessionConsumer.on_end,
        "resync": LiveSessionConsumer.on_resync,
        "probe": LiveSessionConsumer.on_probe,
        "curveball": LiveSessionConsumer.on_curveball,
        "relay_board": LiveSessionConsumer.on_relay_board,
        "relay_pointer": LiveSessionConsumer.on_relay_pointer,
    },
    "candidate": {
        "drawing": LiveSessionConsumer.on_drawing,
        "saved_for_end": LiveSessionConsumer.on_saved_for_end,
        "resync": LiveSessionConsumer.on_resync,
        "relay_text": LiveSessionConsumer.on_relay_text,
        "relay_board": LiveSessionConsumer.on_relay_board,
        "relay_pointer": LiveSessionConsumer.on_relay_pointer,
    },
}
