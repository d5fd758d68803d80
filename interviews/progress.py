"""What a person's graded attempts say about their progress: a few aggregate queries, no N+1."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Max

from interviews.models import Attempt, Question, StageResponse
from rubric.engine import level_value
from rubric.models import CriterionResult, Grade
from rubric.stages import COMPETENCIES, DEFAULT_BUDGET_MINUTES, GRADED_STAGES, STAGE_LABELS, STAGES

RECENT = 5  # attempts that count as "lately" for the recommendation


@dataclass
class Progress:
    attempts: list[dict] = field(default_factory=list)  # graded, oldest first
    stage_series: dict[str, list[float | None]] = field(default_factory=dict)
    competency_series: dict[str, list[float | None]] = field(default_factory=dict)
    time_rows: list[tuple[str, float, float]] = field(
        default_factory=list
    )  # label, avg minutes, budget
    missed: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # title, times missed, times graded
    recommendation: dict | None = None


def progress_for(user) -> Progress:
    grades = list(
        Grade.objects.filter(attempt__user=user, status=Grade.Status.DONE)
        .order_by("attempt__started_at")
        .values(
            "pk",
            "score",
            "stage_scores",
            "attempt_id",
            "attempt__started_at",
            "attempt__question__title",
        )
    )
    progress = Progress()
    if not grades:
        return progress
    index = {g["pk"]: i for i, g in enumerate(grades)}
    progress.attempts = [
        {
            "date": g["attempt__started_at"],
            "score": g["score"],
            "title": g["attempt__question__title"],
            "id": g["attempt_id"],
        }
        for g in grades
    ]
    progress.stage_series = {
        stage: [g["stage_scores"].get(stage) for g in grades]
        for stage in (*GRADED_STAGES, "diagram")
    }

    # Competencies: the weighted level value of the criteria tagged with each, per attempt.
    sums: dict[str, list[list[float]]] = {c: [[0.0, 0.0] for _ in grades] for c in COMPETENCIES}
    missed: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    rows = CriterionResult.objects.filter(grade_id__in=index).values_list(
        "grade_id", "title", "level", "weight", "competencies"
    )
    for grade_id, title, level, weight, competencies in rows.iterator(chunk_size=5000):
        i = index[grade_id]
        for competency in competencies:
            if competency in sums:
                sums[competency][i][0] += weight * level_value(level)
                sums[competency][i][1] += weight
        seen[title] += 1
        if level < 2:
            missed[title] += 1
    progress.competency_series = {
        c: [round(100 * s / w) if w else None for s, w in per_attempt]
        for c, per_attempt in sums.items()
    }
    progress.missed = [(title, count, seen[title]) for title, count in missed.most_common(6)]

    # Time used against the budget, per stage, over graded attempts.
    minutes: dict[str, list[float]] = defaultdict(list)
    budgets: dict[str, list[float]] = defaultdict(list)
    for stage, seconds, question_budgets in StageResponse.objects.filter(
        attempt_id__in=[g["attempt_id"] for g in grades]
    ).values_list("stage", "seconds_spent", "attempt__question__budgets"):
        minutes[stage].append(seconds / 60)
        budgets[stage].append((question_budgets or {}).get(stage) or DEFAULT_BUDGET_MINUTES[stage])
    progress.time_rows = [
        (STAGE_LABELS[s], round(mean(minutes[s]), 1), round(mean(budgets[s]), 1))
        for s in STAGES
        if minutes[s]
    ]
    progress.recommendation = _recommend(user, grades)
    return progress


def _recommend(user, grades: list[dict]) -> dict | None:
    """The weakest stage lately, and the question to practise it on: one not tried yet, or the lowest best."""
    recent = grades[-RECENT:]
    averages = {stage: mean(g["stage_scores"].get(stage, 0) for g in recent) for stage in STAGES}
    weakest = min(averages, key=averages.get)
    tried = dict(
        Attempt.objects.filter(user=user, grade__status=Grade.Status.DONE)
        .values_list("question_id")
        .annotate(best=Max("grade__score"))
        .values_list("question_id", "best")
    )
    candidates = list(Question.objects.filter(is_active=True, in_bank=True).order_by("title"))
    fresh = [q for q in candidates if q.pk not in tried]
    if fresh:
        question, why = fresh[0], "a question you have not tried yet"
    else:
        question = min(candidates, key=lambda q: tried.get(q.pk, 0))
        why = f"your lowest best score so far ({tried.get(question.pk, 0)}/100)"
    return {
        "stage": weakest,
        "stage_label": STAGE_LABELS[weakest],
        "stage_score": round(averages[weakest]),
        "question": question,
        "reason": (
            f"Across your last {len(recent)} graded attempt{'s' if len(recent) != 1 else ''}, "
            f"“{STAGE_LABELS[weakest]}” averaged {averages[weakest]:.0f}/100, your weakest stage. "
            f"Practise it on {question.title}, {why}."
        ),
    }
