"""Solo follow-ups: the interviewer asks about the stage's weakest criterion; the reply is graded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviews.models import FollowUp
from interviews.services import attempt_submit
from rubric.models import CriterionResult
from rubric.services import grade_run
from tests.factories import make_attempt

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_asking_replying_and_the_reply_counts_in_the_grade(
    candidate_client, candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question, {"goals": "We show ads in the feed."})
    ask = reverse("follow_up_ask", args=[attempt.pk, "goals"])
    page = candidate_client.post(ask, headers=HTMX)
    assert page.status_code == 200 and b'id="follow-ups-goals"' in page.content
    follow = FollowUp.objects.get(attempt=attempt)
    spec = next(c for c in ad_question_criteria(ad_question) if c.id == follow.criterion_key)
    assert spec.stage == "goals" and follow.question in spec.probes
    assert follow.question.encode() in page.content or b"&#x27;" in page.content

    reply = (
        "The business wants ad revenue without hurting the feed, so the ML objective is a calibrated "
        "click probability: the auction ranks by bid times pCTR, and we would guard hide rate."
    )
    url = reverse("follow_up_reply", args=[attempt.pk, follow.pk])
    assert candidate_client.post(url, {"reply": reply}, headers=HTMX).status_code == 200
    follow.refresh_from_db()
    assert follow.reply == reply and follow.replied_at is not None
    # A second follow-up is allowed, a third is not.
    candidate_client.post(ask, headers=HTMX)
    refused = candidate_client.post(ask, headers=HTMX)
    assert FollowUp.objects.filter(attempt=attempt, stage="goals").count() == FollowUp.MAX_PER_STAGE
    assert b"No more follow-ups" in refused.content

    grade = grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    objective = CriterionResult.objects.get(grade=grade, criterion_key="business-to-ml-objective")
    assert objective.level >= 2, "the reply is graded with the stage"
    results = candidate_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "After a follow-up" in results and "calibrated click probability" in results


def ad_question_criteria(question):
    from rubric.services import criteria_for_question

    return criteria_for_question(question)


def test_follow_ups_refuse_bad_input_and_other_people(
    candidate_client, candidate, other_candidate, ad_question
):
    from django.test import Client

    client = Client()
    attempt = make_attempt(candidate, ad_question)
    ask = reverse("follow_up_ask", args=[attempt.pk, "data"])
    client.force_login(other_candidate)
    assert client.post(ask).status_code == 404
    assert (
        candidate_client.post(reverse("follow_up_ask", args=[attempt.pk, "nope"])).status_code
        == 404
    )
    candidate_client.post(ask)
    follow = FollowUp.objects.get(attempt=attempt)
    url = reverse("follow_up_reply", args=[attempt.pk, follow.pk])
    assert client.post(url, {"reply": "mine now"}).status_code == 404
    too_long = candidate_client.post(url, {"reply": "x" * 2001})
    assert too_long.status_code == 400 and b"Nothing was saved" in too_long.content
    assert candidate_client.post(url, {"reply": "a\x00b"}).status_code == 400
    hostile = candidate_client.post(url, {"reply": "<script>alert(1)</script>"}, headers=HTMX)
    assert b"<script>alert(1)</script>" not in hostile.content
    follow.refresh_from_db()
    assert follow.reply == "<script>alert(1)</script>"
    attempt_submit(attempt=attempt)
    locked = candidate_client.post(url, {"reply": "late"})
    assert locked.status_code == 400 and b"submitted" in locked.content
    follow.refresh_from_db()
    assert follow.reply == "<script>alert(1)</script>", "nothing saved is lost"


def test_finishing_a_stage_asks_once_and_moving_on_again_skips(
    candidate_client, candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question, {"data": "We log impressions and clicks."})
    auto = {"auto": "1"}
    empty = candidate_client.post(
        reverse("follow_up_ask", args=[attempt.pk, "goals"]), auto, headers=HTMX
    )
    assert empty.status_code == 204, "an empty stage is not probed as the candidate moves on"
    ask = reverse("follow_up_ask", args=[attempt.pk, "data"])
    first = candidate_client.post(ask, auto, headers=HTMX)
    assert first.status_code == 200 and b"data-auto-asked" in first.content
    follow = FollowUp.objects.get(attempt=attempt)
    assert follow.stage == "data" and follow.question.encode()[:30] in first.content.replace(
        b"&#x27;", b"'"
    )
    # Pressing "Next" again without replying is a skip: nothing more is asked.
    assert candidate_client.post(ask, auto, headers=HTMX).status_code == 204
    follow.reply = "We join clicks to impressions within a window."
    follow.save()
    second = candidate_client.post(ask, auto, headers=HTMX)
    assert second.status_code == 200
    assert FollowUp.objects.filter(attempt=attempt, stage="data").count() == 2
    questions = set(FollowUp.objects.filter(attempt=attempt).values_list("question", flat=True))
    assert len(questions) == 2, "a probe is never asked twice"
    FollowUp.objects.filter(attempt=attempt).update(reply="answered")
    assert candidate_client.post(ask, auto, headers=HTMX).status_code == 204, "two per stage"


def test_the_replay_shows_each_exchange_at_its_time(candidate_client, candidate, ad_question):
    from datetime import timedelta

    attempt = make_attempt(candidate, ad_question, {"goals": "We show ads in the feed."})
    candidate_client.post(reverse("follow_up_ask", args=[attempt.pk, "goals"]), headers=HTMX)
    follow = FollowUp.objects.get(attempt=attempt)
    FollowUp.objects.filter(pk=follow.pk).update(
        asked_at=attempt.started_at + timedelta(seconds=90),
        replied_at=attempt.started_at + timedelta(seconds=150),
        reply="Revenue <b>and</b> users",
    )
    page = candidate_client.get(reverse("attempt_replay", args=[attempt.pk]))
    timeline = page.context["timeline"]
    (exchange,) = timeline["exchanges"]
    assert exchange["t"] == 90 and exchange["replied_t"] == 150 and exchange["stage"] == "goals"
    assert exchange["question"] == follow.question and not exchange["curveball"]
    assert timeline["duration"] >= 150, "the scrubber reaches the last reply"
    html = page.content.decode()
    assert "player__marker--exchange" in html and "Revenue <b>and</b>" not in html
