"""In headless Chromium: the interviewer talks back.

Solo: finishing a stage asks a probe in the stage's thread; the reply is saved, counted by the
grade and shown in the replay. Live: the interviewer's room shows what the answer covers and asks
a gap's probe in one click. Both pages are checked with axe and photographed at 1440 and 390 px.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from interviews.models import FollowUp
from rubric.models import CriterionResult
from tests.browser import log_in, serious_axe_violations, start_question
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
GOALS = "We show ads in the feed and want more advertisers to spend with us."
REPLY = (
    "The business wants ad revenue without hurting the feed, so the ML objective is a calibrated "
    "click probability: the auction ranks by bid times pCTR, and we would guard hide rate."
)


@pytest.fixture
def contexts(browser: Browser):
    opened = []
    yield opened
    for context in opened:
        context.close()


def person(browser: Browser, base: str, username: str, contexts: list) -> Page:
    User.objects.create_user(username, password=PASSWORD)
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    contexts.append(context)
    page = context.new_page()
    log_in(page, base, username, PASSWORD)
    return page


def photograph(page: Page, name: str, focus: str) -> None:
    """The viewport at both widths, scrolled to `focus` (the part this feature adds)."""
    SHOTS.mkdir(exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 1000 if width > 390 else 844})
        page.wait_for_timeout(200)
        page.locator(focus).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1440, "height": 1000})


def test_a_solo_follow_up_is_asked_answered_graded_and_replayed(
    browser: Browser, asgi_server, celery_worker, contexts
):
    from rubric.services import bank_sync

    bank_sync()
    page = person(browser, asgi_server, "solo", contexts)
    start_question(page, "ad-click-prediction")
    page.wait_for_load_state()  # the page's scripts listen before the candidate types
    page.locator("[data-stage-text=goals]").fill(GOALS)
    next_stage = page.locator("[data-stage-panel=goals]").get_by_role("button", name="Next stage →")
    next_stage.click()
    # The interviewer asks before the candidate moves on; the stage stays open.
    question = page.locator("#follow-ups-goals .follow-up__text")
    expect(question).to_have_count(1, timeout=10_000)
    expect(page.locator("[data-stage-panel=goals]")).to_be_visible()
    expect(page.locator("#follow-ups-goals textarea")).to_be_focused()
    page.locator("#follow-ups-goals textarea").fill(REPLY)
    page.locator("#follow-ups-goals").get_by_role("button", name="Save reply").click()
    expect(page.locator("#follow-ups-goals")).to_contain_text("Saved · graded with this stage")
    assert serious_axe_violations(page) == []
    photograph(page, "practice-follow-up", "#follow-ups-goals")
    next_stage.click()  # pressing again moves on
    expect(page.locator("[data-stage-panel=data]")).to_be_visible()

    follow = FollowUp.objects.get()
    assert follow.reply == REPLY and follow.stage == "goals"
    page.locator("[data-open-submit]").first.click()
    page.locator("[data-confirm-submit]").click()
    expect(page.locator("body")).to_contain_text("After a follow-up", timeout=20_000)
    page.locator("#stage-goals > details > summary").click()  # stages start folded
    goals = page.locator("#stage-goals")
    expect(goals.get_by_text(re.compile("calibrated.*click probability")).first).to_be_visible()
    quotes = [
        q for r in CriterionResult.objects.filter(grade__attempt=follow.attempt) for q in r.evidence
    ]
    assert any("calibrated" in json.dumps(q) for q in quotes), "the grade counts the reply"

    page.goto(f"{asgi_server}/attempts/{follow.attempt_id}/replay/")
    exchange = page.locator("[data-replay-stage=goals] [data-replay-exchanges] .follow-up")
    expect(exchange).to_have_count(0)  # at 0:00 nothing was asked yet
    page.locator("[data-scrub]").evaluate(
        "(el) => { el.value = el.max; el.dispatchEvent(new Event('input')); }"
    )
    expect(exchange).to_have_count(1)
    expect(exchange).to_contain_text(follow.question[:40])
    expect(exchange).to_contain_text("calibrated click probability")
    assert serious_axe_violations(page) == []


def test_the_interviewer_sees_coverage_and_asks_a_probe_in_one_click(
    browser: Browser, asgi_server, contexts
):
    from interviews.services import stage_text_save
    from live import services
    from rubric.services import bank_sync

    bank_sync()
    lead = person(browser, asgi_server, "lead", contexts)
    seat = person(browser, asgi_server, "seat", contexts)
    lead.goto(asgi_server + "/live/")
    lead.select_option("#live-question", "ad-click-prediction")
    lead.get_by_role("button", name="Create the session").click()
    invite = lead.locator("#invite-url").input_value()
    seat.goto(invite)
    seat.get_by_role("button", name="Join the interview").click()
    expect(seat.locator("[data-connection]")).to_have_text("Live")
    session = services.LiveSession.objects.get()
    stage_text_save(attempt_id=session.attempt_id, user=session.candidate, stage="goals",
                    text=REPLY, version=0)  # fmt: skip
    lead.reload()
    expect(lead.locator("[data-connection]")).to_have_text("Live")
    panel = lead.locator("#coverage-goals")
    expect(panel.locator(".coverage__item").first).to_be_visible(timeout=10_000)
    levels = panel.locator("[data-coverage]").evaluate_all(
        "(items) => items.map((i) => i.dataset.level)"
    )
    assert any(level != "0" for level in levels), "the saved answer covers something already"
    probe = panel.locator("[data-probe-send]").first
    probe.click()
    expect(panel.locator(".coverage__asked li")).to_have_count(1)
    expect(seat.locator("#follow-ups-goals .follow-up")).to_have_count(1)
    photograph(seat, "live-candidate-question", "#follow-ups-goals")
    # The candidate's written reply shows in the interviewer's panel without another save.
    expect(panel.locator(".coverage__asked")).to_contain_text("No written reply yet.")
    seat.locator("#follow-ups-goals textarea").fill("Clicks within 30 minutes count as positives.")
    seat.locator("#follow-ups-goals").get_by_role("button", name="Save reply").click()
    expect(panel.locator(".coverage__asked")).to_contain_text(
        "Clicks within 30 minutes count as positives.", timeout=5_000
    )
    assert serious_axe_violations(lead) == []
    photograph(lead, "live-coverage", "#coverage-goals")


def test_realistic_mode_delivers_the_curveball_once_at_its_minute(
    browser: Browser, asgi_server, contexts
):
    from django.utils import timezone

    from interviews.models import Attempt
    from rubric.services import bank_sync

    bank_sync()
    page = person(browser, asgi_server, "realist", contexts)
    card = page.locator("form[action*='ad-click-prediction']")
    card.get_by_label("Realistic mode").check()
    card.get_by_role("button").click()
    page.locator("[data-start-clock]").click()
    page.wait_for_load_state()
    attempt = Attempt.objects.get()
    assert attempt.realistic
    expect(page.locator("[data-curveball-banner]")).to_have_count(0)
    # 26 minutes into the interview clock (the curveball's minute is 25): the page asks, the
    # server agrees.
    Attempt.objects.filter(pk=attempt.pk).update(
        clock_seconds=26 * 60, clock_running_since=timezone.now()
    )
    page.goto(f"{asgi_server}/attempts/{attempt.pk}/?stage=model")
    banner = page.locator("[data-curveball-banner]")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("privacy change")
    expect(page.locator("#follow-ups-model .follow-up--curveball")).to_have_count(1)
    assert serious_axe_violations(page) == []
    photograph(page, "practice-curveball", "[data-curveball-banner]")
    page.reload()
    page.wait_for_timeout(1500)
    expect(page.locator("[data-curveball-banner]")).to_have_count(0)  # once
    assert attempt.follow_ups.count() == 1
