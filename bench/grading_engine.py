"""Median time for the grading engine on one full answer (six stages, ~1,500 words).

Run: .venv/bin/python bench/grading_engine.py
"""

from __future__ import annotations

import statistics
import time

import common  # noqa: F401 - puts the project on sys.path

from rubric.bank_files import load_bank
from rubric.engine import Answer, grade
from tests.answers import STRONG_AD_ANSWER

REPEATS = 200


def main() -> None:
    bank = load_bank()
    criteria = bank.criteria_for("ad-click-prediction")
    # Grow the strong answer to ~1,500 words with varied sentences (repeats would be de-duplicated).
    stages = {}
    for stage, text in STRONG_AD_ANSWER.items():
        variants = [text.replace(". ", f". In iteration {i}, ") for i in range(4)]
        stages[stage] = "\n\n".join(variants)
    words = sum(len(t.split()) for t in stages.values())
    answer = Answer(stages=stages)
    grade(criteria, answer)  # warm caches
    times, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.thread_time()
        grade(criteria, answer)
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    print(f"grading engine: {words} words, {len(criteria)} criteria, {REPEATS} runs")
    print(
        f"  median {statistics.median(times) * 1000:.2f} ms, p95 {sorted(times)[int(REPEATS * 0.95)] * 1000:.2f} ms"
    )
    # CPU time is what the engine costs; wall time also counts other processes on a busy machine.
    print(f"  CPU time median {statistics.median(cpu) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
