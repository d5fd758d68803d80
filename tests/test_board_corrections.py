"""Corrections on the results page: a candidate says what an unrecognised box is, and the grade is
recomputed with it (the same engine, the same rubric version). Owner-only, CSRF, validated input,
a modest rate limit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from interviews.models import Whiteboard
from interviews.services import attempt_submit
from rubric.models import DiagramCorrection, Grade
from rubric.services import grade_run
from tests.factories import make_attempt
from tests.scenes import arrow, box, scene

# "Cosmo" is a name no grader could know: the candidate's own feature store, feeding both sides
# (an "Ad ranker" makes it a board for the ad question).
BOARD = scene(
    box("cosmo", "Cosmo", 0, 0),
    box("t", "Trainer", 300, 0),
    box("r", "Ad ranker", 300, 200),
    arrow("1", (160, 30), (300, 30), source="cosmo", target="t"),
    arrow("2", (160, 30), (300, 230), source="cosmo", target="r"),
)


@pytest.fixture
def graded(candidate, ad_question):
    attempt = make_attempt(candidate, ad_question, {"goals": "Maximise clicks that convert."})
    Whiteboard.objects.filter(attempt=attempt).update(scene=BOARD, version=1)
    grade = attempt_submit(attempt=attempt)
    grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    return attempt, grade


def url(attempt) -> str:
    return reverse("board_correction", args=[attempt.pk])


def shared_level(grade: Grade) -> int:
    return grade.results.get(criterion_key="diagram-shared-features").level


def test_the_page_offers_a_short_list_of_roles_for_an_unrecognised_box(candidate_client, graded):
    attempt, _ = graded
    page = candidate_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "Not recognised (1)" in page
    assert 'name="element" value="cosmo"' in page, "the id travels as data, for the form"
    assert '<option value="feature-store">Feature store</option>' in page
    assert "Cosmo" in page and "(cosmo)" not in page


def test_a_correction_is_stored_and_the_grade_recomputed_with_it(candidate_client, graded):
    attempt, grade = graded
    before = grade.score
    assert shared_level(grade) == 0
    response = candidate_client.post(url(attempt), {"element": "cosmo", "role": "feature-store"})
    assert response.status_code == 302
    assert response.url.endswith(reverse("attempt_results", args=[attempt.pk]) + "#board-read")
    grade.refresh_from_db()
    correction = DiagramCorrection.objects.get(grade=grade)
    assert (correction.element_id, correction.label, correction.role) == (
        "cosmo",
        "Cosmo",
        "feature-store",
    )
    assert shared_level(grade) == 3 and grade.score > before
    assert (correction.score_before, correction.score_after) == (before, grade.score)
    component = next(c for c in grade.diagram["components"] if c["id"] == "cosmo")
    assert component["said"] == "feature-store"
    page = candidate_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "you said: feature store" in page
    assert f"Grade recomputed: {before} → {grade.score}" in page


def test_the_regrade_is_the_same_engine_on_the_same_rubric_version(candidate_client, graded):
    attempt, grade = graded
    candidate_client.post(url(attempt), {"element": "cosmo", "role": "feature-store"})
    grade.refresh_from_db()
    first = (grade.score, grade.stage_scores, grade.diagram)
    # A retried grade (the worker running it again) applies the stored correction too.
    Grade.objects.filter(pk=grade.pk).update(status=Grade.Status.QUEUED)
    grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    assert (grade.score, grade.stage_scores, grade.diagram) == first


def test_a_correction_can_be_taken_back(candidate_client, graded):
    attempt, grade = graded
    before = grade.score
    candidate_client.post(url(attempt), {"element": "cosmo", "role": "feature-store"})
    response = candidate_client.post(url(attempt), {"element": "cosmo", "role": ""})
    assert response.status_code == 302
    grade.refresh_from_db()
    assert not DiagramCorrection.objects.filter(grade=grade).exists()
    assert grade.score == before and shared_level(grade) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"element": "cosmo", "role": "spaceship"}, "'spaceship' is not one of the roles"),
        ({"element": "nope", "role": "feature-store"}, "no such box"),
        ({"element": "t", "role": "feature-store"}, "only unrecognised boxes"),
        ({"role": "feature-store"}, "Say which box"),
        ({"element": "x" * 65, "role": "feature-store"}, "Say which box"),
        ({"element": "cosmo", "role": "r" * 41}, "Say which box"),
    ],
)
def test_bad_input_is_refused_with_a_clear_400(candidate_client, graded, data, message):
    attempt, grade = graded
    response = candidate_client.post(url(attempt), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DiagramCorrection.objects.exists()


def test_an_oversized_request_is_refused(candidate_client, graded):
    attempt, _ = graded
    response = candidate_client.post(
        url(attempt), {"element": "cosmo", "role": "feature-store", "pad": "x" * 4000}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_an_unfinished_grade_cannot_be_corrected(candidate_client, graded):
    attempt, grade = graded
    Grade.objects.filter(pk=grade.pk).update(status=Grade.Status.RUNNING)
    response = candidate_client.post(url(attempt), {"element": "cosmo", "role": "feature-store"})
    assert response.status_code == 400 and "not finished" in response.content.decode()


def test_another_candidate_gets_404_and_changes_nothing(client, other_candidate, graded):
    attempt, grade = graded
    client.force_login(other_candidate)
    response = client.post(url(attempt), {"element": "cosmo", "role": "feature-store"})
    assert response.status_code == 404
    assert not DiagramCorrection.objects.exists()


def test_a_correction_needs_the_csrf_token(candidate, graded):
    attempt, _ = graded
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate)
    response = client.post(url(attempt), {"element": "cosmo", "role": "feature-store"})
    assert response.status_code == 403
    assert not DiagramCorrection.objects.exists()


def test_corrections_are_rate_limited(candidate_client, graded, settings):
    attempt, _ = graded
    settings.BOARD_CORRECTIONS_PER_HOUR = 2
    for role in ("feature-store", "cache"):
        assert (
            candidate_client.post(url(attempt), {"element": "cosmo", "role": role}).status_code
            == 302
        )
    response = candidate_client.post(url(attempt), {"element": "cosmo", "role": "logging"})
    assert response.status_code == 429 and "Too many corrections" in response.content.decode()
    assert DiagramCorrection.objects.get().role == "cache"


def test_only_post_is_accepted(candidate_client, graded):
    attempt, _ = graded
    assert candidate_client.get(url(attempt)).status_code == 405
