"""Compare the grader with interviewers' levels on a labelled answer file."""

from __future__ import annotations

import json
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from rubric.bank_files import load_bank
from rubric.calibration import quadratic_weighted_kappa, score_level, spearman
from rubric.engine import Answer, grade


class Command(BaseCommand):
    help = "Print Spearman's rho and quadratic-weighted kappa between grader scores and labelled levels."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", help="JSONL in the grade CLI's format plus a `level` (0-4) field"
        )
        parser.add_argument("--worst", type=int, default=8, help="how many disagreements to list")

    def handle(self, *args, **options) -> None:
        bank = load_bank()
        rows = []
        try:
            with open(options["file"], encoding="utf-8") as stream:
                lines = [line for line in stream if line.strip()]
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        for number, line in enumerate(lines, start=1):
            try:
                data = json.loads(line)
                level = data["level"]
                slug = data["question"]
                result = grade(bank.criteria_for(slug), Answer.from_dict(data), bank.vocabulary)
            except (ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"line {number}: {exc}") from None
            rows.append({"id": data.get("id"), "question": slug, "type": data.get("type", ""),
                         "level": level, "score": result.score})  # fmt: skip
        self._report("overall", rows)
        by_question = defaultdict(list)
        for row in rows:
            by_question[row["question"]].append(row)
        for slug, group in sorted(by_question.items()):
            self._report(slug, group)
        self._check_gaming(by_question)
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
        rho = spearman(scores, levels)
        kappa = quadratic_weighted_kappa([score_level(s) for s in scores], levels)
        self.stdout.write(f"{name:28} n={len(rows):3}  spearman_rho={rho:.3f}  qwk={kappa:.3f}")

    def _check_gaming(self, by_question: dict[str, list[dict]]) -> None:
        """No keyword-stuffed or off-topic answer may outscore a level-3+ answer of its question."""
        violations = []
        for rows in by_question.values():
            good = [r["score"] for r in rows if r["level"] >= 3]
            for row in rows:
                if (
                    row["type"] in ("keyword-stuffed", "off-topic")
                    and good
                    and row["score"] > min(good)
                ):
                    violations.append(
                        f"{row['id']} ({row['score']}) > weakest level-3+ answer ({min(good)})"
                    )
        if violations:
            self.stdout.write("Gaming check FAILED:\n  " + "\n  ".join(violations))
        else:
            self.stdout.write(
                "Gaming check passed: no keyword-stuffed or off-topic answer beats a level-3+ answer."
            )
