"""In headless Chromium at 1440 and 390 px: results (a strong and a weak attempt), progress,
history, compare and replay pass axe-core with no critical or serious violation and never scroll
sideways; the results page leads with the changes that would raise the grade, each with an
example, and a link to a change opens its folded stage.

Set REVIEW_SCREENSHOTS=<directory> to keep a screenshot of the page's content of every page at both sizes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from interviews.models import Question, Whiteboard
from interviews.services import attempt_submit
from rubric.services import bank_sync, grade_run
from tests.answers import STRONG_AD_ANSWER
from tests.browser import log_in, serious_axe_violations, wait_for_board
from tests.factories import PASSWORD, make_attempt, make_user
from tests.scenes import arrow, box, scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AD_BOARD = scene(
    box("I0lomlOVPDTaS2LcszKKB", "Ad candidates (targeting)", 0, 0, w=200),
    box("rankerBox0000000000001", "CTR ranker (DeepFM)", 300, 0, w=200),
    box("auctionBox00000000001", "Auction + re-ranking", 600, 0, w=200),
    box("logBox000000000000001", "Impression & click log", 600, 220, w=200),
    box("joinBox00000000000001", "Online joiner", 300, 220, w=200),
    box("trainBox0000000000001", "Trainer", 0, 220, w=200),
    arrow("a1", (200, 30), (300, 30), source="I0lomlOVPDTaS2LcszKKB", target="rankerBox0000000000001"),
    arrow("a2", (500, 30), (600, 30), source="rankerBox0000000000001", target="auctionBox00000000001"),
    arrow("a3", (700, 60), (700, 220), source="auctionBox00000000001", target="logBox000000000000001"),
    arrow("a4", (600, 250), (500, 250), source="logBox000000000000001", target="joinBox00000000000001"),
    arrow("a5", (300, 250), (200, 250), source="joinBox00000000000001", target="trainBox0000000000001"),
)  # fmt: skip
for _element in AD_BOARD["elements"]:  # what Excalidraw needs to draw a label, as it saves one
    if _element["type"] == "text":
        _element.update(
            fontSize=18, fontFamily=5, lineHeight=1.25, textAlign="center", verticalAlign="middle"
        )
WEAK = {"goals": "Predict clicks on ads.", "data": "Use the logs.", "model": "A neural network."}
WIDTHS = ((1440, 900), (390, 844))
# The page's own content (the header's phone layout is the other half of issue #18).
MAIN_OVERFLOW = """(() => { const m = document.getElementById('main');
  return Math.max(m.scrollWidth, m.getBoundingClientRect().right) - window.innerWidth; })()"""
# The innermost elements of the content that reach past the window's right edge.
WIDEST = """[...document.querySelectorAll('#main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
               && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 6).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
                        + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _graded(user, texts, board=None):
    attempt = make_attempt(user, Question.objects.get(slug="ad-click-prediction"), texts)
    if board:
        Whiteboard.objects.filter(attempt=attempt).update(scene=board, version=1)
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    return attempt


def _check(page: Page, url: str, name: str, *, board: bool = False) -> None:
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        if board:
            wait_for_board(page)
        overflow = page.evaluate(MAIN_OVERFLOW)
        assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px: " + str(
            page.evaluate(WIDEST)
        )
        assert serious_axe_violations(page) == [], f"{name} at {width} px"
        if folder := os.environ.get("REVIEW_SCREENSHOTS"):
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.locator("#main").screenshot(path=f"{folder}/{name}-{width}.png")
            _screenshot_parts(page, f"{folder}/{name}-{width}")


def _screenshot_parts(page: Page, stem: str, part: int = 1100) -> None:
    """The page in screen-sized pieces, readable one by one (a phone page is 4,000+ px tall)."""
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    for n, top in enumerate(range(0, height, part)):
        clip = {"x": 0, "y": top, "width": width, "height": min(part, height - top)}
        page.screenshot(path=f"{stem}-part{n}.png", full_page=True, clip=clip)


def test_review_pages_are_accessible_and_fit_a_phone(page: Page, live_server):
    bank_sync()
    user = make_user("e2e-reviewer")
    weak = _graded(user, WEAK)
    strong = _graded(user, STRONG_AD_ANSWER, AD_BOARD)
    log_in(page, live_server.url, user.username, PASSWORD)
    base = live_server.url

    _check(page, f"{base}/attempts/", "history")
    _check(page, f"{base}/attempts/{strong.pk}/results/", "results-strong", board=True)
    _check(page, f"{base}/attempts/{weak.pk}/results/", "results-weak", board=True)
    _check(page, f"{base}/progress/", "progress")
    _check(page, f"{base}/attempts/compare/?a={weak.pk}&b={strong.pk}", "compare")
    _check(page, f"{base}/attempts/{strong.pk}/replay/", "replay", board=True)


def test_results_lead_with_the_changes_and_open_their_stage(page: Page, live_server):
    bank_sync()
    user = make_user("e2e-improver")
    weak = _graded(user, WEAK, AD_BOARD)
    log_in(page, live_server.url, user.username, PASSWORD)
    page.goto(f"{live_server.url}/attempts/{weak.pk}/results/")

    changes = page.locator("#top-changes .change")
    expect(changes).to_have_count(3)
    for i in range(3):
        expect(changes.nth(i).locator(".change__example blockquote")).not_to_be_empty()
    expect(page.locator("[data-llm-off]")).not_to_contain_text("OPENAI_API_KEY")
    expect(page.locator("body")).not_to_contain_text("I0lomlOVPDTaS2LcszKKB")

    first = changes.first.locator("a.change__link")
    stage = first.get_attribute("data-open-stage")
    fold = page.locator(f"#{stage} > details")
    expect(fold).not_to_have_attribute("open", "")
    first.click()
    expect(fold).to_have_attribute("open", "")
    expect(page.locator(f"#{stage} .criterion").first).to_be_visible()
    # The board's stage opens with the board drawn and the checks beside it.
    page.locator("#stage-diagram > details").evaluate("(fold) => { fold.open = true; }")
    wait_for_board(page)
    expect(page.locator("#stage-diagram .check").first).to_be_visible()
    if folder := os.environ.get("REVIEW_SCREENSHOTS"):
        _screenshot_parts(page, f"{folder}/results-open-1280")
    outline = page.locator("#strong-outline")
    outline.locator("summary").click()
    expect(outline.locator(".outline__body ul li").first).to_be_visible()
    assert outline.locator(".outline__body ul").count() >= 6  # one list per stage heading
    # Everything unfolded passes axe too, and still fits a phone.
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert serious_axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(MAIN_OVERFLOW) <= 0, page.evaluate(WIDEST)
    assert serious_axe_violations(page) == []
