"""Autosave under load: 50 concurrent clients against the ASGI server on PostgreSQL.

In the same run, the same clients hit a trivial endpoint (/healthz) as the baseline.
Needs PostgreSQL (DATABASE_URL); run `make bench` or:
  DATABASE_URL=postgres://chalktalk:chalktalk@127.0.0.1:5432/chalktalk .venv/bin/python bench/autosave_load.py
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time

import common

CLIENTS = int(os.environ.get("BENCH_CLIENTS", 50))
SECONDS = float(os.environ.get("BENCH_SECONDS", 15))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))


def prepare_sessions(count: int = CLIENTS) -> list[dict]:
    """Create one user, session and attempt per client, directly in the database."""
    question = common.bench_question()
    from django.contrib.auth.models import User

    from interviews.services import attempt_start

    clients = []
    for i in range(count):
        user, _ = User.objects.get_or_create(username=f"bench-{i}")
        attempt = attempt_start(user=user, question=question)
        clients.append({**common.logged_in(user), "attempt": attempt.pk, "version": 0})
    return clients


async def run_phase(
    base: str, clients: list[dict], autosave: bool, interval: float = 0.0
) -> tuple[list[float], int, float]:
    """Each client sends requests back to back (interval 0) or one every `interval` seconds."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + SECONDS

    async def one_client(spec: dict) -> None:
        nonlocal errors
        http = common.KeepAliveClient(base, spec["cookies"])
        headers = {"Content-Type": "application/json", "X-CSRFToken": spec["csrf"]}
        # Real people do not type in lock-step: spread the clients over the interval.
        await asyncio.sleep(random.uniform(0, interval))
        text = ""
        while time.monotonic() < stop:
            start = time.perf_counter()
            if autosave:
                text = (text + "More reasoning about the trade-offs of this design. ")[-15000:]
                body = json.dumps({"text": text, "version": spec["version"]}).encode()
                path = f"/attempts/{spec['attempt']}/stages/goals/"
                status, payload = await http.request("POST", path, body, headers)
                if status == 200:
                    spec["version"] = json.loads(payload)["version"]
            else:
                status, _ = await http.request("GET", "/healthz")
            took = time.perf_counter() - start
            latencies.append(took)
            errors += status != 200
            if interval:
                await asyncio.sleep(max(0.0, interval - took))
        await http.close()

    began = time.monotonic()
    await asyncio.gather(*(one_client(c) for c in clients))
    return latencies, errors, time.monotonic() - began


PHASES = (
    # (label, autosave?, seconds between a client's requests; 0 = back to back)
    ("trivial /healthz, back to back", False, 0.0),
    ("autosave, back to back", True, 0.0),
    ("autosave, each client once a second (typing pace)", True, 1.0),
)


def main() -> None:
    assert os.environ.get("DATABASE_URL", "").startswith("postgres"), "set DATABASE_URL"
    clients = prepare_sessions()
    env = {"CHALKTALK_ENV": "development", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    rates = {}
    with common.served_app(env, workers=WORKERS) as base:
        for label, autosave, interval in PHASES:
            latencies, errors, elapsed = asyncio.run(run_phase(base, clients, autosave, interval))
            rates[label] = len(latencies) / elapsed
            print(f"{common.summary(label, latencies)} {rates[label]:.0f} req/s errors={errors}")
    ratio = rates[PHASES[1][0]] / rates[PHASES[0][0]]
    print(f"{CLIENTS} clients, {WORKERS} uvicorn workers, {SECONDS:.0f} s a phase")
    print(f"autosave / trivial throughput: {ratio:.2f}")


if __name__ == "__main__":
    main()
