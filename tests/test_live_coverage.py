"""The interviewer's coverage panel and its one-click questions, through the real websocket stack
(config.asgi, session auth, the Redis channel layer)."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from interviews.models import FollowUp
from live.models import LiveSession
from rubric.services import criteria_for_question
from tests.live_helpers import open_both, open_socket, run_scenario, seated_session

pytestmark = pytest.mark.django_db(transaction=True)

GOALS = (
    "The business goal is ad revenue without hurting users. The ML objective is a calibrated "
    "click probability, because the auction ranks ads by bid times pCTR."
)


run = run_scenario


@pytest.fixture
def room(interviewer, candidate, ad_question):
    return seated_session(interviewer, candidate, ad_question)


both = open_both


def level_of(html: str, key: str) -> int:
    marker = f'data-coverage="{key}" data-level="'
    return int(html[html.index(marker) + len(marker)])


def test_each_save_updates_what_the_answer_covers_for_the_interviewer_only(
    room, interviewer, candidate, ad_question
):
    client = Client()
    client.force_login(candidate)
    goals = [c for c in criteria_for_question(ad_question) if c.stage == "goals"]

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        first = next(f for f in lead.frames if 'id="coverage-goals"' in f)
        assert all(level_of(first, c.id) == 0 for c in goals), "an empty answer covers nothing"
        assert 'name="type" value="probe"' in first
        url = f"/live/{room.pk}/answer/stages/goals/"
        response = await sync_to_async(client.post)(
            url, json.dumps({"text": GOALS, "version": 0}), content_type="application/json"
        )
        assert response.status_code == 200
        html = await lead.next_html("coverage-goals")
        assert level_of(html, "business-to-ml-objective") >= 2
        assert sum(level_of(html, c.id) for c in goals) > 0
        # The candidate never sees the panel nor the probes.
        assert not any("coverage-" in f for f in seat.frames + await seat.drain())
        await lead.close()
        await seat.close()

    run(scenario)


def test_a_probe_is_asked_in_one_click_shown_to_the_candidate_and_recorded(
    room, interviewer, candidate, ad_question
):
    spec = next(
        c for c in criteria_for_question(ad_question) if c.stage == "data" and len(c.probes) > 1
    )

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        probe = {"type": "probe", "stage": "data", "criterion": spec.id, "index": "1"}
        await lead.send(probe)
        thread = await seat.next_html("follow-ups-data")
        assert spec.probes[1].split()[0] in thread and "hx-swap-oob" in thread
        assert 'name="reply"' in thread, "the candidate can answer it in the thread"
        assert (await seat.next_json("question"))["stage"] == "data"
        panel = await lead.next_html("coverage-data")
        assert f'data-probe-send="{spec.id}:1" disabled' in panel
        await lead.send(probe)
        assert (await lead.next_json("error"))["message"] == "That question was already asked."
        for bad in (
            {**probe, "criterion": "no-such"},
            {**probe, "stage": "goals"},
            {**probe, "index": 99},
            {**probe, "stage": "<script>"},
        ):
            await lead.send(bad)
            assert (await lead.next_json("error"))["code"] == "refused"
        await lead.send({**probe, "index": "x"})
        assert (await lead.next_json("error"))["code"] == "invalid"
        # The candidate cannot ask themselves questions.
        await seat.send(probe)
        assert (await seat.next_json("error"))["code"] == "unknown_type"
        await seat.send({"type": "curveball"})
        assert (await seat.next_json("error"))["code"] == "unknown_type"
        await lead.close()
        await seat.close()

    run(scenario)
    (follow,) = FollowUp.objects.filter(attempt_id=room.attempt_id)
    assert (follow.stage, follow.criterion_key, follow.question) == (
        "data",
        spec.id,
        spec.probes[1],
    )


def test_a_written_reply_reaches_the_interviewers_panel_as_soon_as_it_is_stored(
    room, interviewer, candidate, ad_question
):
    spec = next(c for c in criteria_for_question(ad_question) if c.stage == "data" and c.probes)
    client = Client()
    client.force_login(candidate)
    reply = "<script>alert(1)</script> Positives are clicks within 30 minutes of the impression."

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "probe", "stage": "data", "criterion": spec.id, "index": "0"})
        await seat.next_html("follow-ups-data")
        panel = await lead.next_html("coverage-data")
        assert "No written reply yet." in panel
        follow = await sync_to_async(FollowUp.objects.get)(attempt_id=room.attempt_id)
        url = f"/attempts/{room.attempt_id}/follow-ups/{follow.pk}/reply/"
        response = await sync_to_async(client.post)(url, {"reply": reply}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        panel = await lead.next_html("coverage-data")
        assert "Positives are clicks within 30 minutes" in panel, "shown without another save"
        assert "&lt;script&gt;" in panel and "<script>alert" not in panel
        assert "No written reply yet." not in panel
        # The candidate's page never gets the interviewer's panel.
        assert not any('id="coverage-' in f for f in seat.frames)
        await lead.close()
        await seat.close()

    run(scenario)


def test_the_curveball_goes_once_to_the_current_stage_and_the_reply_is_graded(
    room, interviewer, candidate, ad_question
):
    client = Client()
    client.force_login(candidate)

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        assert any("data-curveball-send" in f for f in lead.frames)
        await lead.send({"type": "stage", "stage": "model"})
        await seat.next_json("session")
        await lead.send({"type": "curveball"})
        thread = await seat.next_html("follow-ups-model")
        assert "Change of requirements" in thread
        assert (await seat.next_json("question"))["curveball"] is True
        box = await lead.next_html("live-curveball")
        assert "data-curveball-send" not in box and "Sent during" in box
        await lead.send({"type": "curveball"})
        assert (await lead.next_json("error"))["message"] == "The curveball was already sent."
        await lead.close()
        await seat.close()

    run(scenario)
    follow = FollowUp.objects.get(attempt_id=room.attempt_id, criterion_key=FollowUp.CURVEBALL)
    assert follow.stage == "model" and "privacy" in follow.question
    # The live candidate replies in the thread through practice's reply route.
    url = f"/attempts/{room.attempt_id}/follow-ups/{follow.pk}/reply/"
    reply = "Move to first-party and contextual features and model delayed conversions."
    assert client.post(url, {"reply": reply}, headers={"HX-Request": "true"}).status_code == 200
    follow.refresh_from_db()
    assert follow.reply == reply
    # The review lists it for the interviewer.
    lead = Client()
    lead.force_login(interviewer)
    LiveSession.objects.filter(pk=room.pk).update(state=LiveSession.State.ENDED)
    review = lead.get(f"/live/{room.pk}/review/").content.decode()
    assert "Questions asked (1)" in review and "first-party and contextual" in review


def test_questions_need_a_seated_candidate(interviewer, ad_question):
    session = seated_session(interviewer, None, ad_question)

    async def scenario():
        ok, lead = await open_socket(session.pk, interviewer)
        assert ok
        await lead.next_json("state")
        await lead.send({"type": "curveball"})
        assert (await lead.next_json("error"))["message"] == "The candidate has not joined yet."
        await lead.close()

    run(scenario)
