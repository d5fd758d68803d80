"""Server time of the progress dashboard for a user with 500 graded attempts (target < 300 ms).

Needs PostgreSQL (DATABASE_URL); run `make bench`.
"""

from __future__ import annotations

import os
import statistics
import time

import common

ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", 500))


def main() -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    common.django_setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from interviews.models import Attempt

    call_command("migrate", verbosity=0)
    call_command("load_questions", verbosity=0)
    user = User.objects.filter(username="demo").first()
    have = Attempt.objects.filter(user=user).count() if user else 0
    if have < ATTEMPTS:
        started = time.perf_counter()
        call_command("seed_demo", history=ATTEMPTS - have, verbosity=0)
        print(f"created {ATTEMPTS - have} graded attempts in {time.perf_counter() - started:.0f} s")
    user = User.objects.get(username="demo")
    client = Client()
    client.force_login(user)
    client.get("/progress/")  # warm caches
    times = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get("/progress/")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/progress/")
    count = Attempt.objects.filter(user=user).count()
    print(f"progress dashboard, {count} attempts: median {statistics.median(times) * 1000:.0f} ms, "
          f"max {max(times) * 1000:.0f} ms server time, {len(queries)} queries")  # fmt: skip


if __name__ == "__main__":
    main()
