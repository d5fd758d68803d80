"""Time to find the example shown beside a "change that would raise your grade": per criterion
uncached (the first results page a process serves for that question), and cached.

Run: .venv/bin/python bench/criterion_examples.py
"""

from __future__ import annotations

import statistics
import time

import common  # noqa: F401 - puts the project on sys.path

from rubric import examples
from rubric.bank_files import load_bank


def main() -> None:
    bank = load_bank()
    cold, warm = [], []
    for slug in bank.questions:
        for criterion in bank.criteria_for(slug):
            start = time.perf_counter()
            examples.example_for(bank, slug, criterion.id)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            examples.example_for(bank, slug, criterion.id)
            warm.append(time.perf_counter() - start)
    cold.sort()
    print(f"criterion examples: {len(cold)} criteria over {len(bank.questions)} questions")
    print(f"  uncached: median {statistics.median(cold) * 1000:.1f} ms, "
          f"p95 {cold[int(len(cold) * 0.95)] * 1000:.1f} ms, max {cold[-1] * 1000:.1f} ms")  # fmt: skip
    print(f"  cached: median {statistics.median(warm) * 1e6:.1f} us")


if __name__ == "__main__":
    main()
