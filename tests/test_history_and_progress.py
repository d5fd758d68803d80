"""My attempts (filters, search) and the progress dashboard."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from interviews.models import Attempt, Question
from interviews.progress import progress_for
from interviews.services import attempt_submit
from rubric.services import grade_run
from tests.answers import STRONG_AD_ANSWER
from tests.factories import make_attempt


def graded(user, question, texts, days_ago=0):
    attempt = make_attempt(user, question, texts)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(days=days_ago)
    )
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    return attempt


def test_search_finds_only_my_attempts_with_the_phrase(
    candidate_client, candidate, other_candidate, ad_question
):
    mine = make_attempt(
        candidate, ad_question, {"model": "I would use isotonic regression for calibration."}
    )
    make_attempt(candidate, ad_question, {"model": "Gradient boosted trees."})
    make_attempt(other_candidate, ad_question, {"model": "isotonic regression too"})
    response = candidate_client.get(reverse("attempt_list"), {"q": "isotonic"})
    assert list(response.context["page"].object_list) == [mine]


def test_filters_and_sort_by_score(candidate_client, candidate, ad_question, bank):
    fraud = Question.objects.get(slug="fraud-detection")
    weak = graded(candidate, ad_question, {"goals": "Predict clicks."}, days_ago=3)
    strong = graded(candidate, ad_question, STRONG_AD_ANSWER, days_ago=2)
    other = graded(candidate, fraud, {"goals": "Stop fraud."}, days_ago=1)
    draft = make_attempt(candidate, ad_question)
    listed = lambda **params: list(
        candidate_client.get(reverse("attempt_list"), params).context["page"].object_list
    )  # noqa: E731
    assert listed(question="ad-click-prediction", sort="score_high") == [strong, weak, draft]
    assert listed(status="graded", sort="oldest") == [weak, strong, other]
    assert listed(status="draft") == [draft]
    assert listed(mode="live") == []


def test_the_table_is_a_partial_for_htmx_and_bad_filters_are_ignored(
    candidate_client, candidate, ad_question
):
    make_attempt(candidate, ad_question)
    partial = candidate_client.get(
        reverse("attempt_list"), {"sort": "nope"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert b"<html" not in partial.content and b"In progress" in partial.content


def test_no_match_has_its_own_empty_state(candidate_client, candidate, ad_question):
    make_attempt(candidate, ad_question)
    response = candidate_client.get(reverse("attempt_list"), {"q": "zebra"})
    assert b"No attempts match" in response.content


def test_progress_summarises_stages_skills_time_and_recommends(
    candidate_client, candidate, ad_question, bank
):
    graded(candidate, ad_question, {"goals": "Predict clicks."}, days_ago=5)
    graded(candidate, ad_question, STRONG_AD_ANSWER, days_ago=1)
    summary = progress_for(candidate)
    assert [a["score"] for a in summary.attempts][0] < summary.attempts[-1]["score"]
    assert set(summary.competency_series) >= {"ml-knowledge", "system-design"}
    assert summary.recommendation["question"].slug != "ad-click-prediction", (
        "it suggests an untried question"
    )
    assert summary.missed and summary.time_rows
    page = candidate_client.get(reverse("progress")).content.decode()
    assert "Practise next" in page and "<svg" in page and "Criteria you miss most" in page


def test_the_dashboard_queries_are_bounded(
    candidate_client, candidate, ad_question, bank, django_assert_max_num_queries
):
    for days in range(6):
        graded(
            candidate,
            ad_question,
            STRONG_AD_ANSWER if days % 2 else {"goals": "Clicks."},
            days_ago=days,
        )
    with django_assert_max_num_queries(10):
        candidate_client.get(reverse("progress"))


def test_progress_is_personal_and_has_an_empty_state(
    client, candidate, other_candidate, ad_question, bank
):
    graded(other_candidate, ad_question, STRONG_AD_ANSWER)
    client.force_login(candidate)
    assert b"Nothing to chart yet" in client.get(reverse("progress")).content
    client.logout()
    assert client.get(reverse("progress")).status_code == 302
