"""What a top-level answer to one criterion reads like, for the results page.

The example is taken from the question's own material where it can be, never invented: the fewest
lines of its strong-answer outline and its hints that the real engine, grading them alone as the
stage's answer, puts highest for that criterion. The outline is terse notes, so such an example
often earns only level 2 (explained); then the criterion's own `example:` in the bank is shown
(every shared criterion has one), and without that the derived one, and the page says its level. Diagram criteria are shown as the boxes and arrows to draw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rubric.engine import Answer, grade
from rubric.schema import MAX_LEVEL, Bank, CriterionSpec, QuestionSpec
from rubric.stages import STAGES

MAX_LINES = 3  # an example is a short passage, not half the outline
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*\S)\s*$")
_cache: dict[tuple[str, str | None, str], Example | None] = {}
_CACHE_LIMIT = 4096


@dataclass(frozen=True)
class Example:
    text: str
    level: int  # what the engine gives this text alone, as the stage's answer
    source: str  # "bank" (the criterion's own example), "outline" or "board"


def outline_lines(markdown: str) -> list[str]:
    """The bullet points of a strong-answer outline, without their markers."""
    return [m.group(1) for line in markdown.splitlines() if (m := _BULLET.match(line))]


def outline_sections(markdown: str) -> dict[str, list[str]]:
    """`{stage key: its bullet points}`, from the outline's headings ("**Data**" → data)."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in markdown.splitlines():
        if bullet := _BULLET.match(line):
            sections.setdefault(current, []).append(bullet.group(1))
        elif line.strip():
            current = line.strip().strip("*#: ").lower()
    return sections


def answer_stage(criterion: CriterionSpec) -> str:
    """The stage an example is written in: the criterion's own, or the first it reads."""
    if criterion.stage in STAGES:
        return criterion.stage
    return next((s for s in criterion.scope if s in STAGES), STAGES[0])


def level_alone(criterion: CriterionSpec, text: str) -> int:
    """The level the engine gives `text` for `criterion` when it is the stage's whole answer."""
    result = grade([criterion], Answer(stages={answer_stage(criterion): text}))
    return result.criteria[0].level


def example_for(bank: Bank, slug: str | None, criterion_id: str) -> Example | None:
    key = (bank.version, slug, criterion_id)
    if key not in _cache:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = _example(bank, slug, criterion_id)
    return _cache[key]


def _example(bank: Bank, slug: str | None, criterion_id: str) -> Example | None:
    criterion = next((c for c in bank.criteria_for(slug) if c.id == criterion_id), None)
    if criterion is None:
        return None
    if criterion.kind == "diagram":
        return Example(board_example(criterion), MAX_LEVEL, "board")
    written = (
        Example(criterion.example, level_alone(criterion, criterion.example), "bank")
        if criterion.example
        else None
    )
    question = bank.questions.get(slug) if slug else None
    derived = _from_outline(criterion, question) if question else None
    # The question's own material when it reaches the top (it speaks of this problem), else
    # the criterion's written example (the shared criteria's are general), else the best found.
    if derived and derived.level >= MAX_LEVEL:
        return derived
    return written or derived


def _from_outline(criterion: CriterionSpec, question: QuestionSpec) -> Example | None:
    # Lines written for the stages the criterion reads first, so an example about labels is
    # not half a serving note; the whole outline only when those lines fall short of level 2.
    sections = outline_sections(question.strong_answer)
    own = {criterion.stage, *criterion.scope}
    near = [line for stage, lines in sections.items() if stage in own for line in lines]
    near += [hint for stage, hints in question.hints.items() if stage in own for hint in hints]
    example = derived_example(criterion, near)
    if example is None or example.level < 2:
        everything = outline_lines(question.strong_answer)
        everything += [hint for hints in question.hints.values() for hint in hints]
        wider = derived_example(criterion, everything)
        if wider and (example is None or wider.level > example.level):
            example = wider
    return example


def derived_example(criterion: CriterionSpec, lines: list[str]) -> Example | None:
    """Greedy: add the line that raises the level most (the shortest text on a tie), up to
    MAX_LINES, stopping when nothing raises it."""
    chosen: list[str] = []
    level = 0
    while len(chosen) < MAX_LINES and level < MAX_LEVEL:
        best: tuple[int, int, str] | None = None
        for line in dict.fromkeys(lines):
            if line in chosen:
                continue
            text = " ".join([*chosen, line])
            candidate = (level_alone(criterion, text), -len(text), line)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        if best is None or best[0] <= level:
            break
        chosen.append(best[2])
        level = best[0]
    return Example(" ".join(chosen), level, "outline") if chosen else None


def board_example(criterion: CriterionSpec) -> str:
    """A board criterion's top level: every one of its checks drawn."""
    names = [check.name for check in criterion.checks]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"A board that shows {listed}."
