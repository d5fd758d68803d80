"""Take screenshots of every page for a visual check: `python scripts/screenshots.py [BASE_URL]`.

Logs in as the demo account, walks the solo practice loop and writes PNGs to screenshots/.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/lib/chromium/chromium", args=CHROMIUM_ARGS
        )
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
        page.fill(
            "[data-stage-text=goals]",
            "We need **calibrated** pCTR because the auction ranks by bid times pCTR.\n\n- 4K QPS\n- 150 ms latency",
        )
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
        shot("results")
        browser.close()


if __name__ == "__main__":
    main()
