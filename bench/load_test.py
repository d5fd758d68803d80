"""Five minutes of a busy evening on the production-like stack (`make load-test`).

Starts `scripts/prod_local.sh` (uvicorn ×2, Celery worker and beat, PostgreSQL, Redis,
CHALKTALK_ENV=production) on a free port, then at once:
  - 200 candidates autosaving a stage every 2 s (moving to the next stage every 30 s);
  - 20 live interviews: the candidate autosaves text every 2 s and the board every 6 s, the
    interviewer's websocket receives both; the interviewer adds a note and a scorecard line
    every 30 s;
  - a stream of submissions: every 3 s a new candidate starts an attempt, writes two stages,
    submits, and waits for the grade.
At the end every acknowledged save is read back from PostgreSQL (the last confirmed text and
version of every stage must be there), and it prints error rates, p95 latencies and server CPU
per request. LOAD_SECONDS, LOAD_CANDIDATES and LOAD_SESSIONS change the mix; LOAD_SOCKET_WORKERS=1
serves the websockets from a uvicorn process of their own (what a proxy routing /ws/ would do).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import common
from scene_factory import make_scene

from rubric.stages import STAGES

SECONDS = float(os.environ.get("LOAD_SECONDS", 300))
CANDIDATES = int(os.environ.get("LOAD_CANDIDATES", 200))
SESSIONS = int(os.environ.get("LOAD_SESSIONS", 20))
SUBMIT_EVERY = 3.0
# >0: serve the websockets from their own uvicorn processes (as a proxy routing /ws/ would).
SOCKET_WORKERS = int(os.environ.get("LOAD_SOCKET_WORKERS", 0))
STAMPS = common.ROOT / ".stamps"


def prod_env(port: int) -> dict[str, str]:
    """The environment prod_local.sh runs with, so this process can share its database and keys."""
    secret = STAMPS / "prod-secret"
    if not secret.exists():
        STAMPS.mkdir(exist_ok=True)
        secret.write_text(__import__("secrets").token_urlsafe(50))
    return {
        "CHALKTALK_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secret.read_text().strip(),
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": "postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk_prod",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }


def start_stack(env: dict[str, str]) -> subprocess.Popen:
    log = open(STAMPS / "load-test-server.log", "w")  # noqa: SIM115 (lives as long as the stack)
    process = subprocess.Popen(
        ["bash", "scripts/prod_local.sh"], cwd=common.ROOT, env={**os.environ, **env},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, f"prod_local.sh exited; see {log.name}"
        try:
            if httpx.get(f"http://127.0.0.1:{env['PORT']}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the production-like stack did not become ready")


def machine_busy_seconds() -> float:
    """CPU seconds all processes spent busy since boot (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- preparing users and attempts directly in the database -------------------------------------


def prepare() -> dict:
    question = common.bench_question()
    from django.contrib.auth.models import User

    from interviews.services import attempt_start
    from live import services

    run = f"{int(time.time())}"

    def user(name: str) -> User:
        return User.objects.create_user(f"load-{run}-{name}")

    candidates = []
    for i in range(CANDIDATES):
        u = user(f"c{i}")
        candidates.append(
            {**common.logged_in(u), "attempt": attempt_start(user=u, question=question).pk}
        )
    rooms = []
    for i in range(SESSIONS):
        session = services.live_session_create(interviewer=user(f"lead{i}"), question=question)
        seat = user(f"seat{i}")
        session = services.live_session_join(token=session.invite_token, user=seat)
        rooms.append(
            {"session": session.pk, "attempt": session.attempt_id,
             "lead": common.logged_in(session.interviewer), "seat": common.logged_in(seat)}
        )  # fmt: skip
    submitters = []
    for i in range(int(SECONDS / SUBMIT_EVERY) + 5):
        u = user(f"s{i}")
        submitters.append({**common.logged_in(u), "username": u.username})
    return {"candidates": candidates, "rooms": rooms, "submitters": submitters}


# --- the load ---------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.acked: dict[
            tuple[int, str], tuple[int, str]
        ] = {}  # (attempt, stage) -> (version, text)

    def record(self, kind: str, started: float, ok: bool) -> None:
        self.latency[kind].append(time.perf_counter() - started)
        if not ok:
            self.errors[kind] += 1


def headers(spec: dict) -> dict:
    return {"Content-Type": "application/json", "X-CSRFToken": spec["csrf"]}


async def autosave(http, spec: dict, attempt: int, stage: str, text: str, version: int,
                   stats: Stats, kind: str, live_session: int | None = None) -> int:  # fmt: skip
    """One save (through the live route when in a live interview); returns the new version (or
    the old one when it failed)."""
    body = json.dumps({"text": text, "version": version}).encode()
    path = (f"/live/{live_session}/answer/stages/{stage}/" if live_session
            else f"/attempts/{attempt}/stages/{stage}/")  # fmt: skip
    started = time.perf_counter()
    try:
        status, payload = await http.request("POST", path, body, headers(spec))
    except (OSError, asyncio.IncompleteReadError, ValueError):
        http.writer = None  # reconnect next time
        stats.record(kind, started, False)
        return version
    stats.record(kind, started, status == 200)
    if status == 200:
        version = json.loads(payload)["version"]
        stats.acked[attempt, stage] = (version, text)
    return version


async def candidate(base: str, spec: dict, stats: Stats, stop: float) -> None:
    http = common.KeepAliveClient(base, spec["cookies"])
    versions = dict.fromkeys(STAGES, 0)
    texts = dict.fromkeys(STAGES, "")
    began = time.monotonic()
    await asyncio.sleep(random.uniform(0, 2))
    while time.monotonic() < stop:
        stage = STAGES[int((time.monotonic() - began) // 30) % len(STAGES)]
        texts[stage] = (texts[stage] + f" The {stage} plan, step {versions[stage]}.")[-6000:]
        versions[stage] = await autosave(
            http, spec, spec["attempt"], stage, texts[stage], versions[stage], stats, "autosave"
        )
        await asyncio.sleep(2)
    await http.close()


async def live_room(base: str, sockets: str, room: dict, stats: Stats, stop: float) -> None:
    sent: dict[tuple[str, int], float] = {}
    async with common.live_socket(sockets, room["session"], room["lead"]["cookies"]) as socket:

        async def listen() -> None:
            async for message in socket:
                if message.startswith("{"):
                    event = json.loads(message)
                    if event["type"] == "error":
                        stats.errors["live action"] += 1
                    started = sent.pop((event["type"], event.get("version")), None)
                    if started is not None:
                        stats.latency[f"live {event['type']} relay"].append(
                            time.perf_counter() - started
                        )

        listener = asyncio.create_task(listen())
        http = common.KeepAliveClient(base, room["seat"]["cookies"])
        scene, text, version, board_version = make_scene(60), "", 0, 0
        next_board = next_note = time.monotonic() + random.uniform(0, 2)
        n = 0
        while time.monotonic() < stop:
            n += 1
            if time.monotonic() >= next_board:
                random.choice(scene["elements"])["version"] += 1
                body = json.dumps({"scene": scene, "version": board_version}).encode()
                sent["board", board_version + 1] = started = time.perf_counter()
                path = f"/live/{room['session']}/answer/whiteboard/"
                status, payload = await http.request("POST", path, body, headers(room["seat"]))
                stats.record("live board save", started, status == 200)
                if status == 200:
                    board_version = json.loads(payload)["version"]
                next_board += 6
            if time.monotonic() >= next_note:
                await socket.send(
                    json.dumps({"type": "note", "text": f"Note {n}: clear on metrics"})
                )
                level = random.randint(0, 3)
                await socket.send(json.dumps({"type": "scorecard", "criterion": "clarify-requirements", "level": level}))  # fmt: skip
                next_note += 30
            text = (text + " Impressions join clicks within thirty minutes.")[-6000:]
            sent["text", version + 1] = time.perf_counter()
            version = await autosave(
                http, room["seat"], room["attempt"], "goals", text, version, stats, "live text save", live_session=room["session"]
            )  # fmt: skip
            await asyncio.sleep(2)
        await asyncio.sleep(1)
        listener.cancel()
        await http.close()


async def submitter(base: str, spec: dict, stats: Stats) -> None:
    http = common.KeepAliveClient(base, spec["cookies"])
    form = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": spec["csrf"]}
    started = time.perf_counter()
    status, _ = await http.request("POST", "/questions/ad-click-prediction/start/", b"", form)
    stats.record("start attempt", started, status == 302)
    if status != 302:
        return
    # The redirect names the new attempt; the keep-alive client does not follow it, so ask the list.
    from interviews.models import Attempt

    attempt = await asyncio.to_thread(
        lambda: (
            Attempt.objects.filter(user__username=spec["username"])
            .values_list("pk", flat=True)
            .first()
        )
    )
    for stage in ("goals", "data"):
        await autosave(
            http,
            spec,
            attempt,
            stage,
            f"We predict pCTR for the {stage} stage.",
            0,
            stats,
            "autosave",
        )
    started = time.perf_counter()
    status, _ = await http.request("POST", f"/attempts/{attempt}/submit/", b"", form)
    stats.record("submit", started, status == 302)
    from rubric.models import Grade

    def graded() -> bool:
        return Grade.objects.filter(attempt_id=attempt, status=Grade.Status.DONE).exists()

    deadline = time.monotonic() + 60
    while not await asyncio.to_thread(graded):
        if time.monotonic() > deadline:
            stats.errors["submit to grade"] += 1
            break
        await asyncio.sleep(0.25)
    else:
        stats.latency["submit to grade"].append(time.perf_counter() - started)
    await http.close()


async def run(base: str, sockets: str, people: dict, stats: Stats) -> None:
    stop = time.monotonic() + SECONDS

    async def submissions() -> None:
        tasks = []
        for spec in people["submitters"]:
            if time.monotonic() >= stop:
                break
            tasks.append(asyncio.create_task(submitter(base, spec, stats)))
            await asyncio.sleep(SUBMIT_EVERY)
        await asyncio.gather(*tasks)

    await asyncio.gather(
        submissions(),
        *(candidate(base, c, stats, stop) for c in people["candidates"]),
        *(live_room(base, sockets, r, stats, stop) for r in people["rooms"]),
    )


def verify(stats: Stats) -> tuple[int, int]:
    """Every (attempt, stage) holds exactly the last text the server confirmed for it."""
    from interviews.models import StageResponse

    attempts = {a for a, _ in stats.acked}
    stored = {
        (r.attempt_id, r.stage): (r.version, r.text)
        for r in StageResponse.objects.filter(attempt_id__in=attempts)
    }
    # A submit bumps every version once (it fences off late saves), so the version may be higher.
    missing = sum(
        1
        for key, (version, text) in stats.acked.items()
        if key not in stored or stored[key][1] != text or stored[key][0] < version
    )
    return len(stats.acked), missing


def report(stats: Stats, elapsed: float, server_cpu: float, own_cpu: float) -> None:
    total = sum(len(v) for v in stats.latency.values())
    errors = sum(stats.errors.values())
    print(
        f"{SECONDS:.0f} s: {CANDIDATES} candidates, {SESSIONS} live sessions, a submission every {SUBMIT_EVERY:.0f} s"
        + (
            f"; websockets on {SOCKET_WORKERS} uvicorn processes of their own"
            if SOCKET_WORKERS
            else ""
        )
    )
    for kind in sorted(stats.latency):
        ms = [v * 1000 for v in stats.latency[kind]]
        print(f"  {kind:<24} n={len(ms):>6}  p50={statistics.median(ms):7.1f} ms  "
              f"p95={common.percentile(ms, 95):7.1f} ms  errors={stats.errors.get(kind, 0)}")  # fmt: skip
    print(f"  requests and events: {total} in {elapsed:.0f} s ({total / elapsed:.0f}/s); errors: {errors} ({errors / max(total, 1):.3%})")  # fmt: skip
    print(f"  server CPU (every process but the load generator): {server_cpu:.0f} s, {1000 * server_cpu / max(total, 1):.1f} ms per request")  # fmt: skip
    print(f"  load generator CPU: {own_cpu:.0f} s; machine: {os.cpu_count()} cores")


def main() -> None:
    port = common.free_port()
    env = prod_env(port)
    os.environ.update({k: v for k, v in env.items() if k != "PORT"})
    stack = start_stack(env)
    sockets = f"http://127.0.0.1:{port}"
    socket_server = contextlib.nullcontext(sockets)
    if SOCKET_WORKERS:
        socket_server = common.served_app(env, workers=SOCKET_WORKERS)
    try:
        sockets = socket_server.__enter__()
        common.django_setup()
        people = prepare()
        stats = Stats()
        busy, mine, began = machine_busy_seconds(), own_cpu_seconds(), time.monotonic()
        asyncio.run(run(f"http://127.0.0.1:{port}", sockets, people, stats))
        elapsed = time.monotonic() - began
        own_cpu = own_cpu_seconds() - mine
        server_cpu = (machine_busy_seconds() - busy) - own_cpu
        report(stats, elapsed, server_cpu, own_cpu)
        saves, missing = verify(stats)
        print(f"  read back: {saves} acknowledged stage saves, {missing} missing or different")
        sys.exit(1 if missing else 0)
    finally:
        socket_server.__exit__(None, None, None)
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(timeout=30)


if __name__ == "__main__":
    main()
