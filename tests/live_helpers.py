"""Live-interview test helpers: seated sessions and websocket clients on the real ASGI stack.

The sockets go through config.asgi (origin check, session auth, routing) and the Redis channel
layer of the test settings. A `Socket` keeps every frame it has received, so a test can inspect
all that a candidate's browser was ever sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from live import services
from live.models import LiveSession

ORIGIN = "http://localhost"


def seated_session(interviewer, candidate, question) -> LiveSession:
    session = services.live_session_create(interviewer=interviewer, question=question)
    if candidate is not None:
        session = services.live_session_join(token=session.invite_token, user=candidate)
    return session


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@dataclass
class Socket:
    communicator: WebsocketCommunicator
    frames: list[str] = field(default_factory=list)
    pending: list[dict] = field(default_factory=list)  # read while checking the connection

    async def send(self, message) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> str:
        output = (
            self.pending.pop(0) if self.pending else await self.communicator.receive_output(timeout)
        )
        if output["type"] == "websocket.close":
            raise ConnectionClosed(output.get("code"))
        self.frames.append(output["text"])
        return output["text"]

    async def next_json(self, kind: str, timeout: float = 3) -> dict:
        """The next JSON frame of type `kind` (skipping HTML fragments and other events)."""
        while True:
            text = await self.receive(timeout)
            if text.startswith("{"):
                data = json.loads(text)
                if data["type"] == kind:
                    return data

    async def next_html(self, fragment_id: str, timeout: float = 3) -> str:
        while True:
            text = await self.receive(timeout)
            if f'id="{fragment_id}"' in text:
                return text

    async def drain(self, timeout: float = 0.3) -> list[str]:
        """Whatever else arrives within `timeout` seconds."""
        got = []
        while self.pending or not await self.communicator.receive_nothing(timeout):
            got.append(await self.receive())
        return got

    async def close(self) -> None:
        await self.communicator.disconnect()


class ConnectionClosed(Exception):
    pass


async def open_socket(
    session_id: int, user=None, *, origin: str = ORIGIN, cookie: str | None = None
) -> tuple[bool, Socket | int | None]:
    """Connect as `user`; returns (True, Socket) or (False, close code)."""
    headers = [(b"host", b"localhost"), (b"origin", origin.encode())]
    if user is not None or cookie is not None:
        from asgiref.sync import sync_to_async

        value = cookie or await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={value}".encode()))
    communicator = WebsocketCommunicator(application, f"/ws/live/{session_id}/", headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if not connected:
        return False, code
    # A refused user's socket is accepted and closed at once (so the browser sees the 4403).
    first = await communicator.receive_output(5)
    if first["type"] == "websocket.close":
        return False, first.get("code")
    return True, Socket(communicator, pending=[first])


def run_scenario(scenario):
    """Run an async scenario from a sync test (the consumer's DB calls share the test's thread).

    Whatever the scenario left running (a socket it did not close, a consumer mid-handshake) is
    cancelled and awaited inside it, for a few seconds at most, so the event loop's own shutdown
    never waits on a task that is stuck in its clean-up."""

    async def bounded():
        try:
            return await scenario()
        finally:
            me = asyncio.current_task()
            left = [task for task in asyncio.all_tasks() if task is not me and not task.done()]
            for task in left:
                task.cancel()
            if left:
                await asyncio.wait(left, timeout=5)

    return async_to_sync(bounded)()


async def open_both(room, interviewer, candidate):
    """The interviewer's and the candidate's sockets, each past its first room state."""
    ok, lead = await open_socket(room.pk, interviewer)
    assert ok
    ok, seat = await open_socket(room.pk, candidate)
    assert ok
    await lead.next_json("state")
    await seat.next_json("state")
    return lead, seat
