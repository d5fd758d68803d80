"""Two browsers, one interview: an interviewer and a candidate in separate Chromium contexts.

The app runs under uvicorn (ASGI, so websockets work) in this process against the test database,
with the Redis channel layer and a real Celery worker for the grade.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from interviews.models import StageResponse, Whiteboard
from tests.browser import log_in, wait_for_board, wait_until
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SENTENCE = "We maximise revenue by predicting a calibrated click probability for each ad."
NOTE = "Private: strong framing, check the baseline later"
DRAW_BOX = """async () => {
  const board = await window.chalktalkWhiteboard.ready;
  const [box] = board.toElements([{type: "rectangle", id: "feature-store", x: 40, y: 40, width: 180, height: 80}], {regenerateIds: false});
  board.api.updateScene({elements: [...board.api.getSceneElements(), box]});
  return box.id;
}"""


@pytest.fixture
def contexts(browser: Browser):
    """Browser contexts of this test, closed at the end so no page keeps running into the next."""
    opened = []
    yield opened
    for context in opened:
        context.close()


def person(browser: Browser, base: str, username: str, contexts: list) -> Page:
    """A new user, logged in, in a browser context of their own."""
    User.objects.create_user(username, password=PASSWORD)
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    contexts.append(context)
    page = context.new_page()
    log_in(page, base, username, PASSWORD)
    return page


def test_an_interviewer_and_a_candidate_run_a_live_interview(
    browser: Browser, asgi_server, celery_worker, contexts
):
    from rubric.services import bank_sync

    bank_sync()
    lead = person(browser, asgi_server, "lead", contexts)
    seat = person(browser, asgi_server, "seat", contexts)
    outside = []
    for page in (lead, seat):
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(asgi_server) else None,
        )
        page.on(
            "websocket", lambda ws: outside.append(ws.url) if "127.0.0.1" not in ws.url else None
        )

    lead.goto(asgi_server + "/live/")
    lead.select_option("#live-question", "ad-click-prediction")
    lead.get_by_role("button", name="Create the session").click()
    expect(lead.locator("[data-connection]")).to_have_text("Live")
    invite = lead.locator("#invite-url").input_value()

    seat.goto(invite)
    seat.get_by_role("button", name="Join the interview").click()
    expect(seat.locator("[data-connection]")).to_have_text("Live")
    expect(seat.locator("[data-clock-label]")).to_have_text("Waiting to start")
    # The interviewer's room fills in once the candidate is there.
    expect(lead.locator("#live-presence .is-here")).to_have_count(2, timeout=10_000)
    wait_for_board(lead)

    lead.get_by_role("button", name="Start the clock").click()
    expect(seat.locator("[data-clock-label]")).to_have_text("Time left")

    # A typed sentence reaches the interviewer's panel.
    seat.locator("[data-stage-text=goals]").type(SENTENCE[:20])
    seat.locator("[data-stage-text=goals]").fill(SENTENCE)
    expect(lead.locator("[data-live-text=goals]")).to_have_text(SENTENCE, timeout=10_000)

    # A box drawn on the candidate's board appears on the interviewer's.
    wait_for_board(seat)
    seat.evaluate(DRAW_BOX)
    wait_until(
        lead,
        "window.chalktalkWhiteboard.api.getSceneElements().some(e => e.id === 'feature-store')",
    )

    # Once the candidate allows it, the interviewer draws too; both boxes end up on both boards.
    expect(lead.locator("[data-board-draw]")).to_be_disabled()
    seat.get_by_label("Let the interviewer draw on my board").check()
    expect(lead.locator("[data-board-draw]")).to_be_enabled()
    lead.locator("[data-board-draw]").click()
    lead.evaluate(DRAW_BOX.replace("feature-store", "model-registry").replace("x: 40", "x: 300"))
    wait_until(
        seat,
        "['feature-store', 'model-registry'].every(id => "
        "window.chalktalkWhiteboard.api.getSceneElements().some(e => e.id === id))",
    )

    # A hint from the ladder reaches the candidate, on the stage it was sent for.
    lead.locator("[data-stage-panel=goals] [data-ladder-send]").first.click()
    expect(seat.locator("#hints-goals li")).to_have_count(1)
    expect(lead.locator("[data-stage-panel=goals] [data-ladder-send]").first).to_have_text("Sent")
    expect(seat.locator("[data-toast]")).to_contain_text("New hint from your interviewer")

    # Moving to the next stage moves the candidate too.
    lead.locator("[data-live-stage=data]").click()
    expect(seat.locator("[data-stage-panel=data]")).to_be_visible()

    # A private note and a scorecard line.
    lead.fill("#note-text", NOTE)
    lead.get_by_role("button", name="Add note").click()
    expect(lead.locator("#live-notes")).to_contain_text(NOTE)
    # The scorecard follows the stage: the current one is open, the others are folded.
    expect(lead.locator("[data-scorecard-stage=data]")).to_have_attribute("open", "")
    row = lead.locator("[data-criterion=business-to-ml-objective]")
    expect(row).to_be_hidden()
    lead.locator("[data-scorecard-stage=goals] summary").click()
    row.locator("label", has_text="3").click()
    row.locator("input[name=comment]").fill("Tied revenue to pCTR at once")
    row.locator("input[name=comment]").press("Tab")
    expect(row).to_have_class(re.compile("is-saved"))
    assert NOTE not in seat.content()

    # Words typed just before the end are saved before the answer is locked.
    seat.locator("[data-stage-button=goals]").click()
    seat.locator("[data-stage-text=goals]").press("End")
    seat.locator("[data-stage-text=goals]").type(" Last words.")
    lead.get_by_role("button", name="End interview").click()
    lead.get_by_role("button", name="End and grade").click()
    for page in (lead, seat):
        page.wait_for_url(re.compile(r"/live/\d+/review/$"))
    expect(lead.locator(".score-ring")).to_be_visible(timeout=20_000)
    expect(lead.locator(".review-compare")).to_contain_text("Tied revenue to pCTR at once")
    expect(seat.locator(".review-compare")).to_contain_text("Tied revenue to pCTR at once")
    expect(seat.locator("body")).not_to_contain_text(NOTE)
    assert outside == []
    assert StageResponse.objects.get(attempt__user__username="seat", stage="goals").text == (
        SENTENCE + " Last words."
    )
    board = Whiteboard.objects.get(attempt__user__username="seat")
    assert {"feature-store", "model-registry"} <= {e["id"] for e in board.scene["elements"]}
