"""Celery tasks: thin wrappers that take ids, call one service and own the retries."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from rubric import feedback, services
from rubric.llm_client import LLMFailed, LLMRetryLater
from rubric.llm_prompt import FeedbackFormatError

log = logging.getLogger(__name__)

# Faults that pass by themselves: retried with backoff instead of failing the grade.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=3,
    soft_time_limit=30,
    time_limit=45,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_jitter=True,
)
def grade_attempt(self, grade_id: int) -> None:
    try:
        services.grade_run(grade_id=grade_id)
    except TRANSIENT_ERRORS:
        # The database or network blinked: put the grade back so the retry can claim it.
        services.grade_release(grade_id=grade_id)
        raise
    except SoftTimeLimitExceeded:
        services.grade_fail(grade_id=grade_id, error="Grading took too long.")
    except Exception as exc:
        log.exception("grading %s failed", grade_id)
        services.grade_fail(grade_id=grade_id, error=f"{type(exc).__name__}: {exc}")


@shared_task
def requeue_stale_grades() -> int:
    return services.requeue_stale_grades()


@shared_task(bind=True, acks_late=True, max_retries=4, soft_time_limit=150, time_limit=180)
def llm_feedback(self, feedback_id: int) -> None:
    try:
        feedback.feedback_run(feedback_id=feedback_id)
    except (LLMRetryLater, FeedbackFormatError, *TRANSIENT_ERRORS) as exc:
        message = (
            str(exc)
            if not isinstance(exc, FeedbackFormatError)
            else f"The model's answer was malformed: {exc}"
        )
        if self.request.retries >= self.max_retries:
            feedback.feedback_fail(feedback_id=feedback_id, error=message)
            return
        feedback.feedback_requeue(feedback_id=feedback_id, error=message)
        delay = getattr(exc, "retry_after", None) or min(60, 2 ** (self.request.retries + 1))
        raise self.retry(countdown=delay) from exc
    except (LLMFailed, SoftTimeLimitExceeded) as exc:
        feedback.feedback_fail(
            feedback_id=feedback_id, error=str(exc) or "The feedback took too long."
        )
    except Exception as exc:
        log.exception("LLM feedback %s failed", feedback_id)
        feedback.feedback_fail(feedback_id=feedback_id, error=f"{type(exc).__name__}: {exc}")
