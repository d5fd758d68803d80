"""Pages render for their owner with what they promise, in a bounded number of queries."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from interviews.models import Attempt
from interviews.services import attempt_submit
from rubric.services import grade_run
from tests.factories import STRONG_AD_ANSWER, make_attempt

XSS = "<img src=x onerror=alert(1)>"


def test_landing_page_invites_visitors_and_sends_members_on(client, candidate):
    assert b"Start practising" in client.get(reverse("home")).content
    client.force_login(candidate)
    assert client.get(reverse("home")).url == reverse("question_list")


def test_question_list_shows_my_attempts_and_best_score(
    candidate_client, candidate, ad_question, django_assert_max_num_queries
):
    for _ in range(3):
        attempt = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
        grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    make_attempt(candidate, ad_question)  # a draft to resume
    with django_assert_max_num_queries(8):
        response = candidate_client.get(reverse("question_list"))
    questions = {q.slug: q for q in response.context["questions"]}
    ad = questions["ad-click-prediction"]
    assert ad.my_attempts == 4
    assert ad.my_best is not None and ad.my_best > 50
    assert ad.draft is not None
    assert questions["fraud-detection"].my_attempts == 0
    content = response.content.decode()
    assert "Resume" in content and "Ad click prediction" in content
    assert "Practises:" in content


def test_the_question_list_filters_by_search_topic_and_difficulty(candidate_client, bank):
    url = reverse("question_list")
    found = lambda **query: [q.slug for q in candidate_client.get(url, query).context["questions"]]  # noqa: E731
    assert found(q="fraud") == ["fraud-detection"]
    assert found(q="PAYMENT fraud") == ["fraud-detection"]  # every word, any case
    ranking = found(topic="ranking")
    assert "news-feed-ranking" in ranking and "fraud-detection" not in ranking
    assert all(q in found() for q in found(difficulty="easy"))
    assert found(q="no such thing at all") == []
    # htmx asks for the grid alone; hostile or oversized input is escaped or ignored, never a 500.
    partial = candidate_client.get(url, {"q": "fraud"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and b"<html" not in partial.content
    assert b"fraud" in partial.content.lower() and b'id="question-grid"' in partial.content
    hostile = candidate_client.get(
        url, {"q": "<script>alert(1)</script>", "topic": "nope", "difficulty": "x" * 500}
    )
    assert hostile.status_code == 200 and b"<script>alert(1)</script>" not in hostile.content


def test_practice_page_shows_prompt_stages_and_saved_text(candidate_client, candidate, ad_question):
    attempt = make_attempt(candidate, ad_question, {"data": XSS})
    response = candidate_client.get(reverse("attempt_practice", args=[attempt.pk]) + "?stage=data")
    content = response.content.decode()
    assert escape(ad_question.prompt.splitlines()[0]) in content
    for label in ("Clarify goals &amp; scope", "Online testing &amp; evaluation"):
        assert label in content
    assert XSS not in content, "saved text is escaped inside the textarea"
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert response.context["client_state"]["currentStage"] == "data"


def test_a_submitted_attempt_opens_its_results_not_the_editor(
    candidate_client, candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question)
    attempt_submit(attempt=attempt)
    response = candidate_client.get(reverse("attempt_practice", args=[attempt.pk]))
    assert response.url == reverse("attempt_results", args=[attempt.pk])


def test_results_show_score_band_evidence_and_missing(candidate_client, candidate, ad_question):
    texts = dict(STRONG_AD_ANSWER, online=STRONG_AD_ANSWER["online"] + " " + XSS)
    attempt = make_attempt(candidate, ad_question, texts)
    grade = attempt_submit(attempt=attempt)
    grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    response = candidate_client.get(reverse("attempt_results", args=[attempt.pk]))
    content = response.content.decode()
    assert f">{grade.score}<" in content
    assert grade.band in content
    assert "Labels come from joining impressions with clicks" in content  # an evidence quote
    assert "Missing:" in content
    assert XSS not in content


def test_results_poll_while_grading_then_redirect_once_done(
    candidate_client, candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
    grade = attempt_submit(attempt=attempt)
    url = reverse("attempt_results", args=[attempt.pk])
    page = candidate_client.get(url)
    assert b"Grading your answer" in page.content and b'hx-trigger="every 1s"' in page.content
    partial = candidate_client.get(url, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Grading your answer" in partial.content
    grade_run(grade_id=grade.pk)
    done = candidate_client.get(url, headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == url


def test_my_attempts_shows_status_score_and_duration(
    candidate_client, candidate, ad_question, django_assert_max_num_queries
):
    graded = make_attempt(candidate, ad_question, STRONG_AD_ANSWER)
    graded.responses.filter(stage="goals").update(seconds_spent=125)
    grade_run(grade_id=attempt_submit(attempt=graded).pk)
    for _ in range(5):
        make_attempt(candidate, ad_question)
    with django_assert_max_num_queries(6):
        response = candidate_client.get(reverse("attempt_list"))
    content = response.content.decode()
    assert "2:05" in content
    assert content.count("Resume") == 5
    graded.grade.refresh_from_db()
    assert f"<strong>{graded.grade.score}</strong>" in content


def test_empty_states_guide_a_new_user(candidate_client):
    assert b"No attempts yet" in candidate_client.get(reverse("attempt_list")).content


def test_starting_an_attempt_needs_post_and_creates_six_stages(
    candidate_client, candidate, ad_question
):
    url = reverse("attempt_create", args=[ad_question.slug])
    assert candidate_client.get(url).status_code == 405
    response = candidate_client.post(url)
    attempt = Attempt.objects.get(user=candidate)
    assert response.url == reverse("attempt_practice", args=[attempt.pk])
    assert attempt.responses.count() == 6
    assert attempt.time_limit_minutes == 45


def test_an_unknown_question_is_404(candidate_client, bank):
    assert candidate_client.post(reverse("attempt_create", args=["nope"])).status_code == 404


def test_markdown_preview_is_sanitised(candidate_client):
    hostile = f"**bold** {XSS} [link](javascript:alert(1)) <script>alert(2)</script> <a href='x' onclick='y'>a</a>"
    response = candidate_client.post(reverse("markdown_preview"), {"text": hostile})
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    for bad in ("onerror", "javascript:", "<script", "onclick"):
        assert bad not in html.lower()


def test_admin_lists_questions_rubrics_and_attempts(client, candidate, ad_question, bank):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("boss", password="a-long-test-password-42")
    client.force_login(admin)
    make_attempt(candidate, ad_question)
    for name in (
        "interviews_question",
        "interviews_attempt",
        "rubric_rubric",
        "rubric_grade",
        "rubric_criterion",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_custom_question_is_private_and_graded_by_the_base_rubric(
    client, candidate, other_candidate, bank
):
    from rubric.services import grade_run

    client.force_login(candidate)
    response = client.post(
        reverse("custom_question_create"),
        {
            "title": "Design a spam filter",
            "prompt": "Design the ML system that filters spam email for a large provider.",
        },
    )
    attempt = Attempt.objects.get(user=candidate)
    assert response.url == reverse("attempt_practice", args=[attempt.pk])
    assert attempt.question.in_bank is False and attempt.question.owner == candidate
    grade = attempt_submit(attempt=attempt)
    grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    assert grade.status == "done"
    assert set(grade.results.values_list("criterion_key", flat=True)) == {
        c.key for c in bank.criteria.filter(question_slug="")
    }

    client.force_login(other_candidate)
    assert b"Design a spam filter" not in client.get(reverse("question_list")).content
    assert client.post(reverse("attempt_create", args=[attempt.question.slug])).status_code == 404


def test_a_custom_question_form_shows_its_errors(candidate_client, bank):
    response = candidate_client.post(
        reverse("custom_question_create"), {"title": "x", "prompt": XSS}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ensure this value has at least" in content
    assert XSS not in content
