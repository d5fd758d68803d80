"""The interviewer's coverage panel: for each stage, which criteria the candidate's saved answer
covers so far, the bank's probes for the gaps, the questions already asked, and the curveball.

Read side only: the engine grades the draft in-process (a few ms, no row written) after each
durable save of the candidate's text, and the panel goes to the interviewer's sockets as htmx
out-of-band fragments. Sending a probe or the curveball is a room action (`live.services`).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from interviews.models import Attempt, FollowUp, Question
from interviews.practice_page import follow_up_box
from live import events
from live.models import LiveSession
from rubric import engine
from rubric.schema import MAX_LEVEL
from rubric.services import AnswerSoFar, answer_so_far, bank_and_slug_for
from rubric.stages import STAGE_LABELS, STAGES

STATES = {0: ("missing", "not yet"), MAX_LEVEL: ("covered", "covered")}


def stage_coverage(so_far: AnswerSoFar, stage: str, asked: list[FollowUp]) -> dict[str, Any]:
    """One stage's rows (every criterion of the stage with its level) and the probes for its gaps,
    weakest criterion first; a probe already asked is marked, not offered again."""
    levels = {r.id: r.level for r in so_far.result.criteria}
    asked_questions = {f.question for f in asked}
    rows = []
    for c in so_far.criteria:
        if c.stage != stage or c.id not in levels:
            continue
        state, label = STATES.get(levels[c.id], ("partial", "partly"))
        rows.append(
            {"key": c.id, "title": c.title, "level": levels[c.id], "state": state, "label": label}
        )
    probes = [
        {
            "criterion": c.id,
            "title": c.title,
            "index": i,
            "question": question,
            "sent": question in asked_questions,
        }
        for c in engine.unmet_criteria(so_far.criteria, so_far.result.criteria, stage)
        for i, question in enumerate(c.probes)
    ]
    return {
        "stage": stage,
        "label": STAGE_LABELS[stage],
        "rows": rows,
        "covered": sum(1 for r in rows if r["state"] == "covered"),
        "probes": probes,
        "asked": asked,
    }


def coverage_fragments(attempt: Attempt | None, stages: tuple[str, ...] = STAGES) -> list[str]:
    """The panels of `stages` and the curveball box, as out-of-band swaps (one engine run)."""
    if attempt is None:
        return []
    so_far = answer_so_far(attempt)
    threads: dict[str, list[FollowUp]] = {s: [] for s in STAGES}
    for follow in attempt.follow_ups.all():
        threads[follow.stage].append(follow)
    panels = [
        render_to_string("live/_coverage.html", {"c": stage_coverage(so_far, s, threads[s])})
        for s in stages
    ]
    sent = next((f for f in attempt.follow_ups.all() if f.is_curveball), None)
    curveball = {"change": so_far.curveball.change if so_far.curveball else "", "sent": sent}
    return [*panels, render_to_string("live/_curveball.html", {"curveball": curveball})]


def curveball_change(question: Question) -> str:
    """The question's change of requirements, or "" when it has none (custom questions)."""
    bank, slug = bank_and_slug_for(question)
    curveball = bank.questions[slug].curveball if slug else None
    return curveball.change if curveball else ""


def send_coverage_after_commit(session_id: int, attempt: Attempt, stage: str) -> None:
    """The stage's panel (and the curveball box) to the interviewer, once the save has committed."""
    for html in coverage_fragments(attempt, (stage,)):
        events.send_after_commit(session_id, "interviewer", html=html)


def thread_fragment(attempt: Attempt, stage: str) -> str:
    """The candidate's thread for `stage`: the practice page's own partial, swapped in place."""
    context = {
        "attempt": attempt,
        "box": follow_up_box(attempt, stage),
        "follows_interviewer": True,
        "oob": True,
    }
    return render_to_string("interviews/practice.html#follow-ups", context)


def send_thread_after_commit(session: LiveSession, attempt: Attempt, stage: str) -> None:
    events.send_after_commit(session.pk, "candidate", html=thread_fragment(attempt, stage))
