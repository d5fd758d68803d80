"""Reading a 1,000-element scene into a graph (target < 20 ms). Run: .venv/bin/python bench/diagram_read.py"""

from __future__ import annotations

import statistics
import time

import common  # noqa: F401 - puts the project on sys.path
from scene_factory import make_scene

from rubric.bank_files import load_bank
from rubric.diagram import scene_graph
from rubric.engine import Answer, grade
from tests.answers import STRONG_AD_ANSWER


def timed(fn, repeats: int = 50) -> list[float]:
    fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    bank = load_bank()
    big = make_scene(1000)
    graph = scene_graph(big, bank.vocabulary)
    read = timed(lambda: scene_graph(big, bank.vocabulary))
    print(f"scene → graph, {len(big['elements'])} elements ({len(graph.nodes)} components, {len(graph.edges)} edges):"
          f" median {statistics.median(read) * 1000:.2f} ms")  # fmt: skip
    board = make_scene(200)
    answer = Answer(stages=STRONG_AD_ANSWER, whiteboard=board)
    criteria = bank.criteria_for("ad-click-prediction")
    full = timed(lambda: grade(criteria, answer, bank.vocabulary))
    print(
        f"full grade with a {len(board['elements'])}-element diagram: median {statistics.median(full) * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
