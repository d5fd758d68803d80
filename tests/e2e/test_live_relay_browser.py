"""Two browsers: the interviewer sees each word as the candidate types it, before any save lands.

The candidate's durable saves are held back (the request stays pending in the browser), so
anything on the interviewer's screen came through the relay; once released, the interviewer's
text is reconciled with the saved version, even after a relay frame was lost on the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from interviews.models import StageResponse, Whiteboard
from tests.browser import serious_axe_violations, wait_for_board, wait_until
from tests.e2e.test_live_flow import person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# In the interviewer's page, before room.js sees it: swallow the next relayed frame of the text.
DROP_NEXT_FRAME = """() => {
  window.droppedFrames = 0;
  document.addEventListener("htmx:wsBeforeMessage", (event) => {
    if (window.droppedFrames || !String(event.detail.message).startsWith('{"type":"live_text"')) return;
    window.droppedFrames += 1;
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);
}"""


@pytest.fixture
def contexts(browser: Browser):
    opened = []
    yield opened
    for context in opened:
        context.close()


def start_interview(browser: Browser, base: str, contexts: list) -> tuple[Page, Page]:
    from rubric.services import bank_sync

    bank_sync()
    lead = person(browser, base, "lead", contexts)
    seat = person(browser, base, "seat", contexts)
    lead.goto(base + "/live/")
    lead.select_option("#live-question", "ad-click-prediction")
    lead.get_by_role("button", name="Create the session").click()
    expect(lead.locator("[data-connection]")).to_have_text("Live")
    seat.goto(lead.locator("#invite-url").input_value())
    seat.get_by_role("button", name="Join the interview").click()
    expect(seat.locator("[data-connection]")).to_have_text("Live")
    expect(lead.locator("#live-presence .is-here")).to_have_count(2, timeout=10_000)
    expect(lead.locator("[data-connection]")).to_have_text("Live")
    return lead, seat


def saved_goals() -> StageResponse:
    return StageResponse.objects.get(
        stage="goals", attempt__live_session__interviewer__username="lead"
    )


def test_the_interviewer_sees_typing_before_any_save_and_ends_on_the_saved_text(
    browser: Browser, asgi_server, contexts
):
    lead, seat = start_interview(browser, asgi_server, contexts)
    held: list[Route] = []
    seat.route("**/answer/stages/**", lambda route: held.append(route))
    wait_for_board(lead)
    panel = lead.locator("[data-live-text=goals]")

    editor = seat.locator("[data-stage-text=goals]")
    editor.click()
    editor.press_sequentially("Predict pCTR per ad", delay=40)
    # On the interviewer's screen before any save was written (none has even been sent yet).
    expect(panel).to_have_text("Predict pCTR per ad")
    assert saved_goals().version == 0
    # The page's save goes out within the autosave's wait, and stays pending.
    for _ in range(60):
        if held:
            break
        seat.wait_for_timeout(50)
    assert held, "the candidate's page should have tried to save within 3 s"

    # An edit in the middle travels as a splice; the markup typed is shown as text, never HTML.
    for _ in range(len(" per ad")):
        editor.press("ArrowLeft")
    editor.press_sequentially(" <b>clicks</b>", delay=30)
    expect(panel).to_have_text("Predict pCTR <b>clicks</b> per ad")
    assert panel.locator("b").count() == 0
    assert saved_goals().version == 0

    # A relay frame is lost on the way to the interviewer while the candidate goes on typing.
    lead.evaluate(DROP_NEXT_FRAME)
    editor.press("End")
    editor.press_sequentially(" and calibrate it", delay=40)
    typed = "Predict pCTR <b>clicks</b> per ad and calibrate it"
    assert editor.input_value() == typed
    wait_until(lead, "window.droppedFrames === 1")
    lead.wait_for_timeout(500)
    assert panel.text_content() != typed  # the frames after the lost one wait for the save

    # The saves are let through: the interviewer's text becomes the saved version's.
    for route in held:
        route.continue_()
    seat.unroute("**/answer/stages/**")
    wait_until(seat, "document.querySelector('[data-text-state]').dataset.saveState === 'saved'")
    saved = saved_goals()
    assert saved.version >= 1 and saved.text == typed
    expect(panel).to_have_text(saved.text)

    assert serious_axe_violations(lead) == []


DRAW = """async ([id, x]) => {
  const board = await window.chalktalkWhiteboard.ready;
  const [box] = board.toElements([{type: "rectangle", id, x, y: 40, width: 160, height: 80}], {regenerateIds: false});
  board.api.updateScene({elements: [...board.api.getSceneElementsIncludingDeleted(), box]});
}"""
HAS = "(id) => window.chalktalkWhiteboard.api.getSceneElements().some(e => e.id === id)"


def test_strokes_and_the_pointer_travel_live_before_the_board_is_saved(
    browser: Browser, asgi_server, contexts
):
    lead, seat = start_interview(browser, asgi_server, contexts)
    held: list[Route] = []
    seat.route("**/answer/whiteboard/", lambda route: held.append(route))
    wait_for_board(lead)
    wait_for_board(seat)

    seat.evaluate(DRAW, ["cache-box", 40])
    wait_until(lead, f"({HAS})('cache-box')", timeout=5)
    assert not Whiteboard.objects.filter(
        attempt__live_session__isnull=False, version__gt=0
    ).exists()

    # The candidate's pointer is drawn on the interviewer's board.
    box = seat.locator("#whiteboard canvas.interactive").bounding_box()
    seat.mouse.move(box["x"] + 300, box["y"] + 200)
    seat.mouse.move(box["x"] + 320, box["y"] + 210)
    wait_until(lead, "window.chalktalkWhiteboard.api.getAppState().collaborators.has('candidate')")

    # The interviewer draws live too once allowed; its stroke reaches the candidate at once.
    seat.get_by_label("Let the interviewer draw on my board").check()
    expect(lead.locator("[data-board-draw]")).to_be_enabled()
    lead.route("**/whiteboard/", lambda route: held.append(route))
    lead.locator("[data-board-draw]").click()
    lead.evaluate(DRAW, ["ranker-box", 300])
    wait_until(seat, f"({HAS})('ranker-box')", timeout=5)

    # Released, the saves leave both boxes on the saved board and on both screens.
    for route in held:
        route.continue_()
    seat.unroute("**/answer/whiteboard/")
    lead.unroute("**/whiteboard/")
    for page in (seat, lead):
        page.evaluate("window.chalktalkWhiteboard.flush()")
    board = Whiteboard.objects.get(attempt__live_session__isnull=False)
    assert {"cache-box", "ranker-box"} <= {e["id"] for e in board.scene["elements"]}
    for page in (seat, lead):
        assert page.evaluate(f"['cache-box', 'ranker-box'].every({HAS})")
