"""Compare the grader with interviewers' levels on a labelled answer file."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rubric.bank_files import load_bank
from rubric.calibration import (
    exact_agreement,
    quadratic_weighted_kappa,
    score_level,
    spearman,
    within_one,
)
from rubric.engine import Answer, grade_for

# Kinds an interviewer must never see graded far from their level.
NEAR_KINDS = ("plain-language", "paraphrased", "terse-strong")
GAMING_KINDS = ("keyword-stuffed", "off-topic")


def read_labelled(path: str, bank_dir: str | None = None) -> list[dict]:
    """Grade every line of a labelled JSONL file (the grade CLI's format plus `level`)."""
    bank = load_bank(Path(bank_dir)) if bank_dir else load_bank()
    try:
        with open(path, encoding="utf-8") as stream:
            lines = [line for line in stream if line.strip()]
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            data = json.loads(line)
            if "level" not in data:
                continue  # a board-only line (e.g. heldout/browser_boards.jsonl): no answer level
            level, slug = data["level"], data["question"]
            result = grade_for(bank, slug, Answer.from_dict(data))
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"line {number}: {exc}") from None
        rows.append({"id": data.get("id"), "question": slug, "type": data.get("type", ""),
                     "level": level, "score": result.score, "raw": result.raw_score,
                     "cap": result.level_cap})  # fmt: skip
    return rows


class Command(BaseCommand):
    help = (
        "Print agreement with interviewers' levels: exact and within-one level, quadratic-weighted "
        "kappa and Spearman's rho, overall and per question, plus the fairness and gaming checks."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "files", nargs="+", help="JSONL in the grade CLI's format plus a `level` (0-4) field"
        )
        parser.add_argument("--bank", help="grade with the bank files in this folder instead")
        parser.add_argument(
            "--worst",
            type=int,
            default=8,
            help="how many disagreements to list (0 for a held-out set you must not tune on)",
        )

    def handle(self, *args, **options) -> None:
        rows = [r for file in options["files"] for r in read_labelled(file, options["bank"])]
        self._report("overall", rows)
        by_question = defaultdict(list)
        for row in rows:
            by_question[row["question"]].append(row)
        for slug, group in sorted(by_question.items()):
            self._report(slug, group)
        self._check_near_kinds(rows)
        self._check_gaming(by_question)
        if options["worst"]:
            self.stdout.write("\nLargest disagreements (score vs interviewer level):")
            for row in sorted(rows, key=lambda r: -abs(score_level(r["score"]) - r["level"]))[
                : options["worst"]
            ]:
                self.stdout.write(
                    f"  {row['id']}: score {row['score']} (≈ level {score_level(row['score'])}), interviewer {row['level']}"
                )

    def _report(self, name: str, rows: list[dict]) -> None:
        scores = [r["score"] for r in rows]
        levels = [r["level"] for r in rows]
        predicted = [score_level(s) for s in scores]
        self.stdout.write(
            f"{name:28} n={len(rows):3}  exact={exact_agreement(predicted, levels):.2f}  "
            f"within_one={within_one(predicted, levels):.2f}  "
            f"qwk={quadratic_weighted_kappa(predicted, levels):.3f}  "
            f"spearman_rho={spearman(scores, levels):.3f}"
        )

    def _check_near_kinds(self, rows: list[dict]) -> None:
        near = [r for r in rows if r["type"] in NEAR_KINDS]
        far = [r for r in near if abs(score_level(r["score"]) - r["level"]) > 1]
        self.stdout.write(
            f"Plain-language, paraphrased and terse-strong answers within one level: "
            f"{len(near) - len(far)} of {len(near)}"
            + ("" if not far else " — FAILED: " + ", ".join(str(r["id"]) for r in far))
        )

    def _check_gaming(self, by_question: dict[str, list[dict]]) -> None:
        """No keyword-stuffed or off-topic answer may outscore a level-3+ answer of its question."""
        violations = []
        for rows in by_question.values():
            good = [r["score"] for r in rows if r["level"] >= 3]
            for row in rows:
                if row["type"] in GAMING_KINDS and good and row["score"] > min(good):
                    violations.append(
                        f"{row['id']} ({row['score']}) > weakest level-3+ answer ({min(good)})"
                    )
        if violations:
            self.stdout.write("Gaming check FAILED:\n  " + "\n  ".join(violations))
        else:
            self.stdout.write(
                "Gaming check passed: no keyword-stuffed or off-topic answer beats a level-3+ answer."
            )
