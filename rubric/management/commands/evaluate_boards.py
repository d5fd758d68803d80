"""Compare the diagram grade with interviewers' board levels on labelled boards.

    python manage.py evaluate_boards tests/data/boards_dev/boards.jsonl
    python manage.py evaluate_boards tests/data/heldout/*.jsonl

Each line: `{"id", "question", "board_level": 0-4, "whiteboard", "stages"?, "type"?}`; lines
without a whiteboard or a board level are skipped. Prints Spearman's rho between the diagram
score and the level (overall and per question), the weakest full-level board, the strongest board
of unconnected buzzwords (`type` keyword-stuffed, or a board with no connections), and whether
any board lowers the overall grade against the same answer with an empty board. No database.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rubric.bank_files import load_bank
from rubric.calibration import spearman
from rubric.diagram import scene_graph
from rubric.engine import Answer, grade
from rubric.schema import Bank

TARGET_RHO, TARGET_FULL, TARGET_BUZZWORDS = 0.80, 60, 25
BUZZWORD_TYPES = frozenset({"keyword-stuffed"})


def evaluate_board(bank: Bank, data: dict[str, Any]) -> dict[str, Any]:
    """Grade one labelled board: its diagram score, and the overall grade with and without it."""
    slug = data["question"]
    if slug not in bank.questions:
        raise ValueError(f"unknown question {slug!r}")
    criteria = bank.criteria_for(slug)
    answer = Answer.from_dict(data)
    empty = Answer.from_dict({**data, "whiteboard": {"elements": []}})
    with_board = grade(criteria, answer, bank.vocabulary)
    without = grade(criteria, empty, bank.vocabulary)
    graph = scene_graph(answer.whiteboard, bank.vocabulary)
    return {
        "id": data.get("id"),
        "question": slug,
        "type": data.get("type") or "",
        "level": data["board_level"],
        "diagram": with_board.stage_scores.get("diagram", 0),
        "score": with_board.score,
        "score_empty_board": without.score,
        "components": len(graph.nodes),
        "edges": len({e.id for e in graph.edges}),
    }


def is_buzzword_board(row: dict[str, Any]) -> bool:
    return row["type"] in BUZZWORD_TYPES or (row["components"] >= 4 and row["edges"] == 0)


class Command(BaseCommand):
    help = "Print how the diagram score agrees with labelled board levels (Spearman, targets)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="JSONL files with board_level and whiteboard")
        parser.add_argument("--show", action="store_true", help="print every board's scores")
        parser.add_argument("--worst", type=int, default=8, help="how many disagreements to list")

    def handle(self, *args, **options) -> None:
        bank = load_bank()
        rows = []
        for path in options["files"]:
            try:
                with open(path, encoding="utf-8") as stream:
                    lines = [line for line in stream if line.strip()]
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
            for number, line in enumerate(lines, start=1):
                try:
                    data = json.loads(line)
                    if data.get("whiteboard") is None or data.get("board_level") is None:
                        continue
                    rows.append(evaluate_board(bank, data))
                except (ValueError, KeyError, TypeError) as exc:
                    raise CommandError(f"{path} line {number}: {exc}") from None
        if not rows:
            raise CommandError("No labelled boards in the files.")
        self.report(rows, show=options["show"], worst=options["worst"])

    def report(self, rows: list[dict[str, Any]], *, show: bool, worst: int) -> None:
        out = self.stdout.write
        if show:
            for r in sorted(rows, key=lambda r: (r["question"], -r["level"], r["id"] or "")):
                out(f"  {r['id']:32} level {r['level']}  diagram {r['diagram']:3}  "
                    f"({r['components']} components, {r['edges']} arrows)  {r['type']}")  # fmt: skip
        rho = spearman([r["diagram"] for r in rows], [r["level"] for r in rows])
        out(f"boards: {len(rows)} for {len({r['question'] for r in rows})} questions")
        out(f"spearman(diagram score, board level) = {rho:.3f}   target >= {TARGET_RHO}")
        by_question = defaultdict(list)
        for r in rows:
            by_question[r["question"]].append(r)
        for slug, group in sorted(by_question.items()):
            if len({r["level"] for r in group}) > 1:
                rho_q = spearman([r["diagram"] for r in group], [r["level"] for r in group])
                out(f"  {slug:28} n={len(group):2}  rho={rho_q:.3f}")
        full = [r for r in rows if r["level"] == 4]
        if full:
            weakest = min(full, key=lambda r: r["diagram"])
            misses = sum(1 for r in full if r["diagram"] < TARGET_FULL)
            out(f"level-4 boards: {len(full)}, min diagram score {weakest['diagram']} ({weakest['id']}), "
                f"{misses} below {TARGET_FULL}")  # fmt: skip
        buzz = [r for r in rows if is_buzzword_board(r)]
        if buzz:
            top = max(buzz, key=lambda r: r["diagram"])
            out(f"buzzword boards: {len(buzz)}, max diagram score {top['diagram']} ({top['id']}), "
                f"target < {TARGET_BUZZWORDS}")  # fmt: skip
        lowered = [r for r in rows if r["score"] < r["score_empty_board"]]
        out(f"boards lowering the grade against an empty board: {len(lowered)}"
            + (" (" + ", ".join(str(r["id"]) for r in lowered) + ")" if lowered else ""))  # fmt: skip
        ranked = sorted(rows, key=lambda r: -abs(r["diagram"] / 25 - r["level"]))[:worst]
        out("largest disagreements (diagram score / 25 vs level):")
        for r in ranked:
            out(f"  {r['id']}: diagram {r['diagram']}, level {r['level']}")
