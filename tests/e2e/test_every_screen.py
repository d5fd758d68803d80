"""Every page, on a 390 px phone and at 1440 px: nothing scrolls sideways and axe-core finds no
critical or serious violation (the whiteboard included). Also the phone's folded header menu."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, expect

from interviews.models import Attempt, Question
from interviews.services import attempt_start, attempt_submit
from live import services as live
from rubric.services import bank_sync, grade_run
from tests.answers import STRONG_AD_ANSWER
from tests.browser import log_in, serious_axe_violations, wait_for_board
from tests.factories import PASSWORD, make_attempt, make_user
from tests.live_helpers import seated_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def graded(user, question, texts) -> Attempt:
    attempt = make_attempt(user, question, texts)
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    return attempt


@pytest.fixture
def world():
    """A candidate with history, drafts and a live interview (one running, one reviewed).

    The results and progress pages are checked by their own tests (test_question_list_and_results).
    """
    bank_sync()
    ad = Question.objects.get(slug="ad-click-prediction")
    user = make_user("everyone")
    lead = make_user("lead")
    make_user("joiner")
    first = graded(user, ad, {**STRONG_AD_ANSWER, "serving": ""})
    second = graded(user, ad, STRONG_AD_ANSWER)
    draft = make_attempt(user, ad, {"goals": "Calibrated pCTR for the auction."})
    preview = attempt_start(
        user=user, question=Question.objects.get(slug="fraud-detection"), preview=True
    )
    running = seated_session(lead, user, ad)
    ended = seated_session(lead, user, ad)
    live.session_end(session_id=ended.pk)
    grade_run(grade_id=Attempt.objects.get(pk=ended.attempt_id).grade.pk)
    invite = live.live_session_create(interviewer=lead, question=ad)
    return {
        "user": user,
        "lead": lead,
        "candidate_pages": {
            "questions": "/questions/",
            "attempts": "/attempts/",
            "account": "/accounts/",
            "live list": "/live/",
            "replay": f"/attempts/{second.pk}/replay/",
            "compare": f"/attempts/compare/?a={first.pk}&b={second.pk}",
            "preview": f"/attempts/{preview.pk}/",
            "practice": f"/attempts/{draft.pk}/",
            "live candidate": f"/live/{running.pk}/",
            "live review": f"/live/{ended.pk}/review/",
        },
        "lead_pages": {"interviewer": f"/live/{running.pk}/"},
        "joiner_pages": {"join": f"/live/join/{invite.invite_token}/"},
    }


BOARD_PAGES = {"practice", "live candidate", "interviewer", "replay"}


def sweep(browser: Browser, base: str, username: str, pages: dict, viewport: dict) -> list:
    """Visit each page; return the problems found (sideways scrolling, axe violations)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = []
    try:
        log_in(page, base, username, PASSWORD)
        for name, path in pages.items():
            page.goto(base + path)
            if name in BOARD_PAGES:
                wait_for_board(page)
                page.wait_for_timeout(300)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                problems.append((name, viewport["width"], f"page is {width} px wide"))
            for violation in serious_axe_violations(page):
                problems.append((name, viewport["width"], violation))
    finally:
        context.close()
    return problems


def test_every_page_fits_a_phone_and_a_desktop_and_passes_axe(browser: Browser, asgi_server, world):
    problems = []
    for viewport in (PHONE, DESKTOP):
        anonymous = browser.new_context(viewport=viewport)
        page = anonymous.new_page()
        for path in ("/", "/accounts/login/", "/accounts/signup/"):
            page.goto(asgi_server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                problems.append((path, viewport["width"], f"page is {width} px wide"))
            problems += [(path, viewport["width"], v) for v in serious_axe_violations(page)]
        anonymous.close()
        problems += sweep(browser, asgi_server, "everyone", world["candidate_pages"], viewport)
        problems += sweep(browser, asgi_server, "lead", world["lead_pages"], viewport)
        problems += sweep(browser, asgi_server, "joiner", world["joiner_pages"], viewport)
    assert problems == [], "\n".join(map(str, problems))


def test_the_phone_header_folds_its_links_behind_a_menu_button(page, asgi_server, world):
    page.set_viewport_size(PHONE)
    log_in(page, asgi_server, "everyone", PASSWORD)
    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Main")
    expect(links).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.get_by_role("link", name="Progress")).to_be_visible()
    page.keyboard.press("Escape")
    expect(links).to_be_hidden()
    expect(menu).to_be_focused()
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_hidden()
    expect(links.get_by_role("link", name="Progress")).to_be_visible()


def test_the_login_header_keeps_an_invite_through_sign_up(page, asgi_server, world):
    invite = live.live_session_create(
        interviewer=world["lead"], question=Question.objects.get(slug="ad-click-prediction")
    )
    page.goto(asgi_server + f"/live/join/{invite.invite_token}/")
    page.wait_for_url("**/accounts/login/**")
    page.locator(".topbar").get_by_role("link", name="Sign up").click()
    page.fill("#id_username", "newcomer")
    page.fill("#id_password1", "a-long-test-password-42")
    page.fill("#id_password2", "a-long-test-password-42")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/live/join/{invite.invite_token}/")
    assert User.objects.filter(username="newcomer").exists()
