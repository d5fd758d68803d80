"""Probes: /healthz says the process answers; /readyz says it can serve (database, Redis, broker, schema)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_migrations() -> str:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migration(s) not applied")
    return "ok"


def _check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured (in-process tasks)"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
    return "ok"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured (in-process tasks)"
    from config.celery_app import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return "ok"


CHECKS = {
    "database": _check_database,
    "migrations": _check_migrations,
    "redis": _check_redis,
    "broker": _check_broker,
}


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a probe reports every failure instead of raising
            results[name] = f"failing: {type(exc).__name__}: {exc}"[:300]
            ready = False
    return JsonResponse({"ready": ready, "checks": results}, status=200 if ready else 503)
