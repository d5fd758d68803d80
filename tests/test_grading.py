"""Submitting and grading: locked once, graded once, retried when it fails, swept when stuck."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Attempt
from interviews.services import AttemptLocked, attempt_submit
from rubric import services
from rubric.models import CriterionResult, Grade
from tests.factories import STRONG_AD_ANSWER, make_attempt


@pytest.fixture
def attempt(candidate, ad_question):
    return make_attempt(candidate, ad_question, STRONG_AD_ANSWER)


def test_submit_locks_the_attempt_and_queues_the_grade_after_commit(
    candidate_client, attempt, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        services, "grade_enqueue", lambda *, grade_id: sent.append(grade_id) or True
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = candidate_client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert response.url == reverse("attempt_results", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.submitted_at
    grade = Grade.objects.get(attempt=attempt)
    assert grade.status == Grade.Status.QUEUED
    assert sent == [], "nothing is sent before the transaction commits"
    for callback in callbacks:
        callback()
    assert sent == [grade.pk]


def test_submitting_twice_creates_no_second_grade(candidate_client, attempt):
    attempt_submit(attempt=attempt)
    with pytest.raises(AttemptLocked):
        attempt_submit(attempt=attempt)
    response = candidate_client.post(reverse("attempt_submit", args=[attempt.pk]), follow=True)
    assert b"already submitted" in response.content
    assert Grade.objects.filter(attempt=attempt).count() == 1


def test_grading_records_every_criterion_and_the_rubric_version(attempt, bank):
    grade = attempt_submit(attempt=attempt)
    services.grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    assert grade.status == Grade.Status.DONE
    assert grade.rubric == bank and grade.runs == 1
    assert 50 < grade.score <= 100
    results = CriterionResult.objects.filter(grade=grade)
    assert (
        results.count()
        == bank.criteria.filter(question_slug__in=["", "ad-click-prediction"]).count()
    )
    for result in results:
        for quote, stage in zip(result.evidence, result.evidence_stages, strict=True):
            assert quote in STRONG_AD_ANSWER[stage]


def test_a_redelivered_task_does_not_grade_twice(attempt):
    grade = attempt_submit(attempt=attempt)
    assert services.grade_run(grade_id=grade.pk) is not None
    assert services.grade_run(grade_id=grade.pk) is None
    grade.refresh_from_db()
    assert grade.runs == 1
    assert CriterionResult.objects.filter(grade=grade).count() > 0


def test_a_grade_abandoned_while_running_is_claimed_again(attempt, settings):
    grade = attempt_submit(attempt=attempt)
    Grade.objects.filter(pk=grade.pk).update(status=Grade.Status.RUNNING, started_at=timezone.now())
    assert services.grade_run(grade_id=grade.pk) is None, "a fresh run belongs to its worker"
    Grade.objects.filter(pk=grade.pk).update(started_at=timezone.now() - timedelta(minutes=10))
    assert services.grade_run(grade_id=grade.pk) is not None


def test_a_failed_grade_shows_a_retry_that_regrades(candidate_client, attempt, monkeypatch):
    grade = attempt_submit(attempt=attempt)
    services.grade_fail(grade_id=grade.pk, error="boom")
    url = reverse("attempt_results", args=[attempt.pk])
    assert b"Retry grading" in candidate_client.get(url).content
    monkeypatch.setattr(
        services, "grade_enqueue", lambda *, grade_id: services.grade_run(grade_id=grade_id)
    )
    candidate_client.post(reverse("grade_retry", args=[attempt.pk]))
    grade.refresh_from_db()
    assert grade.status == Grade.Status.QUEUED  # the task is sent only after commit
    services.grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    assert grade.status == Grade.Status.DONE and grade.error == ""


def test_retry_of_a_grade_that_did_not_fail_does_nothing(candidate_client, attempt):
    grade = attempt_submit(attempt=attempt)
    response = candidate_client.post(reverse("grade_retry", args=[attempt.pk]), follow=True)
    assert b"nothing to retry" in response.content
    grade.refresh_from_db()
    assert grade.status == Grade.Status.QUEUED


def test_the_task_marks_the_grade_failed_on_an_unexpected_error(attempt, monkeypatch):
    from rubric.tasks import grade_attempt

    grade = attempt_submit(attempt=attempt)

    def explode(*, grade_id):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(services, "grade_run", explode)
    grade_attempt.apply(args=[grade.pk])
    grade.refresh_from_db()
    assert grade.status == Grade.Status.FAILED and "engine exploded" in grade.error


def test_the_sweep_resends_grades_left_queued(attempt, monkeypatch):
    grade = attempt_submit(attempt=attempt)
    sent = []
    monkeypatch.setattr(
        services, "grade_enqueue", lambda *, grade_id: sent.append(grade_id) or True
    )
    assert services.requeue_stale_grades() == 0, "a fresh grade is left alone"
    Grade.objects.filter(pk=grade.pk).update(queued_at=timezone.now() - timedelta(minutes=10))
    assert services.requeue_stale_grades() == 1
    assert sent == [grade.pk]


def test_a_broker_outage_at_submit_leaves_the_grade_queued(attempt, settings, monkeypatch):
    from rubric.tasks import grade_attempt

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(grade_attempt, "apply_async", broker_down)
    grade = attempt_submit(attempt=attempt)
    assert services.grade_enqueue(grade_id=grade.pk) is False
    grade.refresh_from_db()
    assert grade.status == Grade.Status.QUEUED
