"""Shared helpers for the benchmark scripts: Django set-up, percentiles, a served app."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


logging.getLogger("httpx").setLevel(logging.WARNING)


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def bench_question():
    """Migrate, load the bank, and return the question every benchmark practises on."""
    django_setup()
    from django.core.management import call_command

    from interviews.models import Question

    call_command("migrate", verbosity=0)
    call_command("load_questions", verbosity=0)
    return Question.objects.get(slug="ad-click-prediction")


def logged_in(user) -> dict:
    """A session cookie and CSRF token for `user`, made directly in the database."""
    from tests.factories import session_cookies

    cookies = session_cookies(user)
    return {"cookies": cookies, "csrf": cookies["csrftoken"]}


def live_socket(base: str, session_id: int, cookies: dict[str, str]):
    """A websocket to a live interview, logged in with `cookies` (use with `async with`)."""
    import websockets

    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    url = base.replace("http://", "ws://") + f"/ws/live/{session_id}/"
    return websockets.connect(
        url, additional_headers={"Cookie": cookie, "Origin": base}, max_size=8 * 2**20
    )


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label}: n={len(ms)} p50={statistics.median(ms):.1f} ms "
        f"p95={percentile(ms, 95):.1f} ms max={max(ms):.1f} ms"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served_app(env: dict[str, str], workers: int = 1):
    """Run the ASGI app under uvicorn on a free loopback port; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--lifespan", "off"],
        cwd=ROOT, env={**os.environ, **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("the app did not start")
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


class KeepAliveClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    General-purpose clients spend several milliseconds of CPU per request in Python, which on a
    2-core machine measures the load generator instead of the server; this one spends ~0.1 ms.
    """

    def __init__(self, base: str, cookies: dict[str, str] | None = None):
        host_port = base.removeprefix("http://")
        self.host, port = host_port.split(":")
        self.port = int(port)
        self.cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
        ]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
