"""The hints an attempt has shown so far, in the order they appeared, per stage."""

from __future__ import annotations

from dataclasses import dataclass

from interviews.models import Attempt
from rubric.stages import STAGES


@dataclass(frozen=True)
class ShownHint:
    index: int | None  # position in the question's ladder; None for an interviewer's own words
    text: str

    @property
    def from_interviewer(self) -> bool:
        return self.index is None


def hints_by_stage(attempt: Attempt) -> dict[str, list[ShownHint]]:
    shown: dict[str, list[ShownHint]] = {stage: [] for stage in STAGES}
    for use in attempt.hint_uses.all():
        shown[use.stage].append(ShownHint(use.index, use.text_in(attempt.question)))
    return shown
