"""The keystroke relay of a live interview, through the real ASGI stack and the Redis channel layer.

What the candidate types and draws reaches the other side at once, checked like every socket
message (size, rate, role, stage), and is never stored: only the durable save writes.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from interviews.models import StageResponse
from tests.live_helpers import open_socket, seated_session
from tests.test_live_socket import both, run

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "page0123456789ab"


@pytest.fixture
def room(interviewer, candidate, ad_question):
    return seated_session(interviewer, candidate, ad_question)


def text_frame(seq, **fields):
    return {"type": "relay_text", "stage": "goals", "source": SOURCE, "seq": seq, **fields}


def box(element_id="box-1", **fields):
    return {"id": element_id, "type": "rectangle", "x": 0, "y": 0, "width": 100, "height": 60,
            "version": 2, "versionNonce": 7, "isDeleted": False, **fields}  # fmt: skip


def test_typed_text_reaches_the_interviewer_at_once_and_is_not_stored(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.send(text_frame(1, text="Predict <script>alert(1)</script>"))
        event = await lead.next_json("live_text")
        assert event == {"type": "live_text", "stage": "goals", "source": SOURCE, "seq": 1,
                         "text": "Predict <script>alert(1)</script>"}  # fmt: skip
        splice = {"at": 8, "remove": 25, "insert": "pCTR", "base_length": 33}
        await seat.send(text_frame(2, splice=splice))
        assert (await lead.next_json("live_text"))["splice"] == splice
        # Only the interviewer hears it: the candidate's own socket gets no copy.
        assert not any("live_text" in f for f in await seat.drain())
        await lead.close()
        await seat.close()

    run(scenario)
    # Relayed text is never written: the stage still holds what its last durable save wrote.
    response = StageResponse.objects.get(attempt=room.attempt, stage="goals")
    assert (response.text, response.version) == ("", 0)


@pytest.mark.parametrize(
    ("frame", "why"),
    [
        (text_frame(1, stage="data", text="not the interview's stage"), "stage the interview"),
        (text_frame(1, stage="nowhere", text="x"), "one of the interview's stages"),
        (text_frame(1, text="x", source="short"), "`source`"),
        (text_frame(-1, text="x"), "`seq`"),
        (text_frame("7", text="x"), "`seq`"),
        (text_frame(1, text=7), "`text` must be a string"),
        (text_frame(1, text="nul \x00 byte"), "NUL"),
        (text_frame(1, text="half an emoji \ud83d"), "cannot be stored"),
        (text_frame(1), "Send `text` or `splice`"),
        (text_frame(1, splice={"at": 5, "remove": 0, "insert": "x", "base_length": 3}), "`at`"),
        (text_frame(1, splice={"at": 1, "remove": 9, "insert": "x", "base_length": 3}), "`remove`"),
        (
            text_frame(1, splice={"at": 0, "remove": 0, "insert": "x" * 20_001, "base_length": 0}),
            "limited to 20,000",
        ),  # fmt: skip
        (
            text_frame(1, splice={"at": 0, "remove": 0, "insert": "x", "base_length": True}),
            "`base_length`",
        ),  # fmt: skip
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_hostile_text_frames_are_refused_and_relay_nothing(
    room, interviewer, candidate, frame, why
):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.send(json.dumps(frame))
        error = await seat.next_json("error")
        assert error["code"] == "refused" and error["relay"] is True
        assert why in error["message"]
        assert not any("live_text" in f for f in await lead.drain())
        # The socket stays up and the next good frame goes through.
        await seat.send(text_frame(1, text="fine"))
        assert (await lead.next_json("live_text"))["text"] == "fine"
        await lead.close()
        await seat.close()

    run(scenario)


def test_only_the_seated_candidate_relays_text(room, interviewer, candidate, other_candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        # The interviewer cannot put words in the candidate's mouth.
        await lead.send(text_frame(1, text="I would use a transformer"))
        assert (await lead.next_json("error"))["code"] == "unknown_type"
        # Nobody else gets a socket to relay through.
        assert await open_socket(room.pk, other_candidate) == (False, 4403)
        assert not any("live_text" in f for f in await lead.drain())
        await lead.close()
        await seat.close()

    run(scenario)


def test_relay_frames_are_size_limited(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.send(text_frame(1, text="x" * 70_000))
        assert (await seat.next_json("error"))["code"] == "too_large"
        # A whole stage of 20,000 characters fits in a relay frame (the others stay at 16 kB).
        await seat.send(text_frame(1, text="y" * 20_000))
        assert len((await lead.next_json("live_text"))["text"]) == 20_000
        await lead.close()
        await seat.close()

    run(scenario)


def test_a_relay_flood_is_limited_apart_from_the_rooms_actions(
    room, interviewer, candidate, settings
):
    settings.LIVE_RELAY_RATE_PER_SECOND, settings.LIVE_RELAY_RATE_BURST = 10, 40  # 4 s windows
    burst = settings.LIVE_RELAY_RATE_BURST

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        for seq in range(1, burst + 11):
            await seat.send(text_frame(seq, text=str(seq)))
        codes, relayed = [], 0
        for text in await seat.drain(1.0):
            if '"type":"error"' in text:
                codes.append(json.loads(text)["code"])
        for text in await lead.drain(1.0):
            relayed += '"type":"live_text"' in text
        assert set(codes) == {"rate_limited"} and len(codes) == 10
        assert relayed == burst
        # Typing did not use up the candidate's allowance for the room's own actions.
        await seat.send({"type": "drawing", "allow": True})
        assert (await lead.next_json("session"))["drawing_allowed"] is True
        await lead.close()
        await seat.close()

    run(scenario)


def test_a_save_names_the_relayed_text_it_holds(room, interviewer, candidate):
    client = Client()
    client.force_login(candidate)
    url = f"/live/{room.pk}/answer/stages/goals/"

    async def save(body):
        data = json.dumps(body)
        return await sync_to_async(client.post)(url, data, content_type="application/json")

    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        mark = {"source": SOURCE, "seq": 4}
        assert (await save({"text": "pCTR", "version": 0, "relay": mark})).status_code == 200
        event = await lead.next_json("text")
        assert event == {"type": "text", "stage": "goals", "text": "pCTR", "version": 1, **mark}
        # A mark that is not one is left out; the save itself goes through.
        bogus = {"source": "<img src=x>", "seq": 1}
        assert (await save({"text": "pCTR!", "version": 1, "relay": bogus})).status_code == 200
        event = await lead.next_json("text")
        assert event == {"type": "text", "stage": "goals", "text": "pCTR!", "version": 2}
        await lead.close()
        await seat.close()

    run(scenario)


def test_board_strokes_and_the_pointer_reach_the_interviewer_cleaned(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await seat.send({"type": "relay_board", "elements": [box(evil="<script>")]})
        event = await lead.next_json("live_board")
        assert event["from"] == "candidate" and event["elements"][0]["id"] == "box-1"
        assert "evil" not in event["elements"][0]
        await seat.send({"type": "relay_pointer", "x": 10.123, "y": -4})
        assert await lead.next_json("live_pointer") == {
            "type": "live_pointer", "x": 10.1, "y": -4, "from": "candidate"
        }  # fmt: skip
        # The sender never gets its own frame back.
        assert not any("live_board" in f or "live_pointer" in f for f in await seat.drain())
        for bad, why in [
            ({"type": "relay_board", "elements": []}, "non-empty"),
            ({"type": "relay_board", "elements": [box(type="image")]}, "Images"),
            ({"type": "relay_board", "elements": [box(x="1")]}, "finite number"),
            ({"type": "relay_board", "elements": [box(f"b{i}") for i in range(201)]}, "at most"),
            ({"type": "relay_pointer", "x": 1e13, "y": 0}, "finite"),
            ({"type": "relay_pointer", "x": True, "y": 0}, "finite"),
        ]:
            await seat.send(bad)
            error = await seat.next_json("error")
            assert error["relay"] is True and why in error["message"], bad
        assert not any("live_board" in f for f in await lead.drain())
        await lead.close()
        await seat.close()

    run(scenario)


def test_the_interviewer_draws_live_only_while_the_candidate_allows_it(
    room, interviewer, candidate
):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "relay_board", "elements": [box()]})
        assert "has not let you draw" in (await lead.next_json("error"))["message"]
        await lead.send({"type": "relay_pointer", "x": 1, "y": 1})
        assert (await lead.next_json("error"))["relay"] is True
        assert not any("live_" in f for f in await seat.drain())
        await seat.send({"type": "drawing", "allow": True})
        await lead.next_json("session")
        await seat.next_json("session")
        await lead.send({"type": "relay_board", "elements": [box()]})
        assert (await seat.next_json("live_board"))["from"] == "interviewer"
        await seat.send({"type": "drawing", "allow": False})
        await lead.next_json("session")
        await lead.send({"type": "relay_board", "elements": [box()]})
        assert (await lead.next_json("error"))["code"] == "refused"
        await lead.close()
        await seat.close()

    run(scenario)


def test_nothing_is_relayed_once_the_interview_has_ended(room, interviewer, candidate):
    async def scenario():
        lead, seat = await both(room, interviewer, candidate)
        await lead.send({"type": "end"})
        await seat.next_json("ending")
        await seat.send({"type": "saved_for_end"})
        await seat.next_json("session")
        await seat.send(text_frame(1, text="too late"))
        assert "ended" in (await seat.next_json("error"))["message"]
        await lead.close()
        await seat.close()

    run(scenario)


def test_the_rate_window_ends_so_steady_typing_is_never_cut_off(
    room, interviewer, candidate, settings
):
    """Ten frames a second for longer than the burst allows in one window: none is refused."""
    settings.LIVE_RELAY_RATE_PER_SECOND, settings.LIVE_RELAY_RATE_BURST = 20, 40  # 2 s windows

    async def scenario():
        import asyncio

        lead, seat = await both(room, interviewer, candidate)
        for seq in range(1, 121):  # 12 s at 10 a second: 120 frames, three times the burst
            await seat.send(text_frame(seq, text=str(seq)))
            await asyncio.sleep(0.1)
        frames = await seat.drain(0.5)
        assert not any('"type":"error"' in f for f in frames)
        relayed = [f for f in await lead.drain(0.5) if '"type":"live_text"' in f]
        assert len(relayed) == 120
        await lead.close()
        await seat.close()

    run(scenario)
