"""Agreement statistics between the grader's scores and interviewers' levels (pure Python)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LEVELS = 5  # 0 no signal · 1 no hire · 2 lean no hire · 3 hire · 4 strong hire
# Where each level starts on the score people see, fixed a priori from the hire bands
# (strong hire from 80, hire from 65, lean hire from 50, lean no hire from 35): a level-3
# answer reads "hire" or, at its lower edge, "lean hire".
DISPLAY_CUTOFFS = (15.0, 35.0, 58.0, 80.0)
LEVEL_CUTOFFS = tuple(
    (cutoff, level) for level, cutoff in reversed(list(enumerate(DISPLAY_CUTOFFS, 1)))
)


def score_level(score: float) -> int:
    return next((level for cutoff, level in LEVEL_CUTOFFS if score >= cutoff), 0)


@dataclass(frozen=True)
class ScoreScale:
    """Maps the rubric's raw score (share of points) onto the shown 0-100 score.

    `raw_cutoffs` are the raw scores where levels 1-4 start, fitted on the calibration set
    (`manage.py fit_grader_levels`); the map is piecewise linear through them, so it keeps the
    order of answers and puts each level where its hire band is.
    """

    raw_cutoffs: tuple[float, ...] = DISPLAY_CUTOFFS

    def level_ceiling(self, level: int) -> int:
        """The highest shown score that is still `level`."""
        return int(DISPLAY_CUTOFFS[level]) - 1 if level < len(DISPLAY_CUTOFFS) else 100

    def display(self, raw: float) -> int:
        knots = [(0.0, 0.0), *zip(self.raw_cutoffs, DISPLAY_CUTOFFS, strict=True), (100.0, 100.0)]
        for (x0, y0), (x1, y1) in zip(knots, knots[1:], strict=False):
            if raw <= x1:
                return round(y0 + (raw - x0) * (y1 - y0) / (x1 - x0)) if x1 > x0 else round(y1)
        return 100


def _ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks; ties share their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    if n < 2:
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    return cov / (vx * vy) ** 0.5 if vx and vy else float("nan")


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    return pearson(_ranks(xs), _ranks(ys))


def quadratic_weighted_kappa(
    predicted: Sequence[int], actual: Sequence[int], levels: int = LEVELS
) -> float:
    n = len(predicted)
    if not n:
        return float("nan")
    observed = [[0.0] * levels for _ in range(levels)]
    for p, a in zip(predicted, actual, strict=True):
        observed[a][p] += 1
    row = [sum(observed[i]) for i in range(levels)]
    col = [sum(observed[i][j] for i in range(levels)) for j in range(levels)]
    num = den = 0.0
    for i in range(levels):
        for j in range(levels):
            weight = (i - j) ** 2 / (levels - 1) ** 2
            num += weight * observed[i][j]
            den += weight * row[i] * col[j] / n
    return 1 - num / den if den else float("nan")


def exact_agreement(predicted: Sequence[int], actual: Sequence[int]) -> float:
    return sum(p == a for p, a in zip(predicted, actual, strict=True)) / len(actual)


def within_one(predicted: Sequence[int], actual: Sequence[int]) -> float:
    return sum(abs(p - a) <= 1 for p, a in zip(predicted, actual, strict=True)) / len(actual)


def raw_level(raw: float, cutoffs: Sequence[float]) -> int:
    return sum(raw >= c for c in cutoffs)


MIN_BAND = 8.0


def capped_level(raw: float, cutoffs: Sequence[float], cap: int | None) -> int:
    """The level of a raw score, no higher than the answer's cap (off-topic, skipped stages)."""
    level = raw_level(raw, cutoffs)
    return level if cap is None else min(level, cap)


def fit_cutoffs(
    raws: Sequence[float], levels: Sequence[int], caps: Sequence[int | None] | None = None
) -> tuple[float, ...]:
    """Raw-score cut-offs for levels 1-4 that agree best with `levels` (quadratic-weighted
    kappa, then exact agreement), by coordinate search over midpoints between observed scores."""
    values = sorted(set(raws))
    candidates = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)] + [100.0]
    caps = list(caps) if caps is not None else [None] * len(raws)

    def quality(cuts: Sequence[float]) -> tuple[float, float]:
        predicted = [capped_level(r, cuts, c) for r, c in zip(raws, caps, strict=True)]
        kappa = quadratic_weighted_kappa(predicted, list(levels))
        return (kappa if kappa == kappa else -1.0, exact_agreement(predicted, list(levels)))

    cuts = list(DISPLAY_CUTOFFS)
    best = quality(cuts)
    # Levels at least MIN_BAND raw points wide: a sentence more should not jump a whole level.
    for _ in range(20):
        improved = False
        for k in range(len(cuts)):
            low = cuts[k - 1] + MIN_BAND if k else 0.0
            high = cuts[k + 1] - MIN_BAND if k + 1 < len(cuts) else 100.0
            for c in candidates:
                if low <= c <= high and 0 < c < 100:
                    trial = [*cuts[:k], c, *cuts[k + 1 :]]
                    q = quality(trial)
                    if q > best:
                        best, cuts, improved = q, trial, True
        if not improved:
            break
    return tuple(round(c, 1) for c in cuts)
