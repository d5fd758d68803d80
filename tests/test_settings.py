"""Settings read the environment strictly: a malformed value stops start-up with its name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_refuses_garbage(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env.env_bool("FLAG")
    monkeypatch.setenv("FLAG", "yes")
    assert env.env_bool("FLAG") is True


def test_env_url_refuses_a_wrong_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_url("DATABASE_URL", {"postgres"})


def _check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **extra_env},
    )  # fmt: skip


def test_production_needs_a_secret_key():
    result = _check({"CHALKTALK_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_newcomer_needs_no_settings_at_all():
    result = _check({})
    assert result.returncode == 0, result.stderr
