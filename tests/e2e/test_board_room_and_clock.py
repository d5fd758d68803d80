"""In headless Chromium: the board's component palette, its menu, zoom to fit, and the solo clock
(question preview, pause across a reload, resume) with the submit dialog's thin-stage warning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from interviews.models import Attempt, Question, Whiteboard
from tests.browser import log_in, serious_axe_violations, wait_for_board, wait_until
from tests.factories import PASSWORD, make_attempt, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Thirteen boxes spread over 2,000 × 900 px of canvas: far more than the board shows at 100 %.
DRAW_SPREAD = """async () => {
  const board = await window.chalktalkWhiteboard.ready;
  const boxes = [...Array(13).keys()].map((i) => ({
    type: "rectangle", x: (i % 5) * 450, y: Math.floor(i / 5) * 400, width: 200, height: 80,
    label: {text: `Box ${i}`}}));
  board.api.updateScene({elements: board.toElements(boxes)});
  return board.flush();
}"""

# How many drawn shapes lie wholly inside the visible canvas.
SHAPES_IN_VIEW = """(() => {
  const api = window.chalktalkWhiteboard.api;
  const {scrollX, scrollY, zoom, width, height} = api.getAppState();
  return api.getSceneElements().filter((e) => e.type === "rectangle").filter((e) => {
    const x = (e.x + scrollX) * zoom.value, y = (e.y + scrollY) * zoom.value;
    return x >= 0 && y >= 0 && x + e.width * zoom.value <= width && y + e.height * zoom.value <= height;
  }).length;
})()"""

COMPONENTS_ON_BOARD = """window.chalktalkWhiteboard.api.getSceneElements()
  .map((e) => e.customData?.chalktalkComponent).filter(Boolean)"""


@pytest.fixture
def drafting(page: Page, live_server, transactional_db):
    from rubric.services import bank_sync

    bank_sync()
    user = make_user("drafter")
    attempt = make_attempt(user, Question.objects.get(slug="ad-click-prediction"))
    log_in(page, live_server.url, "drafter", PASSWORD)
    return attempt


def test_the_palette_stays_open_while_components_are_dragged_or_added_by_keyboard(
    page: Page, live_server, drafting
):
    page.goto(f"{live_server.url}/attempts/{drafting.pk}/")
    wait_for_board(page)
    palette = page.get_by_role("complementary", name="ML components")
    canvas = page.locator("#whiteboard canvas.interactive")
    expect(palette).to_be_visible()
    # Beside the canvas, not over it, and readable.
    assert (
        palette.bounding_box()["x"] + palette.bounding_box()["width"]
        <= canvas.bounding_box()["x"] + 1
    )
    tile = page.locator("[data-component=feature-store]")
    assert float(tile.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")) >= 13
    expect(tile).to_have_text("Feature store")

    for slug, (x, y) in {"feature-store": (200, 200), "ranking": (420, 320)}.items():
        page.locator(f"[data-component={slug}]").drag_to(canvas, target_position={"x": x, "y": y})
        expect(palette).to_be_visible()  # still open for the next one
    wait_until(page, f"{COMPONENTS_ON_BOARD}.length === 2")

    page.locator("[data-component=cache]").focus()
    page.keyboard.press("Enter")
    wait_until(page, f"{COMPONENTS_ON_BOARD}.includes('cache')")
    assert sorted(page.evaluate(COMPONENTS_ON_BOARD)) == ["cache", "feature-store", "ranking"]
    assert page.evaluate("window.chalktalkWhiteboard.flush()") is True
    saved = Whiteboard.objects.get(attempt=drafting).scene["elements"]
    assert {e["customData"]["chalktalkComponent"] for e in saved if e.get("customData")} == {
        "cache", "feature-store", "ranking"
    }  # fmt: skip

    # The palette folds away for more room, and comes back.
    palette.get_by_role("button", name="Hide").click()
    expect(page.locator("[data-component=cache]")).to_have_count(0)
    page.get_by_role("button", name="ML components").click()
    expect(page.locator("[data-component=cache]")).to_be_visible()
    assert serious_axe_violations(page) == []


def test_the_board_menu_has_no_way_out_of_the_app_and_no_reset(page: Page, live_server, drafting):
    page.goto(f"{live_server.url}/attempts/{drafting.pk}/")
    wait_for_board(page)
    page.get_by_role("button", name="Board menu").click()
    menu = page.locator("#whiteboard .dropdown-menu")
    expect(menu).to_contain_text("Fit the drawing to the board")
    for gone in ("Reset the canvas", "GitHub", "Follow us", "Discord", "Open", "Excalidraw links"):
        expect(menu).not_to_contain_text(gone)
    assert serious_axe_violations(page) == []
    page.keyboard.press("Escape")
    links = page.evaluate(
        "[...document.querySelectorAll('#whiteboard a[href]')].map((a) => a.href)"
    )
    assert [href for href in links if not href.startswith(live_server.url)] == []
    expect(
        page.locator("#whiteboard .default-sidebar-trigger")
    ).to_be_hidden()  # no "Browse libraries"
    # The help dialog keeps its shortcuts but not its links to Excalidraw's sites.
    page.locator("#whiteboard canvas.interactive").click(position={"x": 300, "y": 300})
    page.keyboard.press("?")
    expect(page.locator(".HelpDialog")).to_be_visible()
    expect(page.locator(".HelpDialog a[href^=http]:visible")).to_have_count(
        0
    )  # hidden, unreachable


def test_the_whole_drawing_is_in_view_after_a_reload_and_after_full_screen(
    page: Page, live_server, drafting
):
    page.goto(f"{live_server.url}/attempts/{drafting.pk}/")
    wait_for_board(page)
    assert page.evaluate(DRAW_SPREAD) is True
    page.reload()
    wait_for_board(page)
    wait_until(page, f"{SHAPES_IN_VIEW} === 13")

    page.locator(".chalktalk-wb-fullscreen").click()
    wait_until(page, "window.chalktalkWhiteboard.isFullscreen()")
    wait_until(page, f"{SHAPES_IN_VIEW} === 13")
    page.evaluate("window.chalktalkWhiteboard.api.updateScene({appState: {zoom: {value: 3}}})")
    assert page.evaluate(SHAPES_IN_VIEW) < 13
    page.keyboard.press("Escape")
    wait_until(page, "!window.chalktalkWhiteboard.isFullscreen()")
    wait_until(page, f"{SHAPES_IN_VIEW} === 13")

    # Side by side and back: the board is fitted to its new size each time.
    page.get_by_role("button", name="Side by side").click()
    expect(page.locator("#main")).not_to_have_class(re.compile("is-board-layout"))
    wait_until(page, f"{SHAPES_IN_VIEW} === 13")
    page.reload()
    expect(page.get_by_role("button", name="Large board")).to_be_visible()  # remembered


def test_the_clock_waits_for_the_preview_pauses_across_a_reload_and_warns_of_thin_stages(
    page: Page, live_server, transactional_db
):
    from rubric.services import bank_sync

    bank_sync()
    make_user("reader")
    log_in(page, live_server.url, "reader", PASSWORD)
    page.locator("form[action$='/questions/ad-click-prediction/start/'] button").click()
    expect(page.get_by_role("heading", name="Ad click prediction")).to_be_visible()
    attempt = Attempt.objects.get(user__username="reader")
    assert attempt.clock_state == "preview"
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Start the 45-minute clock").click()
    expect(page.locator("body[data-practice-ready]")).to_be_attached()  # Pause is wired

    goals = page.locator("[data-stage-text=goals]")
    goals.fill("Calibrated click probability for the auction, at four thousand queries a second.")
    page.get_by_role("button", name="Pause").click()
    banner = page.locator("[data-paused-banner]")
    expect(banner).to_be_visible()
    expect(goals).to_be_hidden()
    expect(page.locator("[data-clock-label]")).to_have_text("Paused")
    assert serious_axe_violations(page) == []
    page.reload()
    expect(banner).to_be_visible()
    frozen = page.locator("[data-clock-value]").text_content()
    page.wait_for_timeout(2100)
    expect(page.locator("[data-clock-value]")).to_have_text(frozen)
    attempt.refresh_from_db()
    assert attempt.clock_state == "paused"

    page.get_by_role("button", name="Resume the clock").click()
    expect(banner).to_be_hidden()
    expect(goals).to_have_value(re.compile("^Calibrated click probability"))
    expect(page.locator("[data-clock-value]")).not_to_have_text(frozen, timeout=3000)

    page.locator("[data-open-submit]").first.click()
    thin = page.locator("[data-submit-thin]")
    expect(thin).to_contain_text("“Clarify goals & scope” (12 words)")
    expect(thin).to_contain_text("“Feature engineering” (empty)")
    expect(page.locator(".stage-nav__submit")).to_have_css("background-color", "rgb(79, 70, 229)")
