"""The practice clock (question preview, pause and resume), the header's invite-keeping links,
candidate and interviewer wording in live pages, and the demo account's history."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews.models import Attempt
from interviews.services import attempt_start, attempt_submit
from live import services as live
from rubric.models import Grade
from rubric.services import grade_run
from tests.factories import make_attempt
from tests.live_helpers import seated_session

pytestmark = pytest.mark.django_db

XSS = '"><script>alert(1)</script>'


def clock(client, attempt, action: str, **headers):
    return client.post(
        reverse("attempt_clock", args=[attempt.pk]),
        {"action": action},
        headers={"Accept": "application/json", **headers},
    )


def page_state(client, attempt) -> dict:
    page = client.get(reverse("attempt_practice", args=[attempt.pk])).content.decode()
    marker = '<script id="practice-state" type="application/json">'
    return json.loads(page.split(marker, 1)[1].split("</script>", 1)[0])


def test_a_new_attempt_opens_on_the_question_with_the_clock_stopped(candidate_client, ad_question):
    response = candidate_client.post(reverse("attempt_create", args=[ad_question.slug]))
    attempt = Attempt.objects.get()
    assert attempt.clock_state == "preview" and attempt.seconds_left() == 45 * 60
    page = candidate_client.get(response.url).content.decode()
    assert "Start the 45-minute clock" in page and ad_question.title in page
    assert "data-stage-text" not in page  # nothing to type into before the clock runs
    assert "the clock has not started" in page


def test_starting_from_the_preview_opens_the_editor_with_a_running_clock(
    candidate_client, candidate, ad_question
):
    attempt = attempt_start(user=candidate, question=ad_question, preview=True)
    response = candidate_client.post(
        reverse("attempt_clock", args=[attempt.pk]), {"action": "start"}
    )
    assert response.url == reverse("attempt_practice", args=[attempt.pk])
    state = page_state(candidate_client, attempt)
    assert state["clock"]["running"] is True
    assert 45 * 60 - 5 < state["clock"]["secondsLeft"] <= 45 * 60


def test_a_pause_stops_the_clock_and_a_reload_stays_paused(
    candidate_client, candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question)
    Attempt.objects.filter(pk=attempt.pk).update(
        clock_running_since=timezone.now() - timedelta(minutes=10)
    )
    paused = clock(candidate_client, attempt, "pause").json()
    assert paused["state"] == "paused" and paused["running"] is False
    assert 35 * 60 - 5 < paused["secondsLeft"] <= 35 * 60
    # Time passes while paused: the clock does not move.
    state = page_state(candidate_client, attempt)["clock"]
    assert state["running"] is False and state["secondsLeft"] == paused["secondsLeft"]
    assert clock(candidate_client, attempt, "pause").json() == paused  # a double click is harmless
    resumed = clock(candidate_client, attempt, "resume").json()
    assert resumed["running"] is True and resumed["secondsLeft"] == pytest.approx(
        paused["secondsLeft"], abs=2
    )


def test_the_clock_refuses_bad_actions_other_people_and_finished_or_live_attempts(
    candidate_client, candidate, other_candidate, interviewer, ad_question
):
    attempt = make_attempt(candidate, ad_question)
    for action in ["", "stop", XSS, "x" * 10_000]:
        response = clock(candidate_client, attempt, action)
        assert response.status_code == 400 and "start, pause or resume" in response.json()["error"]
    assert candidate_client.get(reverse("attempt_clock", args=[attempt.pk])).status_code == 405
    outsider = Client()
    outsider.force_login(other_candidate)
    assert clock(outsider, attempt, "pause").status_code == 404
    room = seated_session(interviewer, candidate, ad_question)
    assert clock(candidate_client, room.attempt, "pause").status_code == 409
    attempt_submit(attempt=attempt)
    assert clock(candidate_client, attempt, "pause").json()["locked"] is True
    attempt.refresh_from_db()
    assert attempt.clock_state == "running"


def test_a_logged_out_visitor_cannot_touch_a_clock(client, candidate, ad_question):
    attempt = make_attempt(candidate, ad_question)
    response = client.post(reverse("attempt_clock", args=[attempt.pk]), {"action": "pause"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    attempt.refresh_from_db()
    assert attempt.clock_state == "running"


def test_the_login_and_signup_headers_keep_the_invite_in_next(client):
    nxt = "/live/join/abc123/"
    for url in ("/accounts/login/", "/accounts/signup/"):
        page = client.get(url, {"next": nxt}).content.decode()
        header = page.split('<header class="topbar">', 1)[1].split("</header>", 1)[0]
        assert 'href="/accounts/signup/?next=/live/join/abc123/"' in header
        assert 'href="/accounts/login/?next=/live/join/abc123/"' in header
    hostile = client.get("/accounts/login/", {"next": XSS}).content.decode()
    assert "<script>alert(1)</script>" not in hostile


def test_a_waiting_draft_makes_resume_the_primary_action(candidate_client, candidate, ad_question):
    draft = make_attempt(candidate, ad_question)
    page = candidate_client.get(reverse("question_list")).content.decode()
    card = page.split(f'action="/questions/{ad_question.slug}/start/"', 1)[0].rsplit("<article", 1)[
        1
    ]
    assert f'class="btn btn--primary btn--sm" href="/attempts/{draft.pk}/">Resume draft' in card
    after = page.split(f'action="/questions/{ad_question.slug}/start/"', 1)[1].split("</form>", 1)[
        0
    ]
    assert 'class="btn btn--sm" type="submit">Try again' in after


def _ended(room) -> None:
    live.session_end(session_id=room.pk)
    grade_run(grade_id=Grade.objects.get(attempt=room.attempt).pk)


def test_the_review_speaks_to_the_candidate_and_to_the_interviewer(
    client, interviewer, candidate, ad_question
):
    room = seated_session(interviewer, candidate, ad_question)
    _ended(room)
    client.force_login(candidate)
    page = client.get(f"/live/{room.pk}/review/").content.decode()
    assert "where your interviewer and the rubric agree" in page and "where you agree" not in page
    client.force_login(interviewer)
    assert "criteria where you agree" in client.get(f"/live/{room.pk}/review/").content.decode()


def test_the_scorecard_opens_the_current_stage_and_folds_the_rest(
    client, interviewer, candidate, ad_question
):
    room = seated_session(interviewer, candidate, ad_question)
    live.stage_set(session_id=room.pk, stage="features")
    client.force_login(interviewer)
    page = client.get(f"/live/{room.pk}/").content.decode()
    groups = page.split('class="scorecard__group')[1:]
    opened = [g for g in groups if g.split(">", 1)[0].endswith(" open")]
    assert len(groups) >= 6 and len(opened) == 1
    assert 'data-scorecard-stage="features"' in opened[0] and opened[0].startswith(" is-current")


def test_make_run_seeds_a_demo_history_once(bank):
    from django.contrib.auth.models import User

    call_command("seed_demo", "--history", "3")
    demo = User.objects.get(username="demo")
    attempts = Attempt.objects.filter(user=demo)
    assert attempts.count() == 3
    assert Grade.objects.filter(attempt__user=demo, status="done").count() == 3
    days = {a.started_at.date() for a in attempts}
    assert len(days) == 3  # over several days, so Progress draws a line
    call_command("seed_demo", "--history", "3")
    assert Attempt.objects.filter(user=demo).count() == 3
