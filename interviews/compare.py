"""Comparing two attempts of the same question: levels, stage scores, texts and diagrams."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from interviews.models import Attempt
from rubric.models import CriterionResult, Grade
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS, STAGES

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Comparison:
    stages: list[dict]
    criteria: list[dict]
    texts: list[dict]
    diagram: dict


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level diff as `(op, text)` runs, op in equal / insert / delete (rendered escaped)."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            runs.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(b[j1:j2])))
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
    return runs


def _diagram_sets(grade: Grade) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    diagram = grade.diagram or {}
    components = {
        (c["label"], c.get("kind_label") or "not recognised") for c in diagram.get("components", [])
    }
    edges = {(e["source_label"], e["target_label"]) for e in diagram.get("edges", [])}
    return components, edges


def compare_attempts(first: Attempt, second: Attempt) -> Comparison:
    grades = {g.attempt_id: g for g in Grade.objects.filter(attempt__in=[first, second])}
    g1, g2 = grades[first.pk], grades[second.pk]
    stages = [
        {
            "label": STAGE_LABELS[s],
            "before": g1.stage_scores.get(s),
            "after": g2.stage_scores.get(s),
        }
        for s in (*GRADED_STAGES, DIAGRAM)
        if s in g1.stage_scores or s in g2.stage_scores
    ]
    for row in stages:
        row["delta"] = (row["after"] or 0) - (row["before"] or 0)
    results = CriterionResult.objects.filter(grade__in=[g1, g2]).order_by("position")
    levels: dict[str, dict] = {}
    for r in results:
        row = levels.setdefault(r.criterion_key, {"title": r.title, "stage": STAGE_LABELS.get(r.stage, r.stage),
                                                  "before": None, "after": None})  # fmt: skip
        row["before" if r.grade_id == g1.pk else "after"] = r.level
    criteria = list(levels.values())
    for row in criteria:
        row["delta"] = (row["after"] or 0) - (row["before"] or 0)
    texts_1 = dict(first.responses.values_list("stage", "text"))
    texts_2 = dict(second.responses.values_list("stage", "text"))
    texts = [
        {"label": STAGE_LABELS[s], "runs": text_diff(texts_1.get(s, ""), texts_2.get(s, "")),
         "changed": texts_1.get(s, "") != texts_2.get(s, "")}
        for s in STAGES
    ]  # fmt: skip
    (c1, e1), (c2, e2) = _diagram_sets(g1), _diagram_sets(g2)
    diagram = {
        "components_added": sorted(c2 - c1), "components_removed": sorted(c1 - c2),
        "edges_added": sorted(e2 - e1), "edges_removed": sorted(e1 - e2),
    }  # fmt: skip
    return Comparison(stages=stages, criteria=criteria, texts=texts, diagram=diagram)
