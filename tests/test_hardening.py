"""Security headers, probes, request ids and login throttling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_carries_a_content_security_policy_and_a_request_id(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in policy
        and "script-src 'self'" in policy
        and "frame-ancestors 'none'" in policy
    )
    assert "'unsafe-eval'" not in policy, "only WebAssembly compilation is allowed, not eval"
    assert len(response["X-Request-ID"]) == 32
    echoed = client.get(reverse("healthz"), headers={"X-Request-ID": "abc12345-trace"})
    assert echoed["X-Request-ID"] == "abc12345-trace"
    hostile = client.get(reverse("healthz"), headers={"X-Request-ID": "<script>"})
    assert hostile["X-Request-ID"] != "<script>"


def test_readyz_reports_database_migrations_redis_and_broker(client, db):
    response = client.get(reverse("readyz"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["ready"] is True
    assert set(body["checks"]) == {"database", "migrations", "redis", "broker"}
    assert body["checks"]["redis"] == "ok" and body["checks"]["broker"] == "ok"


def test_readyz_fails_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("failing")


def test_repeated_failed_logins_are_paused(client, candidate, settings):
    settings.LOGIN_FAILURES_PER_USER = 3
    for _ in range(3):
        assert (
            client.post(
                reverse("login"), {"username": "candidate", "password": "wrong"}
            ).status_code
            == 200
        )
    blocked = client.post(
        reverse("login"), {"username": "candidate", "password": "a-long-test-password-42"}
    )
    assert blocked.status_code == 429
    assert b"Too many failed attempts" in blocked.content
    assert "_auth_user_id" not in client.session, "even the right password waits out the pause"


def test_a_successful_login_clears_the_count(client, candidate, settings):
    settings.LOGIN_FAILURES_PER_USER = 3
    client.post(reverse("login"), {"username": "candidate", "password": "wrong"})
    client.post(reverse("login"), {"username": "candidate", "password": "wrong"})
    assert (
        client.post(
            reverse("login"), {"username": "candidate", "password": "a-long-test-password-42"}
        ).status_code
        == 302
    )
    client.logout()
    client.post(reverse("login"), {"username": "candidate", "password": "wrong"})
    assert (
        client.post(
            reverse("login"), {"username": "candidate", "password": "a-long-test-password-42"}
        ).status_code
        == 302
    )


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env})  # fmt: skip


def test_the_deploy_checklist_is_clean_in_production():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"],
                     {"CHALKTALK_ENV": "production", "SECRET_KEY": "x" * 60 + "-long-enough-random-ish-key-123",
                      "ALLOWED_HOSTS": "chalktalk.example"})  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_setting_stops_start_up_with_its_name(value):
    result = _manage(
        ["check"], {"SECURE_COOKIES": value, "CHALKTALK_ENV": "production", "SECRET_KEY": "k" * 60}
    )
    assert result.returncode != 0 and "SECURE_COOKIES" in result.stderr


def test_production_logs_are_json_with_the_request_id():
    code = (
        "import django, logging; django.setup();"
        "from config.security import current_request_id; current_request_id.set('req-123');"
        "logging.getLogger('chalktalk').warning('hello')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "config.settings",
                                 "CHALKTALK_ENV": "production", "SECRET_KEY": "k" * 60})  # fmt: skip
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (
        line["message"] == "hello"
        and line["request_id"] == "req-123"
        and line["level"] == "WARNING"
    )


def test_autosave_keeps_working_when_the_cache_is_down(client, candidate, ad_question, settings):
    """Sessions and throttling use Redis as a cache only: an outage degrades to the database."""
    from django.core.cache import caches

    from interviews.models import StageResponse
    from tests.factories import make_attempt

    attempt = make_attempt(candidate, ad_question)
    client.force_login(candidate)
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert caches["default"].get("anything") is None  # the override is live, and forgiving
    url = reverse("stage_save", args=[attempt.pk, "goals"])
    response = client.post(url, data=json.dumps({"text": "saved without Redis", "version": 0}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert StageResponse.objects.get(attempt=attempt, stage="goals").text == "saved without Redis"
    client.logout()
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200
