"""Static checks of the Docker and Compose files: no Docker engine and no database needed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "docker" / "Dockerfile"
COMPOSE = ROOT / "docker" / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS = ROOT / "config" / "settings.py"

APP_SERVICES = {"web", "worker", "scheduler", "migrate"}
# Variables that are not Django settings but are still read by something we run.
NOT_SETTINGS = {
    "POSTGRES_PASSWORD": "Compose: the postgres service's password, and inside DATABASE_URL",
}
ENV_CALL = re.compile(r"\benv_(?:str|bool|int|url|list|float)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _settings_variables() -> set[str]:
    return set(ENV_CALL.findall(SETTINGS.read_text()))


def _env_example_variables() -> set[str]:
    names = set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(line.split("=", 1)[0].strip())
    return names


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _command(service: dict) -> list[str]:
    command = service["command"]
    return command if isinstance(command, list) else shlex.split(command)


def test_the_settings_read_variables_through_the_env_helpers():
    assert {"CHALKTALK_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= _settings_variables()


def test_compose_has_every_service_and_healthchecks_where_others_wait_on_them():
    services = _compose()["services"]
    assert set(services) == APP_SERVICES | {"postgres", "redis"}
    for name in ("web", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_app_services_run_the_same_image_built_from_the_same_dockerfile():
    services = _compose()["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = {yaml.safe_dump(services[name]["build"]) for name in APP_SERVICES}
    assert len(images) == 1 and len(builds) == 1
    build = services["web"]["build"]
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "build" not in services["postgres"] and "build" not in services["redis"]


def test_app_services_read_dotenv_and_reach_postgres_and_redis_by_service_name():
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == "../.env", name
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"], name
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379/"), name


def test_migrate_runs_once_before_web_and_worker():
    services = _compose()["services"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "scheduler"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    command = " ".join(_command(services["migrate"]))
    assert "manage.py migrate --noinput" in command and "manage.py load_questions" in command


def test_postgres_and_redis_keep_their_data_in_named_volumes():
    compose = _compose()
    services = compose["services"]
    assert "appendonly" in " ".join(_command(services["redis"]))
    for name in ("postgres", "redis"):
        volume = services[name]["volumes"][0].split(":")[0]
        assert volume in compose["volumes"], name


def test_every_variable_in_compose_and_env_example_is_read_by_the_app():
    settings_vars = _settings_variables()
    services = _compose()["services"]
    used = set(INTERPOLATION.findall(COMPOSE.read_text())) | _env_example_variables()
    for name in APP_SERVICES:
        used |= set(services[name]["environment"])
    unknown = used - settings_vars - set(NOT_SETTINGS)
    assert not unknown, f"not read by config/settings.py: {sorted(unknown)}"


def test_every_variable_the_settings_read_is_documented_in_env_example():
    missing = _settings_variables() - _env_example_variables()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_gives_every_variable_a_comment_and_no_real_secret():
    lines = ENV_EXAMPLE.read_text().splitlines()
    for index, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert index > 0 and lines[index - 1].startswith("#"), f"no comment above {line!r}"
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert values["OPENAI_API_KEY"] == ""
    assert "replace" in values["SECRET_KEY"] or "change" in values["SECRET_KEY"]


def test_dockerfile_builds_in_stages_and_runs_as_a_user_that_is_not_root():
    instructions = _dockerfile_instructions()
    stages = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert len(stages) >= 2
    assert stages[0].startswith("node:20") and stages[-1].startswith("python:3.11")
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert ("EXPOSE", "8000") in instructions


def test_dockerfile_never_bakes_a_secret_key_into_the_image():
    for keyword, rest in _dockerfile_instructions():
        if keyword in {"ENV", "ARG"}:
            assert "SECRET_KEY" not in rest, f"{keyword} {rest}"


def test_dockerfile_copies_from_stages_it_defines_and_collects_static_for_production():
    instructions = _dockerfile_instructions()
    names = {
        rest.split()[-1]
        for keyword, rest in instructions
        if keyword == "FROM" and " AS " in rest.upper()
    }
    sources = set(re.findall(r"--from=(\S+)", " ".join(rest for _, rest in instructions)))
    assert sources and sources <= names
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert any("build_whiteboard.sh" in run for run in runs)
    assert any("scripts/requirements.py" in run and "--dev" not in run for run in runs)
    assert any("collectstatic" in run and "CHALKTALK_ENV=production" in run for run in runs)


def test_the_image_default_command_is_the_web_service_command():
    cmd = [rest for keyword, rest in _dockerfile_instructions() if keyword == "CMD"][-1]
    assert yaml.safe_load(cmd) == _command(_compose()["services"]["web"])


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for entry in (".env", ".venv", ".git", "static/whiteboard/build", "staticfiles", "db.sqlite3"):
        assert entry in ignored, entry


def test_web_command_names_an_asgi_application_that_exists():
    from uvicorn.importer import import_from_string

    command = _command(_compose()["services"]["web"])
    assert command[0] == "uvicorn"
    assert callable(import_from_string(command[1]))


def test_celery_commands_name_an_app_that_exists_and_beat_has_the_sweep():
    from celery import Celery
    from celery.app.utils import find_app
    from django.conf import settings

    services = _compose()["services"]
    for name, subcommand in (("worker", "worker"), ("scheduler", "beat")):
        command = _command(services[name])
        assert command[:2] == ["celery", "-A"] and command[3] == subcommand, name
        assert isinstance(find_app(command[2]), Celery), name
    assert "requeue-stale-grades" in settings.CELERY_BEAT_SCHEDULE


def test_migrate_command_names_management_commands_that_exist():
    from django.core.management import get_commands

    assert {"migrate", "load_questions", "collectstatic"} <= set(get_commands())


def test_web_healthcheck_calls_the_liveness_url():
    from django.urls import resolve

    test = " ".join(_compose()["services"]["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in test
    # Production redirects plain http to https unless the proxy's header says it was https.
    assert "X-Forwarded-Proto': 'https'" in test
    assert resolve("/healthz").url_name == "healthz"


def test_uvicorn_never_believes_x_forwarded_for_itself():
    """Client addresses (login throttling) come from TRUSTED_PROXIES in the app, never from
    uvicorn trusting X-Forwarded-For (FORWARDED_ALLOW_IPS=* let any client name its address)."""
    command = _command(_compose()["services"]["web"])
    assert "--no-proxy-headers" in command and "--proxy-headers" not in command
    assert "--forwarded-allow-ips" not in command
    assert "--no-proxy-headers" in (ROOT / "scripts" / "prod_local.sh").read_text()
    values = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert "FORWARDED_ALLOW_IPS" not in values
    assert values["TRUSTED_PROXIES"] == "", "nobody is trusted until the operator names the proxy"
