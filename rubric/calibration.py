"""Agreement statistics between the grader's scores and interviewers' levels (pure Python)."""

from __future__ import annotations

from collections.abc import Sequence

LEVELS = 5  # 0 no signal · 1 weak · 2 mixed · 3 solid · 4 excellent
# Score cut-offs for comparing with the interviewers' 0-4 levels, fixed a priori from the
# hire bands (not fitted to the calibration set).
LEVEL_CUTOFFS = ((75, 4), (55, 3), (35, 2), (15, 1))


def score_level(score: float) -> int:
    return next((level for cutoff, level in LEVEL_CUTOFFS if score >= cutoff), 0)


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
