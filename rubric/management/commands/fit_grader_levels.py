"""Fit the score scale (where levels 1-4 start on the raw score) on a labelled calibration set."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand

from rubric.bank_files import BANK_DIR
from rubric.calibration import (
    capped_level,
    exact_agreement,
    fit_cutoffs,
    quadratic_weighted_kappa,
    spearman,
    within_one,
)
from rubric.management.commands.evaluate_grader import read_labelled


class Command(BaseCommand):
    help = (
        "Fit the raw-score cut-offs of levels 1-4 on FILE, report leave-one-question-out "
        "cross-validated agreement, and with --write store them in rubric/bank/scoring.yaml."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "files", nargs="+", help="the calibration and development sets (never the held-out set)"
        )
        parser.add_argument("--write", action="store_true", help="write rubric/bank/scoring.yaml")
        parser.add_argument("--bank", help="grade with the bank files in this folder instead")

    def handle(self, *args, **options) -> None:
        rows = [r for file in options["files"] for r in read_labelled(file, options["bank"])]
        by_question = defaultdict(list)
        for row in rows:
            by_question[row["question"]].append(row)
        predicted, actual = [], []
        for slug, held in sorted(by_question.items()):
            train = [r for r in rows if r["question"] != slug]
            cuts = fit_cutoffs(*_fit_inputs(train))
            for r in held:
                predicted.append(capped_level(r["raw"], cuts, r["cap"]))
                actual.append(r["level"])
        self.stdout.write(
            f"leave-one-question-out ({len(rows)} answers): exact={exact_agreement(predicted, actual):.2f} "
            f"within_one={within_one(predicted, actual):.2f} "
            f"qwk={quadratic_weighted_kappa(predicted, actual):.3f} "
            f"(raw scores, not cross-validated: spearman_rho="
            f"{spearman([r['raw'] for r in rows], [r['level'] for r in rows]):.3f})"
        )
        cuts = fit_cutoffs(*_fit_inputs(rows))
        self.stdout.write(f"raw_level_cutoffs fitted on all {len(rows)}: {list(cuts)}")
        if options["write"]:
            path = Path(options["bank"] or BANK_DIR) / "scoring.yaml"
            path.write_text(
                "# Where levels 1-4 (no hire, lean no hire, hire, strong hire) start on the raw score,\n"
                "# fitted on tests/data/calibration.jsonl and tests/data/dev/*.jsonl by\n"
                "# `manage.py fit_grader_levels tests/data/calibration.jsonl tests/data/dev/*.jsonl --write`.\n"
                "# The shown score maps these onto 15 / 35 / 58 / 80 (rubric.calibration.ScoreScale).\n"
                f"raw_level_cutoffs: {list(cuts)}\n",
                encoding="utf-8",
            )
            self.stdout.write(f"wrote {path}")


def _fit_inputs(rows: list[dict]) -> tuple[list[float], list[int], list[int | None]]:
    return [r["raw"] for r in rows], [r["level"] for r in rows], [r["cap"] for r in rows]
