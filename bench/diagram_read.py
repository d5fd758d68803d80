"""Reading a 1,000-element board into a graph, and a full grade with a 200-element board
(targets: both < 10 ms median). Run: .venv/bin/python bench/diagram_read.py

Also prints the fastest run (what the code costs when the machine is not busy with anything else)
and, for the full grade, how much of it is the board (the same answer graded without one).
"""

from __future__ import annotations

import statistics
import time

import common  # noqa: F401 - puts the project on sys.path
from scene_factory import make_scene

from rubric.bank_files import load_bank
from rubric.diagram import scene_graph
from rubric.engine import Answer, grade
from tests.answers import STRONG_AD_ANSWER

TARGET_MS = 10.0


def timed(fn, repeats: int = 100) -> list[float]:
    fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, runs: list[float]) -> None:
    median = statistics.median(runs)
    verdict = "ok" if median < TARGET_MS else "MISSED"
    print(
        f"{name}: median {median:.2f} ms, fastest {min(runs):.2f} ms (target < {TARGET_MS:.0f} ms: {verdict})"
    )


def main() -> None:
    bank = load_bank()
    big = make_scene(1000)
    graph = scene_graph(big, bank.vocabulary)
    report(
        f"scene → graph, {len(big['elements'])} elements ({len(graph.nodes)} components, {len(graph.edges)} edges)",
        timed(lambda: scene_graph(big, bank.vocabulary)),
    )
    board = make_scene(200)
    criteria = bank.criteria_for("ad-click-prediction")
    with_board = Answer(stages=STRONG_AD_ANSWER, whiteboard=board)
    text_only = Answer(stages=STRONG_AD_ANSWER, whiteboard=None)
    full = timed(lambda: grade(criteria, with_board, bank.vocabulary))
    report(f"full grade with a {len(board['elements'])}-element diagram", full)
    text = timed(lambda: grade(criteria, text_only, bank.vocabulary))
    print(f"  of which the board (reading + {sum(c.kind == 'diagram' for c in criteria)} diagram criteria): "
          f"median {statistics.median(full) - statistics.median(text):.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
