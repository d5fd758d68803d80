from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from rubric.services import bank_sync
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests share one Redis: start each with an empty cache (sessions, login throttling)."""
    from django.core.cache import cache

    cache.clear()


# --- personas (healthchecks-style): owner, another candidate, an interviewer -------------


@pytest.fixture
def candidate(db):
    return make_user("candidate")


@pytest.fixture
def other_candidate(db):
    return make_user("other")


@pytest.fixture
def interviewer(db):
    return make_user("interviewer")


@pytest.fixture
def bank(db):
    rubric, _ = bank_sync()
    return rubric


@pytest.fixture
def ad_question(bank):
    from interviews.models import Question

    return Question.objects.get(slug="ad-click-prediction")


@pytest.fixture
def candidate_client(client, candidate):
    client.force_login(candidate)
    return client


# --- a real Celery worker against the test database and Redis -----------------------------


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start `celery worker` as a subprocess on the test database; stop it at the end.

    Requires Redis (REDIS_URL) and PostgreSQL: a missing service fails the tests, never skips them.
    """
    from config.celery_app import app

    assert os.environ.get("REDIS_URL"), "REDIS_URL must point at a running Redis for worker tests"
    assert connection.vendor == "postgresql", "worker tests run on PostgreSQL (set DATABASE_URL)"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "GRADE_STALE_AFTER_SECONDS": "5"}
    name = f"test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=2",
             "--loglevel=INFO", "-n", name, "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        assert process.poll() is None, (
            f"celery worker exited early:\n{log_path.read_text()[-3000:]}"
        )
        if app.control.ping(destination=[name], timeout=0.5):
            break
    else:
        process.terminate()
        pytest.fail(
            f"celery worker did not answer a ping within 40 s:\n{log_path.read_text()[-3000:]}"
        )
    yield process
    _stop(process)


@pytest.fixture
def served_app(transactional_db, tmp_path):
    """The ASGI app under uvicorn with 2 workers, as a subprocess on the test database."""
    args = ["config.asgi:application", "--workers", "2", "--lifespan", "off", "--no-proxy-headers"]
    with serve(args, {"ALLOWED_HOSTS": "127.0.0.1"}, tmp_path / "uvicorn.log") as base:
        yield base


@contextmanager
def serve(uvicorn_args: list[str], env: dict[str, str], log_path: Path):
    """Run `uvicorn <uvicorn_args>` on a free loopback port against the test database; yield
    its base URL once /healthz answers."""
    assert connection.vendor == "postgresql", (
        "served-app tests run on PostgreSQL (set DATABASE_URL)"
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": _database_url(), **env}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", *uvicorn_args, "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 30
    try:
        while True:
            assert process.poll() is None, f"uvicorn exited:\n{log_path.read_text()[-3000:]}"
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


# --- Playwright on Debian's Chromium --------------------------------------------------------


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/services.sh"
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }  # fmt: skip
