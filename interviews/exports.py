"""Exports of a person's own data: one attempt as Markdown, everything as JSON."""

from __future__ import annotations

from typing import Any

from interviews.evidence import board_labels, clean_all, without_element_ids
from interviews.models import Attempt
from rubric.models import CriterionResult, Grade, LLMFeedback
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGE_LABELS, STAGES


def attempt_markdown(attempt: Attempt) -> str:
    grade = Grade.objects.filter(attempt=attempt).first()
    texts = dict(attempt.responses.values_list("stage", "text"))
    lines = [
        f"# {attempt.question.title}",
        "",
        f"Started {attempt.started_at:%Y-%m-%d %H:%M} UTC · {attempt.get_status_display()}",
    ]
    if grade and grade.status == Grade.Status.DONE:
        lines += [
            "",
            f"**Score: {grade.score}/100 — {grade.band}** (rubric {grade.rubric.version})",
        ]
    lines += ["", "## Prompt", "", attempt.question.prompt]
    results = list(CriterionResult.objects.filter(grade=grade)) if grade else []
    labels = board_labels(grade.diagram) if grade else {}
    for stage in (*STAGES, *[s for s in GRADED_STAGES if s not in STAGES], DIAGRAM):
        rows = [r for r in results if r.stage == stage]
        if stage not in STAGES and not rows:
            continue
        score = f" — {grade.stage_scores.get(stage)}/100" if rows else ""
        lines += ["", f"## {STAGE_LABELS[stage]}{score}", ""]
        if stage in STAGES:
            lines += [texts.get(stage, "").strip() or "_(empty)_", ""]
        for r in rows:
            lines.append(f"- **{r.title}**: level {r.level}/{r.max_level}")
            lines += [f"  - > {quote}" for quote in clean_all(r.evidence, labels)]
            if r.missing:
                lines.append(f"  - Missing: {without_element_ids(r.missing, labels)}")
    if grade and grade.diagram.get("edges"):
        lines += ["", "## Board connections", ""]
        lines += [f"- {e['source_label']} → {e['target_label']}" for e in grade.diagram["edges"]]
    return "\n".join(lines).rstrip() + "\n"


def user_data(user) -> dict[str, Any]:
    """Everything stored about `user`, as plain JSON."""
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("question", "whiteboard", "grade__rubric")
        .prefetch_related("responses", "grade__results", "follow_ups")
        .order_by("started_at")
    )
    feedback = {f.grade_id: f for f in LLMFeedback.objects.filter(grade__attempt__user=user)}
    data: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
        },
        "attempts": [],
    }
    for attempt in attempts:
        grade = getattr(attempt, "grade", None)
        board = getattr(attempt, "whiteboard", None)
        entry = {
            "id": attempt.pk,
            "question": {
                "slug": attempt.question.slug,
                "title": attempt.question.title,
                "prompt": attempt.question.prompt,
            },
            "mode": attempt.mode,
            "status": attempt.status,
            "started_at": attempt.started_at.isoformat(),
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
            "stages": {
                r.stage: {"text": r.text, "seconds_spent": r.seconds_spent}
                for r in attempt.responses.all()
            },
            "whiteboard": board.scene if board else None,
            "follow_ups": [
                {
                    "stage": f.stage,
                    "question": f.question,
                    "reply": f.reply,
                    "asked_at": f.asked_at.isoformat(),
                }
                for f in attempt.follow_ups.all()
            ],
            "grade": None,
        }
        if grade:
            labels = board_labels(grade.diagram)
            entry["grade"] = {
                "status": grade.status, "score": grade.score, "band": grade.band, "rubric_version": grade.rubric.version,
                "stage_scores": grade.stage_scores, "diagram": grade.diagram,
                "criteria": [{"id": r.criterion_key, "title": r.title, "stage": r.stage, "level": r.level,
                              "evidence": clean_all(r.evidence, labels),
                              "missing": without_element_ids(r.missing, labels)} for r in grade.results.all()],
            }  # fmt: skip
            if grade.pk in feedback:
                f = feedback[grade.pk]
                entry["grade"]["llm_feedback"] = {
                    "status": f.status,
                    "model": f.model,
                    "result": f.result,
                }
        data["attempts"].append(entry)
    return data
