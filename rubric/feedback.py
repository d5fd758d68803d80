"""Optional LLM feedback: requesting it within budget, running it, recording it.

It never touches the deterministic grade: it is a separate row, written by a separate task.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from interviews.models import Whiteboard
from rubric import queue
from rubric.llm_client import LLMFailed, chat
from rubric.llm_prompt import (
    PROMPT_VERSION,
    build_request,
    diagram_as_text,
    parse_feedback,
    request_hash,
)
from rubric.models import Grade, LLMDailyUsage, LLMFeedback
from rubric.services import bank_for_grade
from rubric.stages import STAGES


class FeedbackRefused(Exception):
    """Feedback cannot be requested now; the message says why, for the person."""


def _request_for(grade: Grade) -> tuple[dict, str, list]:
    bank, slug = bank_for_grade(grade)
    criteria = list(bank.criteria_for(slug))
    attempt = grade.attempt
    texts = dict(attempt.responses.values_list("stage", "text"))
    stages = {stage: texts.get(stage, "") for stage in STAGES}
    request = build_request(
        model=settings.LLM_MODEL,
        question_title=attempt.question.title,
        question_prompt=attempt.question.prompt,
        criteria=criteria,
        stages=stages,
        diagram_text=diagram_as_text(grade.diagram or {}),
    )
    board = Whiteboard.objects.filter(attempt=attempt).values_list("scene", flat=True).first() or {}
    labels = [
        e.get("text", "")
        for e in board.get("elements", [])
        if isinstance(e, dict) and e.get("type") == "text"
    ]
    answer_text = "\n".join([*stages.values(), *labels])
    return request, answer_text, criteria


def feedback_request(*, grade: Grade, user) -> LLMFeedback:
    """Queue feedback for a graded attempt, or re-queue a failed one, within the daily budgets."""
    if not settings.LLM_ENABLED:
        raise FeedbackRefused("Interviewer feedback is not configured on this server.")
    if grade.status != Grade.Status.DONE:
        raise FeedbackRefused("Feedback is available once the grade is ready.")
    existing = LLMFeedback.objects.filter(grade=grade).first()
    if existing and not (existing.status == LLMFeedback.Status.FAILED or _abandoned(existing)):
        return existing
    request, _, _ = _request_for(grade)
    try:
        with transaction.atomic():
            _budget_claim(user=user)  # rolled back with the rest if the request fails below
            if existing:
                existing.delete()
            feedback = LLMFeedback.objects.create(
                grade=grade,
                requested_by=user,
                model=settings.LLM_MODEL,
                prompt_version=PROMPT_VERSION,
                request_hash=request_hash(request),
            )
            transaction.on_commit(lambda: _enqueue(feedback.pk))
    except IntegrityError:  # another tab asked at the same moment: use its request
        return LLMFeedback.objects.get(grade=grade)
    return feedback


def _budget_claim(*, user) -> None:
    """Take one request from today's budgets (the user's, then the service's), or refuse.

    1. Make sure today's two counter rows exist (an insert that ignores a racing twin).
    2. `UPDATE ... SET requests = requests + 1 WHERE requests < limit`: the row lock makes
       concurrent claims wait for each other, and each re-checks the limit on the row as the
       previous one left it, so no two requests can take the last unit.
    3. The caller's transaction holds both locks until the feedback row is created.
    """
    day = timezone.localdate()
    LLMDailyUsage.objects.bulk_create(
        [LLMDailyUsage(day=day, user=user), LLMDailyUsage(day=day, user=None)],
        ignore_conflicts=True,
    )
    limit = settings.LLM_DAILY_LIMIT_PER_USER
    if not _claim(LLMDailyUsage.objects.filter(day=day, user=user), limit):
        raise FeedbackRefused(
            f"You have used today's {limit} feedback requests. Try again tomorrow."
        )
    if not _claim(
        LLMDailyUsage.objects.filter(day=day, user__isnull=True), settings.LLM_DAILY_LIMIT_TOTAL
    ):
        raise FeedbackRefused(
            "Feedback is paused for today because the service's daily budget is spent."
        )


def _claim(rows, limit: int) -> bool:
    return rows.filter(requests__lt=limit).update(requests=F("requests") + 1) == 1


def _budget_refund(feedback: LLMFeedback) -> None:
    """An answer served from the cache cost no model call: give its request back."""
    day = timezone.localdate(feedback.created_at)
    LLMDailyUsage.objects.filter(
        Q(user_id=feedback.requested_by_id) | Q(user__isnull=True), day=day, requests__gt=0
    ).update(requests=F("requests") - 1)


# A feedback still queued or running after this long lost its worker; it may be asked again.
ABANDONED_AFTER = timedelta(minutes=5)


def _abandoned(feedback: LLMFeedback) -> bool:
    since = feedback.started_at or feedback.created_at
    return feedback.is_pending and since < timezone.now() - ABANDONED_AFTER


def _enqueue(feedback_id: int) -> None:
    try:
        queue.send(queue.FEEDBACK_TASK, feedback_id)
    except Exception:  # broker down: say so on the page instead of spinning forever
        feedback_fail(feedback_id=feedback_id, error="The feedback queue is unavailable.")


def feedback_run(*, feedback_id: int) -> LLMFeedback | None:
    """Produce one feedback.

    1. Claim it: queued → running; anything else belongs to someone else.
    2. Serve an identical earlier request from the cache (same content hash).
    3. Otherwise ask the model, check its JSON and quotes, and record the result.
    Transport faults propagate (LLMRetryLater, FeedbackFormatError) for the task to retry.
    """
    stale = timezone.now() - ABANDONED_AFTER
    claimed = LLMFeedback.objects.filter(
        Q(status=LLMFeedback.Status.QUEUED)
        | Q(status=LLMFeedback.Status.RUNNING, started_at__lt=stale),
        pk=feedback_id,
    ).update(
        status=LLMFeedback.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return None
    feedback = LLMFeedback.objects.select_related("grade__attempt__question", "grade__rubric").get(
        pk=feedback_id
    )
    cached = (
        LLMFeedback.objects.filter(
            request_hash=feedback.request_hash, status=LLMFeedback.Status.DONE
        )
        .exclude(pk=feedback.pk)
        .first()
    )
    if cached:
        with transaction.atomic():
            _record(
                feedback,
                result=cached.result,
                score=cached.score,
                dropped=cached.dropped_quotes,
                from_cache=True,
            )
            _budget_refund(feedback)
        return feedback
    request, answer_text, criteria = _request_for(feedback.grade)
    reply = chat(request)
    if reply.refusal:
        raise LLMFailed("The model declined to review this answer.")
    parsed = parse_feedback(reply.content, criteria, answer_text)
    cost = (
        reply.tokens_in * settings.LLM_PRICE_INPUT_PER_MTOK
        + reply.tokens_out * settings.LLM_PRICE_OUTPUT_PER_MTOK
    ) / 1e6
    feedback.model = reply.model
    feedback.tokens_in, feedback.tokens_out, feedback.latency_ms = (
        reply.tokens_in,
        reply.tokens_out,
        reply.latency_ms,
    )
    feedback.cost_usd = Decimal(f"{cost:.6f}")
    result = {
        "verdicts": [asdict(v) for v in parsed.verdicts],
        "summary": parsed.summary,
        "next_steps": parsed.next_steps,
        "follow_up_questions": parsed.follow_up_questions,
    }
    _record(
        feedback, result=result, score=parsed.score, dropped=parsed.dropped_quotes, from_cache=False
    )
    return feedback


def _record(
    feedback: LLMFeedback, *, result: dict, score: int | None, dropped: int, from_cache: bool
) -> None:
    feedback.result, feedback.score, feedback.dropped_quotes = result, score, dropped
    feedback.from_cache = from_cache
    feedback.status = LLMFeedback.Status.DONE
    feedback.error = ""
    feedback.finished_at = timezone.now()
    feedback.save()


def feedback_requeue(*, feedback_id: int, error: str) -> None:
    """After a passing fault: back to the queue so the task's retry can claim it again."""
    LLMFeedback.objects.filter(pk=feedback_id, status=LLMFeedback.Status.RUNNING).update(
        status=LLMFeedback.Status.QUEUED, error=error[:1000]
    )


def feedback_fail(*, feedback_id: int, error: str) -> None:
    LLMFeedback.objects.filter(pk=feedback_id).exclude(status=LLMFeedback.Status.DONE).update(
        status=LLMFeedback.Status.FAILED, error=error[:1000], finished_at=timezone.now()
    )
