"""Comparing two attempts of the same question: levels, stage scores, texts and diagrams."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from interviews.models import Attempt
from rubric.models import CriterionResult, Grade
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS, STAGES

_TOKENS = re.compile(r"\s+|[^\s]+")

# difflib's matcher costs about len(a) x len(b) "cells" (~0.1 us each): two stages of 20,000
# characters of short words are 64 million cells, 18 s a stage. One compare page spends at most
# this many (about 0.3 s); past it a change is shown line by line, then as a whole.
DIFF_CELL_BUDGET = 3_000_000


class DiffBudget:
    """The cells left for this page's diffs; `take` says whether a diff of that size still fits."""

    def __init__(self, cells: int = DIFF_CELL_BUDGET):
        self.cells = cells

    def take(self, cells: int) -> bool:
        if cells > self.cells:
            return False
        self.cells -= cells
        return True


@dataclass
class Comparison:
    stages: list[dict]
    criteria: list[dict]
    texts: list[dict]
    diagram: dict


def text_diff(before: str, after: str, budget: DiffBudget | None = None) -> list[tuple[str, str]]:
    """Word-level diff as `(op, text)` runs, op in equal / insert / delete (rendered escaped).

    1. The common start and end are equal runs, found in linear time (most edits are small).
    2. The middle is diffed word by word when that fits the budget; otherwise line by line (each
       changed group of lines word by word if it fits), otherwise it is one delete and one insert.
    """
    budget = budget or DiffBudget()
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    runs: list[tuple[str, str]] = [("equal", "".join(a[:start]))]
    runs += _diff_middle(a[start : len(a) - end], b[start : len(b) - end], budget)
    runs.append(("equal", "".join(a[len(a) - end :])))
    return _merged(runs)


def _diff_middle(a: list[str], b: list[str], budget: DiffBudget) -> list[tuple[str, str]]:
    if a and b and budget.take(len(a) * len(b)):
        return _opcode_runs(a, b)
    lines_a = "".join(a).splitlines(keepends=True)
    lines_b = "".join(b).splitlines(keepends=True)
    single_lines = len(lines_a) <= 1 and len(lines_b) <= 1
    if single_lines or not budget.take(len(lines_a) * len(lines_b)):
        return [("delete", "".join(a)), ("insert", "".join(b))]
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=lines_a, b=lines_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(lines_a[i1:i2]), "".join(lines_b[j1:j2])
        if op == "equal":
            runs.append(("equal", before))
            continue
        words_a, words_b = _TOKENS.findall(before), _TOKENS.findall(after)
        if op == "replace" and budget.take(len(words_a) * len(words_b)):
            runs += _opcode_runs(words_a, words_b)
        else:
            runs += [("delete", before), ("insert", after)]
    return runs


def _opcode_runs(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            runs.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(b[j1:j2])))
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
    return runs


def _merged(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop empty runs and join neighbours of the same kind."""
    merged: list[tuple[str, str]] = []
    for op, text in runs:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


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
    budget = DiffBudget()  # one for the whole page
    texts = [
        {"label": STAGE_LABELS[s], "runs": text_diff(texts_1.get(s, ""), texts_2.get(s, ""), budget),
         "changed": texts_1.get(s, "") != texts_2.get(s, "")}
        for s in STAGES
    ]  # fmt: skip
    (c1, e1), (c2, e2) = _diagram_sets(g1), _diagram_sets(g2)
    diagram = {
        "components_added": sorted(c2 - c1), "components_removed": sorted(c1 - c2),
        "edges_added": sorted(e2 - e1), "edges_removed": sorted(e1 - e2),
    }  # fmt: skip
    return Comparison(stages=stages, criteria=criteria, texts=texts, diagram=diagram)
