"""The live room's websocket, through the real ASGI stack and the Redis channel layer.

Every event and every permission: the interviewer's actions reach the right sockets, the
candidate's socket never carries interviewer-only data, strangers and other sites are refused,
and bad messages get error frames while the connection stays up.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from interviews.models import Attempt, HintUse
from live.models import InterviewerNote, LiveSession, ScorecardEntry
from rubric.models import Grade
from tests.factories import make_user
from tests.live_helpers import (
    ConnectionClosed,
    open_both,
    open_socket,
    run_scenario,
    seated_session,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "PRIVATE-NOTE: weak on offline metrics"
COMMENT = "PRIVATE-COMMENT: never named a baseline"


run = run_scenario


@pytest.fixture
def room(interviewer, candidate, ad_question):
    return seated_session(interviewer, candidate, ad_question)


both = open_both


def test_the_interviewer_gets_the_whole_room_and_the_candidate_only_the_shared_part(
    room, interviewer, candidate
):
    async def scenario():
        ok, lead = await open_socket(room.pk, interviewer)
        assert ok
        state = await lead.next_json("state")
        assert state["stage"] == "goals" and state["clock"] == {"elapsed": 0.0, "running": False}
        assert set(state["texts"]) == {"goals", "data", "features", "model", "serving", "online"}
        assert state["scorecard"] == {} and state["candidate"] == candidate.username
        assert any('id="live-notes"' in f for f in lead.frames)
        ok, seat = await open_socket(room.pk, candidate)
        assert ok
        state = await seat.next_json("state")
        assert "texts" not in state and "scorecard" not in state
        assert not any('id="live-notes"' in f for f in seat.frames)
        # The interviewer hears that the candidate arrived.
        presence = await lead.next_html("live-presence")
        assert presence.count("is-here") == 2
        await lead.close()
        await seat.close()

    run(scenario)


def test_strangers_logged_out_visitors_and_other_sites_are_refused(room, interviewer):
    stranger = make_user("stranger")

    async def scenario():
        assert await open_socket(room.pk, stranger) == (False, 4403)
        assert await open_socket(room.pk, None) == (False, 4403)
        assert await open_socket(room.pk + 1000, interviewer) == (False, 4403)
        # The session cookie of the right person, sent from another site's page.
        ok, _ = await open_socket(room.pk, interviewer, origin="https://evil.example")
        assert not ok

    run(scenario)


def test_a_candidate_save_reaches_the_interviewer_after_commit_and_not_the_candidate(
    room, interviewer, candidate
):
    client = Client()
    client.force_login(candidate)

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        url = f"/live/{room.pk}/answer/stages/goals/"
        response = await sync_to_async(client.post)(
            url, json.dumps({"text": "Predict <b>pCTR</b>", "version": 0}), content_type="application/json"
        )  # fmt: skip
        assert response.status_code == 200
        event = await lead.next_json("text")
        assert event == {
            "type": "text",
            "stage": "goals",
            "text": "Predict <b>pCTR</b>",
            "version": 1,
        }
        # A refused save (stale version) sends nothing.
        response = await sync_to_async(client.post)(
            url, json.dumps({"text": "stale", "version": 0}), content_type="application/json"
        )
        assert response.status_code == 409
        assert not any("stale" in f for f in await lead.drain())
        assert not any('"type":"text"' in f for f in await seat.drain())
        await lead.close()
        await seat.close()

    run(scenario)


def test_stage_and_clock_changes_reach_both_sides(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "clock", "running": True})
        for sock in (lead, seat):
            event = await sock.next_json("session")
            assert event["clock"]["running"] and event["state"] == "running"
        await lead.send({"type": "stage", "stage": "data"})
        for sock in (lead, seat):
            assert (await sock.next_json("session"))["stage"] == "data"
        await lead.send({"type": "clock", "running": False})
        paused = await seat.next_json("session")
        assert paused["state"] == "paused" and not paused["clock"]["running"]
        await lead.close()
        await seat.close()

    run(scenario)
    room.refresh_from_db()
    assert room.current_stage == "data" and room.clock_started_at is None
    assert Attempt.objects.get(pk=room.attempt_id).current_stage == "data"


def test_hints_reach_the_candidate_escaped_and_are_recorded_against_the_stage(
    room, interviewer, candidate, ad_question
):
    ladder = ad_question.hints["goals"]

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "hint", "stage": "goals", "index": "1"})
        html = await seat.next_html("hints-goals")
        assert ladder[1].split()[0] in html
        assert (await seat.next_json("hint"))["stage"] == "goals"
        await lead.send(
            {"type": "hint", "stage": "goals", "text": "<script>alert(1)</script> think of CTR"}
        )
        html = await seat.next_html("hints-goals")
        assert (
            "&lt;script&gt;alert(1)&lt;/script&gt; think of CTR" in html and "<script>" not in html
        )
        await lead.send({"type": "hint", "stage": "goals", "index": 1})
        assert (await lead.next_json("error"))["message"] == "That hint was already sent."
        # The refused hint rolled back, so nothing was sent about it.
        assert not any("hints-goals" in f for f in await seat.drain())
        await lead.send({"type": "hint", "stage": "goals", "index": 99})
        assert (await lead.next_json("error"))["code"] == "refused"
        await lead.close()
        await seat.close()

    run(scenario)
    uses = list(HintUse.objects.filter(attempt_id=room.attempt_id).order_by("used_at"))
    assert [(u.stage, u.index) for u in uses] == [("goals", 1), ("goals", None)]


def test_notes_and_scorecard_never_reach_the_candidate(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "note", "text": NOTE})
        assert NOTE in await lead.next_html("live-notes")
        await lead.send(
            {
                "type": "scorecard",
                "criterion": "business-to-ml-objective",
                "level": "2",
                "comment": COMMENT,
            }
        )
        saved = await lead.next_json("scorecard")
        assert saved == {
            "type": "scorecard",
            "criterion": "business-to-ml-objective",
            "level": 2,
            "comment": COMMENT,
        }
        # The candidate's socket asks for everything again: still nothing private.
        await seat.send({"type": "resync"})
        await seat.next_json("state")
        await seat.send({"type": "note", "text": "sneaky"})
        assert (await seat.next_json("error"))["code"] == "unknown_type"
        await end_interview(lead, seat)
        await seat.drain()
        for frame in seat.frames:
            assert "PRIVATE" not in frame and "scorecard" not in frame and "live-notes" not in frame
        await lead.close()
        await seat.close()

    run(scenario)
    assert InterviewerNote.objects.get(session=room).text == NOTE
    assert ScorecardEntry.objects.get(session=room).level == 2


def test_scorecard_input_is_validated(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        bad = [
            ({"criterion": "business-to-ml-objective", "level": 5}, "from 0 to 3"),
            ({"criterion": "no-such-criterion", "level": 1}, "not in this question's rubric"),
            ({"criterion": "business-to-ml-objective", "level": True}, "must be a int"),
            (
                {"criterion": "business-to-ml-objective", "level": 1, "comment": "x" * 2001},
                "under 2,000",
            ),
        ]
        for fields, message in bad:
            await lead.send({"type": "scorecard", **fields})
            assert message in (await lead.next_json("error"))["message"]
        await lead.close()
        await seat.close()

    run(scenario)
    assert not ScorecardEntry.objects.exists()


def test_malformed_oversized_and_unknown_messages_get_error_frames_and_the_socket_survives(
    room, interviewer, candidate
):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        cases = [
            ("{not json", "malformed"),
            ("[1, 2]", "malformed"),
            (json.dumps({"stage": "data"}), "malformed"),
            (json.dumps({"type": "teleport"}), "unknown_type"),
            (json.dumps({"type": "stage", "stage": 7}), "invalid"),
            (json.dumps({"type": "stage", "stage": "nowhere"}), "refused"),
            (json.dumps({"type": "note", "text": "x" * 20_000}), "too_large"),
            ("[" * 5000 + "]" * 5000, "malformed"),
        ]
        for text, code in cases:
            await lead.send(text)
            assert (await lead.next_json("error"))["code"] == code, text[:30]
        await lead.communicator.send_to(bytes_data=b"\x00\x01")
        assert (await lead.next_json("error"))["code"] == "malformed"
        await lead.send({"type": "stage", "stage": "model"})
        assert (await lead.next_json("session"))["stage"] == "model"
        await lead.close()
        await seat.close()

    run(scenario)


def test_a_flood_is_rate_limited_then_disconnected(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        for _ in range(200):
            await lead.send({"type": "resync"})
        codes = []
        try:
            while True:
                text = await lead.receive()
                if '"type":"error"' in text:
                    codes.append(json.loads(text)["code"])
        except ConnectionClosed as closed:
            assert closed.args[0] == 4429
        assert codes and set(codes) == {"rate_limited"}
        await seat.close()

    run(scenario)


async def end_interview(lead, seat) -> None:
    """The interviewer ends; the candidate's page saves its last edits and answers."""
    await lead.send({"type": "end"})
    await seat.next_json("ending")
    await seat.send({"type": "saved_for_end"})
    for sock in (lead, seat):
        assert (await sock.next_json("session"))["state"] == "ended"


def test_ending_waits_for_the_candidates_last_save_then_submits_and_grades(
    room, interviewer, candidate
):
    client = Client()
    client.force_login(candidate)

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "end"})
        await seat.next_json("ending")
        # The candidate's page saves what was typed in the last second, then answers.
        response = await sync_to_async(client.post)(
            f"/live/{room.pk}/answer/stages/goals/",
            json.dumps({"text": "A last sentence", "version": 0}),
            content_type="application/json",
        )
        assert response.status_code == 200
        await seat.send({"type": "saved_for_end"})
        for sock in (lead, seat):
            event = await sock.next_json("session")
            assert event["state"] == "ended" and event["review_url"] == f"/live/{room.pk}/review/"
        await lead.send({"type": "stage", "stage": "data"})
        assert (await lead.next_json("error"))["message"] == "This interview has ended."
        await lead.close()
        await seat.close()

    run(scenario)
    attempt = Attempt.objects.get(pk=room.attempt_id)
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.mode == Attempt.Mode.LIVE
    assert attempt.responses.get(stage="goals").text == "A last sentence"
    assert Grade.objects.filter(attempt=attempt).exists()
    assert LiveSession.objects.get(pk=room.pk).state == "ended"


def test_ending_goes_ahead_when_the_candidates_page_never_answers(
    room, interviewer, candidate, settings
):
    settings.LIVE_END_GRACE_SECONDS = 0.5

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.close()
        await lead.send({"type": "end"})
        assert (await lead.next_json("session", timeout=5))["state"] == "ended"
        await lead.close()

    run(scenario)
    assert Attempt.objects.get(pk=room.attempt_id).status == Attempt.Status.SUBMITTED


def test_the_candidate_cannot_end_the_interview_unasked(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.send({"type": "saved_for_end"})
        assert (await seat.next_json("error"))[
            "message"
        ] == "Only your interviewer can end the interview."
        await lead.close()
        await seat.close()

    run(scenario)
    assert LiveSession.objects.get(pk=room.pk).state == "lobby"


def test_an_interviewer_ends_a_session_nobody_joined_at_once(interviewer, ad_question):
    lobby = seated_session(interviewer, None, ad_question)

    async def scenario():
        ok, lead = await open_socket(lobby.pk, interviewer)
        await lead.send({"type": "end"})
        assert (await lead.next_json("session"))["state"] == "ended"
        await lead.close()

    run(scenario)


def test_text_that_cannot_be_stored_or_numbers_too_long_get_error_frames(
    room, interviewer, candidate
):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "note", "text": "nul \x00 inside"})
        assert "NUL" in (await lead.next_json("error"))["message"]
        await lead.send({"type": "hint", "stage": "goals", "index": "9" * 5000})
        assert (await lead.next_json("error"))["code"] == "invalid"
        await lead.send({"type": "hint", "stage": "goals", "index": "²"})
        assert (await lead.next_json("error"))["code"] == "invalid"
        await lead.send({"type": "stage", "stage": "data"})
        assert (await lead.next_json("session"))["stage"] == "data"
        await lead.close()
        await seat.close()

    run(scenario)
    assert not InterviewerNote.objects.exists()


def test_a_reconnecting_candidate_resyncs_from_the_server(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.close()
        await lead.send({"type": "stage", "stage": "serving"})
        await lead.send({"type": "clock", "running": True})
        await lead.next_json("session")
        ok, seat = await open_socket(room.pk, candidate)
        state = await seat.next_json("state")
        assert state["stage"] == "serving" and state["clock"]["running"]
        await lead.close()
        await seat.close()

    run(scenario)


def test_the_board_travels_both_ways_only_when_the_candidate_allows_drawing(
    room, interviewer, candidate
):
    scene = {"elements": [{"id": "box-1", "type": "rectangle", "x": 0, "y": 0, "width": 100, "height": 60, "version": 2, "versionNonce": 7, "isDeleted": False}], "appState": {}, "files": {}}  # fmt: skip
    lead_client, seat_client = Client(), Client()
    lead_client.force_login(interviewer)
    seat_client.force_login(candidate)
    board_url = f"/live/{room.pk}/whiteboard/"

    async def post(client, url, version):
        body = json.dumps({"scene": scene, "version": version})
        return await sync_to_async(client.post)(url, body, content_type="application/json")

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        response = await post(seat_client, f"/live/{room.pk}/answer/whiteboard/", 0)
        assert response.status_code == 200
        event = await lead.next_json("board")
        assert event["version"] == 1 and event["scene"]["elements"][0]["id"] == "box-1"
        assert (await seat.next_json("board"))["version"] == 1  # its own echo, which pages ignore
        assert (await post(lead_client, board_url, 1)).status_code == 403
        await seat.send({"type": "drawing", "allow": True})
        assert (await lead.next_json("session"))["drawing_allowed"] is True
        assert (await post(lead_client, board_url, 1)).status_code == 200
        assert (await seat.next_json("board"))["version"] == 2
        assert (await lead.next_json("board"))["version"] == 2  # the interviewer's other tabs
        assert (await post(lead_client, board_url, 1)).status_code == 409
        # The candidate cannot use the interviewer's door.
        assert (await post(seat_client, board_url, 2)).status_code == 404
        await lead.close()
        await seat.close()

    run(scenario)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "clock", "running": True},
        {"type": "stage", "stage": "data"},
        {"type": "hint", "stage": "goals", "text": "self-help"},
        {"type": "note", "text": "about myself"},
        {"type": "scorecard", "criterion": "clarify-requirements", "level": 3},
        {"type": "end"},
    ],
    ids=lambda m: m["type"],
)
def test_the_candidate_cannot_take_the_interviewers_actions(room, interviewer, candidate, message):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.send(message)
        assert (await seat.next_json("error"))["code"] == "unknown_type"
        assert not any(f.startswith('{"type":"session"') for f in await lead.drain())
        await lead.close()
        await seat.close()

    run(scenario)
    room.refresh_from_db()
    assert (room.state, room.current_stage) == ("lobby", "goals")
    assert not HintUse.objects.exists() and not InterviewerNote.objects.exists()
    assert not ScorecardEntry.objects.exists()


def test_the_interviewer_cannot_decide_for_the_candidate_about_drawing(
    room, interviewer, candidate
):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "drawing", "allow": True})
        assert (await lead.next_json("error"))["code"] == "unknown_type"
        await lead.close()
        await seat.close()

    run(scenario)
    assert LiveSession.objects.get(pk=room.pk).candidate_allows_drawing is False
