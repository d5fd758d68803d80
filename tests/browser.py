"""Helpers for driving Debian's headless Chromium with Playwright (tests, scripts, benchmarks)."""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = "/usr/lib/chromium/chromium"
# Without the background-networking flags Chromium calls home, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
BOARD_READY = "window.chalktalkWhiteboard && window.chalktalkWhiteboard.api !== null"


def log_in(page, base: str, username: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/questions/")


def start_question(page, slug: str) -> None:
    """From the question list: start `slug`, read its preview, start the clock."""
    page.locator(f"form[action$='/questions/{slug}/start/'] button").click()
    page.locator("[data-start-clock]").click()
    page.wait_for_selector("[data-stage-text]")


def wait_until(page, expression: str, timeout: float = 20.0) -> None:
    """Poll a JavaScript expression until it is truthy.

    `page.wait_for_function` compiles its predicate with eval inside the page, which the
    Content Security Policy forbids (as it should); `page.evaluate` runs outside it.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


def wait_for_board(page) -> None:
    wait_until(page, BOARD_READY)
    page.evaluate("window.chalktalkWhiteboard.ready.then(() => true)")


AXE = (
    Path(__file__).resolve().parent.parent
    / "static"
    / "whiteboard"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)


def serious_axe_violations(page) -> list[dict]:
    """axe-core's critical and serious WCAG 2 A/AA violations on the page as it is now.

    axe is evaluated from outside the page (like `wait_until`), so the Content Security Policy,
    which forbids inline scripts, stays on.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}))
            .violations.filter(v => ["critical", "serious"].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )
