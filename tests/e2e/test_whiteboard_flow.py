"""In headless Chromium: draw on the Excalidraw board, reload, submit, read the diagram analysis."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from interviews.models import Question, Whiteboard
from tests.browser import log_in, wait_for_board, wait_until
from tests.factories import PASSWORD, make_attempt

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Builds the funnel through Excalidraw's own API: labelled boxes and arrows bound to them.
DRAW_FUNNEL = """async () => {
  const board = await window.chalktalkWhiteboard.ready;
  const box = (id, text, x, y) => ({type: "rectangle", id, x, y, width: 200, height: 70, label: {text}});
  const link = (id, from, to, x, y) => ({type: "arrow", id, x, y, width: 60, height: 0, start: {id: from}, end: {id: to}});
  const elements = board.toElements([
    box("ann", "ANN index", 0, 0), box("cg", "Candidate generation", 280, 0),
    box("rank", "Ranker", 560, 0), box("rr", "Re-ranking", 840, 0),
    link("a1", "ann", "cg", 200, 35), link("a2", "cg", "rank", 480, 35), link("a3", "rank", "rr", 760, 35),
  ]);
  board.api.updateScene({elements: [...board.api.getSceneElements(), ...elements]});
  return elements.length;
}"""


BOARD_OFFSETS_CURRENT = """(() => {
  const state = window.chalktalkWhiteboard.api.getAppState();
  const rect = document.querySelector("#whiteboard .excalidraw").getBoundingClientRect();
  return Math.abs(state.offsetTop - rect.top) < 1 && Math.abs(state.offsetLeft - rect.left) < 1;
})()"""


@pytest.fixture
def signed_in(page: Page, live_server, transactional_db):
    from rubric.services import bank_sync

    bank_sync()
    user = User.objects.create_user("artist", password=PASSWORD)
    attempt = make_attempt(
        user, Question.objects.get(slug="video-recommendation"), {"goals": "Maximise watch time."}
    )
    log_in(page, live_server.url, "artist", PASSWORD)
    return attempt


def test_a_candidate_draws_reloads_and_sees_the_diagram_read_back(
    page: Page, live_server, signed_in, celery_worker
):
    attempt = signed_in
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    wait_for_board(page)

    # One shape drawn with real mouse drags, then labelled by double-clicking it.
    # Scroll until the sticky board is pinned whole in the window, so focusing it cannot scroll.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # Excalidraw maps the pointer with the canvas offsets it last measured; after a programmatic
    # scroll they can be stale for a moment (a person never clicks that fast), so re-measure first.
    page.evaluate("window.chalktalkWhiteboard.api.refresh()")
    wait_until(page, BOARD_OFFSETS_CURRENT)
    page.locator("#whiteboard label:has([data-testid='toolbar-rectangle'])").click()
    canvas = page.locator("#whiteboard canvas.interactive")

    def at(dx: float, dy: float) -> tuple[float, float]:
        # Measured each time: the board is sticky, so its place on screen can move with scrolling.
        box = canvas.bounding_box()
        return box["x"] + dx, box["y"] + dy

    # Right of the shape-properties panel Excalidraw opens at the canvas's left edge.
    page.mouse.move(*at(360, 180))
    page.mouse.down()
    page.mouse.move(*at(450, 220), steps=5)
    page.mouse.move(*at(540, 260), steps=5)
    page.mouse.up()
    page.mouse.dblclick(*at(450, 220))
    page.keyboard.type("Monitoring")
    page.keyboard.press("Escape")
    drawn = page.evaluate(
        "window.chalktalkWhiteboard.api.getSceneElements()"
        ".filter(e => e.type === 'text' && e.originalText === 'Monitoring').map(e => e.containerId)"
    )
    assert len(drawn) == 1 and drawn[0], "the dragged rectangle holds the label typed into it"

    assert page.evaluate(DRAW_FUNNEL) == 11  # 4 boxes + 4 labels + 3 arrows
    assert page.evaluate("window.chalktalkWhiteboard.flush()") is True
    expect(page.locator("[data-board-state]")).to_have_text("All changes saved")
    saved = Whiteboard.objects.get(attempt=attempt).scene
    texts = {
        e.get("originalText")
        for e in saved["elements"]
        if e["type"] == "text" and not e.get("isDeleted")
    }
    assert {"Monitoring", "Ranker", "Candidate generation"} <= texts

    page.reload()
    wait_for_board(page)
    live = page.evaluate(
        "window.chalktalkWhiteboard.api.getSceneElements().map(e => e.text).filter(Boolean)"
    )
    assert {"Monitoring", "Ranker", "Re-ranking", "ANN index"} <= set(live), (
        "the board is still there after reload"
    )

    page.locator("[data-open-submit]").first.click()
    page.get_by_role("button", name="Submit and grade").click()
    expect(page.locator(".score-ring")).to_be_visible(timeout=20_000)
    analysis = page.locator(".diagram-lists")
    expect(analysis).to_contain_text("Components recognised (5)")
    expect(analysis).to_contain_text("Candidate generation → Ranker")
    expect(analysis).to_contain_text("Monitoring")
    expect(page.locator("#stage-diagram")).to_contain_text("candidate generation feeds the ranker")

    # Replay: scrub to the end and the board is back, drawn the way it was submitted.
    page.get_by_role("link", name="Replay").click()
    wait_for_board(page)
    page.locator("[data-scrub]").evaluate(
        "(el) => { el.value = el.max; el.dispatchEvent(new Event('input')); }"
    )
    expect(page.locator("[data-replay-stage=goals] [data-replay-text]")).to_have_text(
        "Maximise watch time."
    )
    shown = page.evaluate(
        "window.chalktalkWhiteboard.api.getSceneElements().filter(e => e.text).map(e => e.originalText)"
    )
    assert {"Ranker", "Monitoring"} <= set(shown)
    assert outside == [], f"{len(outside)} requests left the machine, e.g. {outside[:3]}"


def test_a_hostile_label_stays_text_on_the_results_page(page: Page, live_server, signed_in):
    from interviews.services import attempt_submit
    from rubric.services import grade_run
    from tests.scenes import box, scene

    attempt = signed_in
    hostile = "<img src=x onerror=alert(1)>"
    Whiteboard.objects.filter(attempt=attempt).update(
        scene=scene(box("x", hostile, 0, 0)), version=1
    )
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/results/")
    expect(page.locator(".diagram-lists")).to_contain_text(hostile)
    page.wait_for_timeout(500)
    assert dialogs == []
