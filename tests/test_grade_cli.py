"""`python manage.py grade FILE`: one JSON line per answer, error lines for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.answers import STRONG_AD_ANSWER
from tests.scenes import arrow, box, scene

ROOT = Path(__file__).resolve().parent.parent


def run_grade(input_text: str) -> subprocess.CompletedProcess:
    # No DATABASE_URL: the CLI must not need a database.
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "manage.py", "grade", "-"],
        input=input_text, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )  # fmt: skip


def test_it_grades_each_line_and_reports_errors_without_stopping():
    lines = [
        json.dumps(
            {
                "id": "a1",
                "question": "ad-click-prediction",
                "stages": STRONG_AD_ANSWER,
                "whiteboard": None,
                "extra": 1,
            }
        ),
        "this is not json",
        json.dumps({"id": "a3", "question": "no-such-question", "stages": {}}),
        json.dumps({"id": "a4", "question": "fraud-detection", "stages": {"goals": 42}}),
        json.dumps({"id": "a5", "question": "video-recommendation", "stages": {}}),
    ]
    result = run_grade("\n".join(lines) + "\n")
    assert result.returncode != 0, "a failed line makes the exit status non-zero"
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a1", None, "a3", "a4", "a5"]

    graded = out[0]
    assert graded["question"] == "ad-click-prediction"
    assert 0 <= graded["score"] <= 100 and graded["score"] > 50
    assert len(graded["rubric_version"]) == 16
    assert set(graded["stages"]) == {
        "goals",
        "data",
        "features",
        "model",
        "serving",
        "online",
        "scale",
    }
    criterion = graded["stages"]["goals"]["criteria"][0]
    assert {"id", "title", "level", "max_level", "evidence", "missing"} <= set(criterion)

    assert "not valid JSON" in out[1]["error"]
    assert "unknown question 'no-such-question'" in out[2]["error"]
    assert "stage 'goals' must be text" in out[3]["error"]
    assert out[4]["score"] == 0


def test_it_reports_the_diagram_beside_the_stages():
    board = scene(
        box("t", "Trainer", 0, 0),
        box("s", "Prediction service", 300, 0),
        arrow("e", (160, 30), (300, 30), source="t", target="s"),
    )
    line = json.dumps(
        {"id": "d", "question": "video-recommendation", "stages": {}, "whiteboard": board}
    )
    bad = json.dumps(
        {"id": "b", "question": "video-recommendation", "stages": {}, "whiteboard": {"elements": 3}}
    )
    result = run_grade(line + "\n" + bad + "\n")
    graded, refused = (json.loads(out) for out in result.stdout.splitlines())
    diagram = graded["diagram"]
    assert {c["label"]: c["kind"] for c in diagram["components"]} == {
        "Trainer": "training-pipeline",
        "Prediction service": "model-serving",
    }
    assert [(e["source"], e["target"]) for e in diagram["edges"]] == [("t", "s")]
    assert {c["id"] for c in diagram["criteria"]} >= {
        "diagram-feedback-loop",
        "diagram-retrieval-ranking",
    }
    assert graded["score"] > 0, "diagram criteria count toward the overall score"
    assert "`elements` list" in refused["error"]


def test_it_exits_zero_when_every_line_grades():
    line = json.dumps(
        {"id": "x", "question": "fraud-detection", "stages": {"goals": "Keep fraud low."}}
    )
    result = run_grade(line + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "x"


def test_the_diagram_section_lists_the_roles_read_for_every_component():
    board = scene(
        box("api", "Rec API", 0, 0),
        box("log", "Event Log (Kafka)", 300, 0),
        box("odd", "Cosmo", 600, 0),
        arrow("e", (160, 30), (300, 30), source="api", target="log", label="impressions"),
    )
    line = json.dumps(
        {"id": "r", "question": "news-feed-ranking", "stages": {}, "whiteboard": board}
    )
    result = run_grade(line + "\n")
    assert result.returncode == 0, result.stderr
    diagram = json.loads(result.stdout)["diagram"]
    roles = {c["label"]: [r["role"] for r in c["roles"]] for c in diagram["components"]}
    assert roles == {
        "Rec API": ["model-serving"],
        "Event Log (Kafka)": ["logging", "event-stream"],
        "Cosmo": [],
    }
    assert diagram["edges"][0]["roles"] == ["logging"], "the arrow's label carries a role"
    logged = next(
        f for f in diagram["findings"] if f["check"] == "predictions and outcomes are logged"
    )
    assert logged["met"] and logged["elements"] == ["api", "log", "e"]
    assert "“Rec API” —impressions→ “Event Log (Kafka)”" in logged["text"]
