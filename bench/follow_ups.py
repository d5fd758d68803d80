"""How long the interviewer's side of a follow-up takes, in process: the probe choice, the ask
(grading the draft so far + choosing), and the live coverage panel recomputed after a save.

Run: .venv/bin/python bench/follow_ups.py   (uses the bench database, like the other scripts)
"""

from __future__ import annotations

import statistics
import time

import common

REPEATS = 100


def timed(label: str, run) -> None:
    run()  # warm caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"  {label}: median {statistics.median(times) * 1000:.2f} ms, "
          f"p95 {times[int(REPEATS * 0.95)] * 1000:.2f} ms")  # fmt: skip


def main() -> None:
    question = common.bench_question()
    from django.contrib.auth.models import User

    from interviews.services import attempt_start
    from live.coverage import coverage_fragments
    from rubric import engine
    from rubric.services import answer_so_far
    from tests.answers import STRONG_AD_ANSWER

    user, _ = User.objects.get_or_create(username="bench-follow-ups")
    attempt = attempt_start(user=user, question=question)
    # A half-written draft: the first three stages of a strong answer.
    for stage in ("goals", "data", "features"):
        attempt.responses.filter(stage=stage).update(text=STRONG_AD_ANSWER[stage])
    words = sum(len(STRONG_AD_ANSWER[s].split()) for s in ("goals", "data", "features"))
    so_far = answer_so_far(attempt)
    print(f"follow-ups: a draft of {words} words, {len(so_far.criteria)} criteria, {REPEATS} runs")
    timed(
        "probe choice (engine.follow_up, 6 stages)",
        lambda: [
            engine.follow_up(so_far.criteria, so_far.result.criteria, s)
            for s in engine.GRADED_STAGES
        ],
    )
    timed("ask: read + grade the draft + choose (answer_so_far)", lambda: answer_so_far(attempt))
    timed("live coverage after a save: grade + render one stage's panel",
          lambda: coverage_fragments(attempt, ("data",)))  # fmt: skip
    timed("live room state: grade + render all six panels", lambda: coverage_fragments(attempt))
    attempt.delete()


if __name__ == "__main__":
    main()
