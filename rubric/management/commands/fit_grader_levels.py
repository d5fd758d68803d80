"""Fit the score scale (where levels 1-4 start on the raw score) on a labelled calibration set."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand

from rubric.bank_files import BANK_DIR
from rubric.calibration import (
    exact_agreement,
    fit_cutoffs,
    quadratic_weighted_kappa,
    raw_level,
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
        parser.add_argument("file", help="the calibration set (never the held-out set)")
        parser.add_argument("--write", action="store_true", help="write rubric/bank/scoring.yaml")

    def handle(self, *args, **options) -> None:
        rows = read_labelled(options["file"])
        by_question = defaultdict(list)
        for row in rows:
            by_question[row["question"]].append(row)
        predicted, actual = [], []
        for slug, held in sorted(by_question.items()):
            train = [r for r in rows if r["question"] != slug]
            cuts = fit_cutoffs([r["raw"] for r in train], [r["level"] for r in train])
            for r in held:
                # An answer found off-topic is capped at level 0 whatever its raw score.
                predicted.append(0 if r["off_topic"] else raw_level(r["raw"], cuts))
                actual.append(r["level"])
        self.stdout.write(
            f"leave-one-question-out ({len(rows)} answers): exact={exact_agreement(predicted, actual):.2f} "
            f"within_one={within_one(predicted, actual):.2f} "
            f"qwk={quadratic_weighted_kappa(predicted, actual):.3f} "
            f"spearman_rho={spearman([r['raw'] for r in rows], [r['level'] for r in rows]):.3f}"
        )
        cuts = fit_cutoffs([r["raw"] for r in rows], [r["level"] for r in rows])
        self.stdout.write(f"raw_level_cutoffs fitted on all {len(rows)}: {list(cuts)}")
        if options["write"]:
            path = Path(BANK_DIR) / "scoring.yaml"
            path.write_text(
                "# Where levels 1-4 (no hire, lean no hire, hire, strong hire) start on the raw score,\n"
                "# fitted on tests/data/calibration.jsonl by `manage.py fit_grader_levels --write`.\n"
                "# The shown score maps these onto 15 / 35 / 58 / 80 (rubric.calibration.ScoreScale).\n"
                f"raw_level_cutoffs: {list(cuts)}\n",
                encoding="utf-8",
            )
            self.stdout.write(f"wrote {path}")
