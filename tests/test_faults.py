"""Real outages under load, against the app served by uvicorn (2 workers) on the test database.

These stop and start the machine's PostgreSQL and Redis, so they run in their own pytest process
(`-m fault`, the last step of `make test`) where nothing else is using them.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.db import connection

from interviews.models import StageResponse
from interviews.services import attempt_start
from rubric.models import Grade
from tests.factories import make_user, session_cookies

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
SAVE_EVERY = 0.1  # seconds between one client's saves: 200 saves a second in all


@dataclass
class Writer:
    """One candidate autosaving a stage the way the page does, retrying what was not confirmed."""

    attempt_id: int
    cookies: dict[str, str]
    version: int = 0
    acked_text: str = ""
    acks: list[float] = field(default_factory=list)
    errors: int = 0
    lost: int = 0

    async def run(self, base: str, until: float) -> None:
        headers = {"X-CSRFToken": self.cookies["csrftoken"]}
        url = f"/attempts/{self.attempt_id}/stages/goals/"
        async with httpx.AsyncClient(base_url=base, cookies=self.cookies, timeout=5) as http:
            n = 0
            while time.monotonic() < until:
                n += 1
                text = f"{self.acked_text} step-{n}"[-5000:]
                while time.monotonic() < until + 30:  # keep retrying this text until confirmed
                    try:
                        response = await http.post(
                            url, json={"text": text, "version": self.version}, headers=headers
                        )
                    except httpx.HTTPError:
                        response = None
                    if response is not None and response.status_code == 200:
                        self.ack(text, response.json()["version"])
                        break
                    if response is not None and response.status_code == 409:
                        body = response.json()
                        # Our save committed but its answer was lost: the server has our text.
                        if body.get("text") == text:
                            self.ack(text, body["version"])
                            break
                        self.lost += 1
                        self.version = body["version"]
                        break
                    self.errors += 1
                    await asyncio.sleep(0.2)
                await asyncio.sleep(SAVE_EVERY)

    def ack(self, text: str, version: int) -> None:
        self.acked_text, self.version = text, version
        self.acks.append(time.monotonic())


def writers(question, count: int = CLIENTS) -> list[Writer]:
    out = []
    for i in range(count):
        user = make_user(f"writer-{i}")
        attempt = attempt_start(user=user, question=question)
        out.append(Writer(attempt.pk, session_cookies(user)))
    return out


def _pg_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]


def restart_postgres() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _pg_version(), "main", "restart", "-m", "fast"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def reconnect() -> None:
    """This process's pooled connections died with the server: drop them and connect afresh."""
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(Exception):
            connection.close()
        connection.close_pool()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        except Exception:
            assert time.monotonic() < deadline, "PostgreSQL did not come back"
            time.sleep(0.5)


def test_no_acknowledged_save_is_lost_when_postgres_restarts_under_load(served_app, ad_question):
    clients = writers(ad_question)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        started = cursor.fetchone()[0]

    async def load() -> float:
        until = time.monotonic() + 12
        restarted_at = 0.0

        async def fault() -> None:
            nonlocal restarted_at
            await asyncio.sleep(4)
            await asyncio.to_thread(restart_postgres)
            restarted_at = time.monotonic()

        await asyncio.gather(fault(), *(c.run(served_app, until) for c in clients))
        return restarted_at

    restarted_at = asyncio.run(load())
    reconnect()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        assert cursor.fetchone()[0] > started, "PostgreSQL was not restarted"

    assert sum(c.errors for c in clients) > 0, "the clients never noticed the restart"
    assert all(any(t > restarted_at for t in c.acks) for c in clients), "saves did not resume"
    assert sum(c.lost for c in clients) == 0
    stored = {
        r.attempt_id: (r.text, r.version)
        for r in StageResponse.objects.filter(stage="goals", attempt_id__in=[c.attempt_id for c in clients])
    }  # fmt: skip
    for c in clients:
        assert stored[c.attempt_id] == (c.acked_text, c.version)
    print(
        f"\n{sum(len(c.acks) for c in clients)} saves confirmed, "
        f"{sum(c.errors for c in clients)} failed and retried during the restart, 0 lost"
    )


def _redis(*args: str) -> None:
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", *args], capture_output=True, timeout=30
    )


def start_redis() -> None:
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379",
         "--save", "", "--appendonly", "no"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while subprocess.run(["redis-cli", "ping"], capture_output=True).stdout.strip() != b"PONG":
        assert time.monotonic() < deadline, "Redis did not come back"
        time.sleep(0.2)


def test_with_redis_down_saves_succeed_and_the_grade_completes_once_it_is_back(
    served_app, ad_question, celery_worker, settings
):
    (writer,) = writers(ad_question, count=1)
    _redis("shutdown", "nosave")
    try:
        # Autosave on the served app: sessions fall back to the database, saves still commit.
        for version in range(3):
            response = httpx.post(
                f"{served_app}/attempts/{writer.attempt_id}/stages/goals/",
                json={"text": f"Predict pCTR, draft {version}", "version": version},
                cookies=writer.cookies,
                headers={"X-CSRFToken": writer.cookies["csrftoken"]},
                timeout=10,
            )
            assert response.status_code == 200, response.text
        response = httpx.post(
            f"{served_app}/attempts/{writer.attempt_id}/submit/",
            cookies=writer.cookies,
            headers={"X-CSRFToken": writer.cookies["csrftoken"]},
            timeout=10,
        )
        assert response.status_code == 302
        grade = Grade.objects.get(attempt_id=writer.attempt_id)
        assert grade.status == Grade.Status.QUEUED  # the broker is down: it waits in the database
    finally:
        start_redis()
    # The periodic sweep (run here instead of waiting for beat's minute) sends it again.
    from rubric.services import requeue_stale_grades

    settings.GRADE_STALE_AFTER_SECONDS = 0
    assert requeue_stale_grades() == 1
    deadline = time.monotonic() + 30
    while Grade.objects.get(pk=grade.pk).status != Grade.Status.DONE:
        assert time.monotonic() < deadline, "the grade did not complete after Redis came back"
        time.sleep(0.2)
    assert StageResponse.objects.get(attempt_id=writer.attempt_id, stage="goals").text == (
        "Predict pCTR, draft 2"
    )
