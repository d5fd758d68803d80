"""What the results page leads with: the few changes that would raise the grade most.

Text and board criteria compete on the same footing: the points a criterion would add if it
reached its top level, its weight times its level gap. Ties go to the criterion whose current
level is worth least in the score (level 0 before level 1), then to the stage order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rubric.engine import level_value
from rubric.examples import Example
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS

TOP_CHANGES = 3
_STAGE_ORDER = {stage: i for i, stage in enumerate((*GRADED_STAGES, DIAGRAM))}


class Graded(Protocol):
    criterion_key: str
    stage: str
    title: str
    weight: int
    level: int
    max_level: int
    position: int


@dataclass(frozen=True)
class Change:
    result: Graded
    gain: int  # weight × levels still to climb
    example: Example | None

    @property
    def levels_to_climb(self) -> int:
        return self.result.max_level - self.result.level

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.result.stage, self.result.stage)


def points_to_gain(result: Graded) -> int:
    return result.weight * max(result.max_level - result.level, 0)


def rank_changes(results: Sequence[Graded], count: int = TOP_CHANGES) -> list[Graded]:
    """The `count` criteria below their top level that would add the most to the grade."""
    below = [r for r in results if r.level < r.max_level]
    return sorted(
        below,
        key=lambda r: (
            -points_to_gain(r),
            -r.weight * (1 - level_value(r.level)),
            _STAGE_ORDER.get(r.stage, len(_STAGE_ORDER)),
            r.position,
        ),
    )[:count]


def top_changes(
    results: Sequence[Graded], example_of: Callable[[str], Example | None]
) -> list[Change]:
    """The top changes, each with `example_of(criterion id)`: what its top level reads like."""
    return [
        Change(result=r, gain=points_to_gain(r), example=example_of(r.criterion_key))
        for r in rank_changes(results)
    ]
