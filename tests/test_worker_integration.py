"""A real Celery worker grades a submitted attempt through Redis and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from rubric.models import CriterionResult, Grade
from tests.factories import STRONG_AD_ANSWER, make_attempt

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for_grade(attempt, timeout=20.0) -> Grade:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        grade = Grade.objects.filter(attempt=attempt).first()
        if grade and grade.status in (Grade.Status.DONE, Grade.Status.FAILED):
            return grade
        time.sleep(0.1)
    pytest.fail(f"no grade within {timeout} s (status: {grade and grade.status})")


def test_the_worker_grades_a_submitted_attempt(celery_worker, client, candidate, ad_question):
    attempt = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
    client.force_login(candidate)
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    grade = wait_for_grade(attempt)
    assert grade.status == Grade.Status.DONE, grade.error
    assert grade.runs == 1
    assert grade.score > 50
    assert CriterionResult.objects.filter(grade=grade).exists()
    assert (
        b"Grading your answer"
        not in client.get(reverse("attempt_results", args=[attempt.pk])).content
    )


def test_the_worker_regrades_after_a_retry(celery_worker, client, candidate, ad_question):
    from rubric.services import grade_fail

    attempt = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
    client.force_login(candidate)
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    first = wait_for_grade(attempt)
    grade_fail(grade_id=first.pk, error="simulated")  # done grades are never failed
    first.refresh_from_db()
    assert first.status == Grade.Status.DONE
    Grade.objects.filter(pk=first.pk).update(status=Grade.Status.FAILED)
    client.post(reverse("grade_retry", args=[attempt.pk]))
    time.sleep(0.2)
    regraded = wait_for_grade(attempt)
    assert regraded.status == Grade.Status.DONE and regraded.runs == 2
    assert Grade.objects.filter(attempt=attempt).count() == 1


def test_a_grade_left_running_by_a_killed_worker_is_finished_once(
    celery_worker, candidate, ad_question
):
    """A worker that dies mid-grade leaves the row `running`; the sweep hands it to a live worker."""
    from datetime import timedelta

    from django.utils import timezone

    from interviews.services import attempt_submit
    from rubric.services import requeue_stale_grades

    attempt = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
    # Submit without a broker message, as if the dead worker had already taken it and claimed it.
    from unittest import mock

    with mock.patch("rubric.services.grade_enqueue", return_value=True):
        grade = attempt_submit(attempt=attempt)
    Grade.objects.filter(pk=grade.pk).update(
        status=Grade.Status.RUNNING, runs=1, started_at=timezone.now() - timedelta(minutes=10)
    )
    assert requeue_stale_grades() == 1
    done = wait_for_grade(attempt)
    assert done.status == Grade.Status.DONE and done.runs == 2
    keys = list(CriterionResult.objects.filter(grade=done).values_list("criterion_key", flat=True))
    assert len(keys) == len(set(keys)), "no criterion is recorded twice"


def test_a_grade_queued_while_the_broker_was_down_completes_when_it_is_back(
    celery_worker, candidate, ad_question
):
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from interviews.services import attempt_submit
    from rubric.services import requeue_stale_grades
    from rubric.tasks import grade_attempt

    attempt = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
    with mock.patch.object(
        grade_attempt, "apply_async", side_effect=ConnectionRefusedError("broker down")
    ):
        grade = attempt_submit(attempt=attempt)
    time.sleep(0.5)
    grade.refresh_from_db()
    assert grade.status == Grade.Status.QUEUED, "the submit still succeeded; the grade waits"
    Grade.objects.filter(pk=grade.pk).update(queued_at=timezone.now() - timedelta(minutes=10))
    assert requeue_stale_grades() == 1  # the periodic sweep, once the broker answers again
    assert wait_for_grade(attempt).status == Grade.Status.DONE
