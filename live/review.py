"""After a live interview: the automatic grade beside the interviewer's scorecard."""

from __future__ import annotations

from typing import Any

from interviews.hints import hints_by_stage
from live.models import LiveSession
from rubric.models import Grade
from rubric.services import bank_for_grade, criteria_for_question
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS


def review_context(session: LiveSession, role: str) -> dict[str, Any]:
    attempt = session.attempt
    grade = Grade.objects.filter(attempt=attempt).first() if attempt else None
    grade_done = grade is not None and grade.status == Grade.Status.DONE
    graded = {r.criterion_key: r for r in grade.results.all()} if grade_done else {}
    scores = {e.criterion_key: e for e in session.scorecard.all()}
    rows = []
    order = {stage: i for i, stage in enumerate((*GRADED_STAGES, DIAGRAM))}
    if grade is not None:
        bank, slug = bank_for_grade(grade)  # the rubric version the grade used
        criteria = bank.criteria_for(slug)
    else:
        criteria = criteria_for_question(session.question)
    criteria = sorted(criteria, key=lambda c: order[c.stage])
    for criterion in criteria:
        auto = graded.get(criterion.id)
        mine = scores.get(criterion.id)
        auto_level = auto.level if auto else None
        my_level = mine.level if mine else None
        gap = None if auto_level is None or my_level is None else my_level - auto_level
        rows.append(
            {
                "title": criterion.title,
                "stage_label": STAGE_LABELS[criterion.stage],
                "auto_level": auto_level,
                "level": my_level,
                "comment": mine.comment if mine else "",
                "gap": gap,
                "gap_size": abs(gap) if gap is not None else 0,
            }
        )
    compared = [r for r in rows if r["gap"] is not None]
    shown_hints = hints_by_stage(attempt) if attempt else {}
    return {
        "session": session,
        "role": role,
        "question": session.question,
        "attempt": attempt,
        "grade": grade,
        "grade_done": grade_done,
        "rows": rows,
        "agreements": sum(1 for r in compared if r["gap"] == 0),
        "disagreements": sum(1 for r in compared if r["gap"] != 0),
        "unscored": sum(1 for r in rows if r["level"] is None),
        "notes": session.notes.all() if session.may_see_notes(role) else None,
        "answers": [
            {"label": STAGE_LABELS[r.stage], "text": r.text}
            for r in sorted(attempt.responses.all(), key=lambda r: order[r.stage])
        ]
        if attempt
        else [],
        "questions": list(attempt.follow_ups.all()) if attempt else [],
        "hints": [
            {
                "stage_label": STAGE_LABELS[stage],
                "text": hint.text,
                "ladder": hint.index is not None,
            }
            for stage, hints in shown_hints.items()
            for hint in hints
        ],
    }
