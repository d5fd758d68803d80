"""Submit → grade visible, through a real Celery worker on Redis and PostgreSQL.

Run `make bench`, or with DATABASE_URL and REDIS_URL set: .venv/bin/python bench/submit_to_grade.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import common

SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", 40))


def main() -> None:
    assert os.environ.get("REDIS_URL"), "set REDIS_URL"
    common.django_setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from config.celery_app import app
    from interviews.models import Question
    from interviews.services import attempt_start, attempt_submit
    from rubric.models import Grade
    from tests.answers import STRONG_AD_ANSWER

    call_command("migrate", verbosity=0)
    call_command("load_questions", verbosity=0)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=2",
         "--loglevel=WARNING", "-n", "bench@%h", "--without-gossip", "--without-mingle"],
        cwd=common.ROOT,
    )  # fmt: skip
    try:
        while not app.control.ping(timeout=0.5):
            time.sleep(0.2)
        user, _ = User.objects.get_or_create(username="bench-submit")
        question = Question.objects.get(slug="ad-click-prediction")
        latencies = []
        for _ in range(SUBMISSIONS):
            attempt = attempt_start(user=user, question=question)
            for stage, text in STRONG_AD_ANSWER.items():
                attempt.responses.filter(stage=stage).update(text=text)
            start = time.perf_counter()
            grade = attempt_submit(attempt=attempt)
            while not Grade.objects.filter(pk=grade.pk, status=Grade.Status.DONE).exists():
                time.sleep(0.005)
            latencies.append(time.perf_counter() - start)
        print(common.summary("submit → grade done (real worker)", latencies))
    finally:
        worker.terminate()
        worker.wait(timeout=20)


if __name__ == "__main__":
    main()
