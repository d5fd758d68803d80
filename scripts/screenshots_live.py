"""Screenshots of a live interview from both sides: `python scripts/screenshots_live.py [BASE_URL]`.

Needs a running app with the demo account (`make run`). The demo account interviews a newcomer
who signs up from the invite link; PNGs go to screenshots/live-*.png.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_board  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "screenshots"
ANSWER = (
    "Goal: more revenue without hurting the feed. I would predict a calibrated click probability, "
    "because the auction ranks by bid times pCTR.\n\nQuestions: how many requests per second, "
    "and what latency budget does ranking get?"
)
DRAW = """async () => {
  const b = await window.chalktalkWhiteboard.ready;
  const box = (id, text, x, y) => ({type: "rectangle", id, x, y, width: 190, height: 70, label: {text}});
  const link = (from, to, x, y, w, h) => ({type: "arrow", x, y, width: w, height: h, start: {id: from}, end: {id: to}});
  b.api.updateScene({elements: b.toElements([
    box("logs", "Impression logs", 0, 0), box("join", "Click joiner", 0, 150), box("fs", "Feature store", 260, 150),
    link("logs", "join", 95, 70, 0, 80), link("join", "fs", 190, 185, 70, 0),
  ], {regenerateIds: false})});
  b.api.scrollToContent(undefined, {fitToContent: true});
}"""


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        lead = browser.new_context(viewport={"width": 1500, "height": 950}).new_page()
        seat = browser.new_context(viewport={"width": 1500, "height": 950}).new_page()

        lead.goto(BASE + "/accounts/login/")
        lead.fill("#id_username", "demo")
        lead.fill("#id_password", "practice-makes-perfect")
        lead.click("button[type=submit]")
        lead.goto(BASE + "/live/")
        lead.screenshot(path=OUT / "live-list.png", full_page=True)
        lead.get_by_role("button", name="Create the session").click()
        expect(lead.locator("[data-connection]")).to_have_text("Live")
        lead.screenshot(path=OUT / "live-lobby.png")
        invite = lead.locator("#invite-url").input_value()

        seat.goto(invite)  # logged out: the login page, with a way to sign up and come back
        seat.get_by_role("link", name="Create an account").click()
        seat.fill("#id_username", f"guest{int(time.time())}")
        seat.fill("#id_password1", "a-long-guest-password-42")
        seat.fill("#id_password2", "a-long-guest-password-42")
        seat.click("button[type=submit]")
        seat.screenshot(path=OUT / "live-join.png")
        seat.get_by_role("button", name="Join the interview").click()
        expect(lead.locator("#live-presence .is-here")).to_have_count(2, timeout=10_000)
        wait_for_board(lead)
        wait_for_board(seat)
        lead.get_by_role("button", name="Start the clock").click()
        seat.locator("[data-stage-text=goals]").fill(ANSWER)
        seat.evaluate(DRAW)
        lead.locator("[data-stage-panel=goals] [data-ladder-send]").first.click()
        lead.fill("#note-text", "Good framing; asked about QPS unprompted.")
        lead.get_by_role("button", name="Add note").click()
        row = lead.locator("[data-criterion=business-to-ml-objective]")
        row.locator("label", has_text="3").click()
        row.locator("input[name=comment]").fill("Tied revenue to pCTR at once")
        row.locator("input[name=comment]").press("Tab")
        expect(lead.locator("[data-live-text=goals]")).to_contain_text("auction", timeout=10_000)
        seat.wait_for_timeout(3000)
        lead.wait_for_timeout(1000)
        seat.screenshot(path=OUT / "live-candidate.png")
        lead.screenshot(path=OUT / "live-interviewer.png")
        lead.screenshot(path=OUT / "live-interviewer-full.png", full_page=True)

        lead.get_by_role("button", name="End interview").click()
        lead.screenshot(path=OUT / "live-end-dialog.png")
        lead.get_by_role("button", name="End and grade").click()
        lead.wait_for_url("**/review/")
        expect(lead.locator(".score-ring")).to_be_visible(timeout=20_000)
        lead.screenshot(path=OUT / "live-review.png", full_page=True)
        seat.wait_for_url("**/review/")
        expect(seat.locator(".score-ring")).to_be_visible(timeout=20_000)
        seat.screenshot(path=OUT / "live-review-candidate.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
