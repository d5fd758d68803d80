"""The grader against interviewers' levels on the held-out calibration set (tests/data/calibration.jsonl).

The set was written blind to the rubric files (its author never saw the term lists), so these
checks guard the grader's agreement with people, not its memory of the answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from rubric.bank_files import load_bank
from rubric.calibration import quadratic_weighted_kappa, score_level, spearman
from rubric.engine import Answer, grade_for

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "tests" / "data" / "calibration.jsonl"


@pytest.fixture(scope="module")
def rows():
    bank = load_bank()
    out = []
    for line in CALIBRATION.read_text().splitlines():
        data = json.loads(line)
        result = grade_for(bank, data["question"], Answer.from_dict(data))
        out.append({**data, "score": result.score})
    return out


def test_the_set_covers_six_questions_and_every_kind_of_answer(rows):
    assert len(rows) >= 60
    assert len({r["question"] for r in rows}) >= 6
    assert {r["type"] for r in rows} >= {"strong", "terse-strong", "generic", "weak", "keyword-stuffed", "empty",
                                         "off-topic", "paraphrased"}  # fmt: skip


def test_scores_rank_answers_like_interviewers(rows):
    rho = spearman([r["score"] for r in rows], [r["level"] for r in rows])
    assert rho >= 0.85, f"Spearman's rho fell to {rho:.3f}"


def test_no_stuffed_or_off_topic_answer_beats_a_solid_one(rows):
    by_question = defaultdict(list)
    for row in rows:
        by_question[row["question"]].append(row)
    for group in by_question.values():
        weakest_solid = min(r["score"] for r in group if r["level"] >= 3)
        for row in group:
            if row["type"] in ("keyword-stuffed", "off-topic"):
                assert row["score"] <= weakest_solid, (
                    f"{row['id']} ({row['score']}) beats a level-3 answer"
                )


def test_empty_answers_score_no_hire(rows):
    # "todo" or "not sure" in a stage or two: level 0 on the shown scale, never a mention's worth.
    assert all(score_level(r["score"]) == 0 for r in rows if r["type"] == "empty")


def test_agreement_statistics_on_known_values():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2], [1, 2, 3]) == pytest.approx(0.866, abs=0.001)  # ties share ranks
    assert quadratic_weighted_kappa([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]) == pytest.approx(1.0)
    assert quadratic_weighted_kappa([4, 3, 2, 1, 0], [0, 1, 2, 3, 4]) == pytest.approx(-1.0)
    assert [score_level(s) for s in (0, 14, 15, 35, 58, 80, 100)] == [0, 0, 1, 2, 3, 4, 4]


def test_the_evaluate_grader_command_prints_rho_kappa_and_disagreements():
    result = subprocess.run(
        [sys.executable, "manage.py", "evaluate_grader", str(CALIBRATION)], cwd=ROOT, capture_output=True,
        text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "spearman_rho=" in result.stdout and "qwk=" in result.stdout
    assert "ad-click-prediction" in result.stdout and "Largest disagreements" in result.stdout
    assert "Gaming check passed" in result.stdout
