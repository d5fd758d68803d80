"""Take screenshots of every page for a visual check: `python scripts/screenshots.py [BASE_URL]`.

Logs in as the demo account, walks the solo practice loop and writes PNGs to screenshots/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_board  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "screenshots"
DRAW_BOARD = """async () => {
  const b = await window.chalktalkWhiteboard.ready;
  const box = (id, text, x, y) => ({type: "rectangle", id, x, y, width: 190, height: 70, label: {text}});
  const link = (from, to, x, y, w, h) => ({type: "arrow", x, y, width: w, height: h, start: {id: from}, end: {id: to}});
  b.api.updateScene({elements: b.toElements([
    box("logs", "Impression logs", 0, 0), box("join", "Online joiner", 0, 150), box("train", "Trainer", 0, 300),
    box("fs", "Feature store", 260, 150), box("serve", "Prediction service", 260, 300), box("mon", "Monitoring", 260, 450),
    link("logs", "join", 95, 70, 0, 80), link("join", "train", 95, 220, 0, 80), link("train", "serve", 190, 335, 70, 0),
    link("fs", "serve", 355, 220, 0, 80), link("serve", "mon", 355, 370, 0, 80),
  ])});
  b.api.scrollToContent(undefined, {fitToContent: true});
  await b.flush();
}"""


def section_shot(page, selector: str, name: str) -> None:
    """A 1300-pixel-tall picture of the page starting just above `selector`."""
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    top = page.evaluate(
        f"document.querySelector('{selector}').getBoundingClientRect().top + window.scrollY"
    )
    clip = {"x": 0, "y": top - 20, "width": 1366, "height": 1300}
    page.screenshot(path=OUT / f"{name}.png", full_page=True, clip=clip)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})

        def shot(name: str, full: bool = True) -> None:
            page.screenshot(path=OUT / f"{name}.png", full_page=full)

        page.goto(BASE + "/")
        shot("landing")
        page.goto(BASE + "/accounts/signup/")
        shot("signup")
        page.goto(BASE + "/accounts/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "wrong")
        page.click("button[type=submit]")
        shot("login-error")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "practice-makes-perfect")
        page.click("button[type=submit]")
        page.wait_for_url("**/questions/")
        shot("questions")
        page.goto(BASE + "/attempts/")
        shot("attempts")
        page.goto(BASE + "/questions/")
        page.locator("form[action*='ad-click-prediction'] button").click()
        page.wait_for_url("**/attempts/*/")
        shot("question-preview")
        page.locator("[data-start-clock]").click()
        page.wait_for_selector("[data-stage-text]")
        page.fill(
            "[data-stage-text=goals]",
            "We need **calibrated** pCTR because the auction ranks by bid times pCTR.\n\n- 4K QPS\n- 150 ms latency",
        )
        wait_for_board(page)
        page.evaluate(DRAW_BOARD)
        time.sleep(1.5)
        shot("practice", full=False)
        page.click("[data-stage-panel=goals] [data-tab=preview]")
        time.sleep(0.5)
        shot("practice-preview", full=False)
        page.click("[data-open-submit]")
        time.sleep(0.3)
        shot("submit-dialog", full=False)
        page.click("[data-confirm-submit]")
        page.wait_for_url("**/results/")
        page.wait_for_selector(".score-ring", timeout=15000)
        shot("results", full=False)
        section_shot(page, "#stage-diagram", "results-diagram")
        section_shot(page, "#stage-goals", "results-stage")
        browser.close()


if __name__ == "__main__":
    main()
