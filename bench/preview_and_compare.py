"""Server time of a markdown preview and of the compare page for maximal inputs (target < 1 s each).

Every input is as large as the app accepts (20,000 characters a stage): the bracket flood of the
hardening probe, other inline patterns that make Python-Markdown backtrack, and two attempts whose
six stages each hold 20,000 characters of random short words. Each request goes through Django's
test client (views, templates, sanitising), on the database in DATABASE_URL.

Run: .venv/bin/python bench/preview_and_compare.py   (`make bench` runs it too)
"""

from __future__ import annotations

import os
import random
import statistics
import time

import common

MAX = 20_000
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))

PREVIEWS = {
    "nested brackets ('[' * 10000 + '](' * 5000)": "[" * 10000 + "](" * 5000,
    "open brackets ('[a' * 10000)": "[a" * 10000,
    "image openers ('![' * 10000)": "![" * 10000,
    "unclosed link targets ('[a](' * 5000)": "[a](" * 5000,
    "unclosed autolinks ('<http://' * 2500)": "<http://" * 2500,
    "unclosed tags ('<a' * 10000)": "<a" * 10000,
    "emphasis ('*a' * 10000)": "*a" * 10000,
    "setext headings in one paragraph ('a\\n=\\n' * 5000)": "a\n=\n" * 5000,
    "headings in one paragraph ('#a\\n' * 6666)": "#a\n" * 6666,
    "rules in one paragraph ('***\\n' * 5000)": "***\n" * 5000,
    "nested list markers ('1. ' * 6666)": "1. " * 6666,
    # Just inside the budgets, so markdown does all of this work itself.
    "brackets at the budget (20 paragraphs of 24 '[x' in 1,000 chars)": (
        "[x" * 24 + "y" * 950 + "\n\n"
    )
    * 20,
    "autolinks at the budget ('<http://' * 490 + 16,000 chars)": "<http://" * 490 + "y" * 16080,
    "headings at the budget (500 in one 20,000-character paragraph)": ("#a\n" + "y" * 36 + "\n")
    * 500,
}


def random_words(seed: int) -> str:
    rng = random.Random(seed)
    words = ["a", "to", "of", "ml", "ab", "id", "go", "on", "up", "we", "it", "is"]
    text = " ".join(rng.choice(words) for _ in range(MAX))
    return text[:MAX]


def timed(call) -> list[float]:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    question = common.bench_question()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from interviews.models import StageResponse
    from interviews.services import attempt_start
    from rubric.models import Grade, Rubric
    from rubric.stages import STAGES

    settings.PREVIEWS_PER_MINUTE = settings.COMPARES_PER_MINUTE = 10_000  # the work, not the limit
    user, _ = User.objects.get_or_create(username="bench-preview-compare")
    client = Client()
    client.force_login(user)

    print(f"markdown preview, {MAX:,} characters, {REPEATS} runs each (server time):")
    for label, text in PREVIEWS.items():
        text = text[:MAX]

        def preview(text=text):
            response = client.post("/preview/", {"text": text})
            assert response.status_code == 200, response.status_code

        times = timed(preview)
        print(
            f"  {label}: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )

    attempts = []
    for seed in (1, 2):
        attempt = attempt_start(user=user, question=question)
        for index, stage in enumerate(STAGES):
            StageResponse.objects.filter(attempt=attempt, stage=stage).update(
                text=random_words(seed * 100 + index)
            )
        Grade.objects.create(
            attempt=attempt,
            rubric=Rubric.objects.get(is_current=True),
            status=Grade.Status.DONE,
            score=50,
            band="lean hire",
        )
        attempts.append(attempt)
    first, second = attempts

    def compare():
        response = client.get(f"/attempts/compare/?a={first.pk}&b={second.pk}")
        assert response.status_code == 200, response.status_code

    times = timed(compare)
    print(f"compare page, two attempts x 6 stages x {MAX:,} characters of random short words:")
    print(f"  median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
    for attempt in attempts:
        attempt.delete()


if __name__ == "__main__":
    main()
