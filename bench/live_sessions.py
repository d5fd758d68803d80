"""20 live interviews at once: how long until the interviewer's socket shows the candidate's work.

Each session has a candidate autosaving a stage about once a second (typing pace) and the board
every three seconds, through the real HTTP endpoints, and an interviewer connected over a real
websocket. Latency runs from just before the candidate's save request is sent to the moment the
interviewer's socket receives the matching event (same version); the first 3 s are reported apart.
Targets: text p95 < 150 ms,
board p95 < 250 ms. Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); `make bench` or:
  DATABASE_URL=postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk REDIS_URL=redis://127.0.0.1:6379/15 \\
    .venv/bin/python bench/live_sessions.py
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time

import common
from scene_factory import make_scene

SESSIONS = int(os.environ.get("BENCH_SESSIONS", 20))
SECONDS = float(os.environ.get("BENCH_SECONDS", 30))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
BOARD_ELEMENTS = int(os.environ.get("BENCH_BOARD_ELEMENTS", 60))
# All sessions start within the first second: their first saves fill the servers' connection pools
# and write each board's first history keyframe. Reported apart from the steady state.
WARMUP = 3.0


def prepare_sessions() -> list[dict]:
    question = common.bench_question()
    from django.contrib.auth.models import User

    from live import services

    rooms = []
    for i in range(SESSIONS):
        lead, _ = User.objects.get_or_create(username=f"bench-live-lead-{i}")
        seat, _ = User.objects.get_or_create(username=f"bench-live-seat-{i}")
        session = services.live_session_create(interviewer=lead, question=question)
        session = services.live_session_join(token=session.invite_token, user=seat)
        rooms.append(
            {
                "session": session.pk,
                "attempt": session.attempt_id,
                "lead": common.logged_in(lead),
                "seat": common.logged_in(seat),
            }
        )
    return rooms


async def run_room(base: str, room: dict, lags: dict, stop: float) -> None:
    sent: dict[tuple[str, int], float] = {}
    async with common.live_socket(base, room["session"], room["lead"]["cookies"]) as socket:

        async def listen() -> None:
            async for message in socket:
                if not message.startswith("{"):
                    continue
                event = json.loads(message)
                if event["type"] in ("text", "board"):
                    started = sent.pop((event["type"], event["version"]), None)
                    if started is not None:
                        lag = time.perf_counter() - started
                        warm = time.monotonic() > stop - SECONDS + WARMUP
                        lags[event["type"], warm].append(lag)

        listener = asyncio.create_task(listen())
        http = common.KeepAliveClient(base, room["seat"]["cookies"])
        headers = {"Content-Type": "application/json", "X-CSRFToken": room["seat"]["csrf"]}
        text, text_version, board_version, next_board = "", 0, 0, 0.0
        scene = make_scene(BOARD_ELEMENTS)
        await asyncio.sleep(random.uniform(0, 1))  # people do not type in lock-step
        while time.monotonic() < stop:
            if time.monotonic() >= next_board:
                element = random.choice(scene["elements"])
                element["version"] += 1
                element["x"] += 1
                body = json.dumps({"scene": scene, "version": board_version}).encode()
                sent[("board", board_version + 1)] = time.perf_counter()
                path = f"/live/{room['session']}/answer/whiteboard/"
                status, payload = await http.request("POST", path, body, headers)
                if status == 200:
                    board_version = json.loads(payload)["version"]
                next_board = time.monotonic() + 3
            text = (text + "We would log impressions and clicks, then join them. ")[-8000:]
            body = json.dumps({"text": text, "version": text_version}).encode()
            sent[("text", text_version + 1)] = time.perf_counter()
            path = f"/live/{room['session']}/answer/stages/goals/"
            status, payload = await http.request("POST", path, body, headers)
            if status == 200:
                text_version = json.loads(payload)["version"]
            await asyncio.sleep(random.uniform(0.8, 1.2))
        await asyncio.sleep(0.5)  # let the last events arrive
        listener.cancel()
        await http.close()


async def run(base: str, rooms: list[dict]) -> dict:
    lags = {(kind, warm): [] for kind in ("text", "board") for warm in (False, True)}
    stop = time.monotonic() + SECONDS
    await asyncio.gather(*(run_room(base, r, lags, stop) for r in rooms))
    return lags


def main() -> None:
    assert os.environ.get("DATABASE_URL", "").startswith("postgres"), "set DATABASE_URL"
    assert os.environ.get("REDIS_URL"), "set REDIS_URL (the channel layer)"
    rooms = prepare_sessions()
    env = {"CHALKTALK_ENV": "development", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    with common.served_app(env, workers=WORKERS) as base:
        lags = asyncio.run(run(base, rooms))
    text = common.summary("candidate text save -> interviewer socket", lags["text", True])
    print(f"{text} (target p95 < 150 ms)")
    label = f"board save ({BOARD_ELEMENTS} elements) -> interviewer socket"
    print(f"{common.summary(label, lags['board', True])} (target p95 < 250 ms)")
    label = (
        f"first {WARMUP:.0f} s: every session's first saves at once (pools fill, first keyframes)"
    )
    print(common.summary(label, lags["text", False] + lags["board", False]))
    print(f"{SESSIONS} live sessions, {WORKERS} uvicorn workers, {SECONDS:.0f} s")


if __name__ == "__main__":
    main()
