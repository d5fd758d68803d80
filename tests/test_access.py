"""Every attempt URL is the owner's alone: another candidate gets 404, a visitor the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviews.models import Attempt
from interviews.services import attempt_submit
from rubric.models import Grade
from tests.factories import make_attempt

ATTEMPT_URLS = [
    ("get", "attempt_practice", ()),
    ("post", "stage_save", ("goals",)),
    ("post", "stage_time", ()),
    ("post", "whiteboard_save", ()),
    ("post", "hint_reveal", ("goals",)),
    ("get", "attempt_replay", ()),
    ("get", "attempt_export_markdown", ()),
    ("post", "attempt_delete", ()),
    ("get", "attempt_feedback", ()),
    ("post", "attempt_submit", ()),
    ("get", "attempt_results", ()),
    ("post", "grade_retry", ()),
    ("post", "board_correction", ()),
]


@pytest.fixture
def attempt(candidate, ad_question):
    return make_attempt(candidate, ad_question, {"goals": "my private answer"})


@pytest.mark.parametrize(("method", "name", "extra"), ATTEMPT_URLS)
def test_another_candidate_gets_404(client, other_candidate, attempt, method, name, extra):
    if name in ("attempt_results", "grade_retry", "attempt_feedback", "board_correction"):
        # Make the owner's view of these URLs real (a failed grade to retry), so 404 means "not yours".
        Grade.objects.filter(pk=attempt_submit(attempt=attempt).pk).update(
            status=Grade.Status.FAILED
        )
    client.force_login(other_candidate)
    response = getattr(client, method)(reverse(name, args=[attempt.pk, *extra]))
    assert response.status_code == 404
    assert b"my private answer" not in response.content


@pytest.mark.parametrize(("method", "name", "extra"), ATTEMPT_URLS)
def test_a_visitor_is_sent_to_log_in(client, attempt, method, name, extra):
    response = getattr(client, method)(reverse(name, args=[attempt.pk, *extra]))
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


def test_another_candidate_cannot_submit_someone_elses_attempt(client, other_candidate, attempt):
    client.force_login(other_candidate)
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.DRAFT


def test_the_submitted_results_are_not_visible_to_others(client, other_candidate, attempt):
    attempt_submit(attempt=attempt)
    client.force_login(other_candidate)
    assert client.get(reverse("attempt_results", args=[attempt.pk])).status_code == 404


def test_my_attempts_lists_only_mine(client, candidate, other_candidate, ad_question):
    make_attempt(other_candidate, ad_question)
    mine = make_attempt(candidate, ad_question)
    client.force_login(candidate)
    response = client.get(reverse("attempt_list"))
    assert list(response.context["page"].object_list) == [mine]


@pytest.mark.parametrize("name", ["question_list", "attempt_list"])
def test_personal_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
