"""In headless Chromium: sign up, practise two stages, reload, submit and read the graded results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from interviews.models import StageResponse
from tests.browser import wait_for_board

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GOALS = (
    "The business goal is revenue without hurting the feed, so the model predicts a calibrated click "
    "probability because the auction ranks ads by bid times pCTR."
)
DATA = (
    "Labels come from joining impressions with clicks inside a 30 minute attribution window, and "
    "impressions without a click become negatives after we filter bot traffic."
)


@pytest.fixture
def loaded_bank(transactional_db):
    from rubric.services import bank_sync

    bank_sync()


def test_a_candidate_practises_reloads_submits_and_reads_the_grade(
    page: Page, live_server, loaded_bank, celery_worker
):
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )

    page.goto(live_server.url + "/accounts/signup/")
    page.fill("#id_username", "e2e-candidate")
    page.fill("#id_password1", "a-long-test-password-42")
    page.fill("#id_password2", "a-long-test-password-42")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Pick a question")).to_be_visible()

    page.locator("form[action*='ad-click-prediction'] button").click()
    # The question comes first, with the clock stopped; it starts when the candidate says so.
    expect(page.locator("#question-title")).to_have_text("Ad click prediction")
    expect(page.locator("[data-stage-text]")).to_have_count(0)
    page.locator("[data-start-clock]").click()
    expect(page.locator("[data-clock-value]")).to_have_text(re.compile(r"^4[45]:"))
    expect(page.locator("body[data-practice-ready]")).to_be_attached()  # its buttons are wired
    page.locator("[data-stage-text=goals]").type(GOALS[:40])
    page.locator("[data-stage-text=goals]").fill(GOALS)
    page.get_by_role("button", name="Next stage →").first.click()
    # Finishing a stage lets the interviewer ask a follow-up first; pressing again skips it.
    expect(page.locator("#follow-ups-goals .follow-up")).to_have_count(1, timeout=10_000)
    page.get_by_role("button", name="Next stage →").first.click()
    expect(page.locator("[data-stage-panel=data]")).to_be_visible()
    page.locator("[data-stage-text=data]").fill(DATA)
    expect(page.locator("[data-text-state]")).to_have_text(
        re.compile(r"Saved|All changes saved"), timeout=10_000
    )

    page.reload()
    expect(page.locator("[data-stage-text=goals]")).to_have_value(GOALS)
    expect(page.locator("[data-stage-text=data]")).to_have_value(DATA)
    assert StageResponse.objects.get(stage="data").text == DATA

    page.locator("[data-stage-button=goals]").click()
    goals_panel = page.locator("[data-stage-panel=goals]")
    expect(goals_panel.locator(".hints__list li")).to_have_count(0)
    goals_panel.locator("[data-next-hint]").click()
    expect(goals_panel.locator(".hints__list li")).to_have_count(1)
    expect(goals_panel.locator("[data-next-hint]")).to_contain_text("Show another hint")
    page.get_by_role("tab", name="Preview").first.click()
    expect(page.locator("#preview-goals")).to_contain_text("calibrated click probability")

    page.locator("[data-open-submit]").first.click()
    expect(page.locator("#submit-dialog")).to_be_visible()
    expect(page.locator("[data-submit-summary]")).to_contain_text("empty — scores 0")
    page.get_by_role("button", name="Submit and grade").click()

    expect(page.locator(".score-ring")).to_be_visible(timeout=20_000)
    expect(page.locator(".band")).to_have_text(re.compile("hire"))
    page.locator("#stage-data > details > summary").click()  # stages start folded
    data = page.locator("#stage-data")
    expect(data.locator(".quote").first).to_be_visible()
    expect(
        data.get_by_text("Labels come from joining impressions with clicks").first
    ).to_be_visible()
    assert outside == [], f"{len(outside)} requests left the machine, e.g. {outside[:3]}"


def test_typed_text_survives_a_dropped_connection(page: Page, live_server, loaded_bank, client):
    from django.contrib.auth.models import User

    from interviews.models import Question
    from tests.factories import make_attempt

    user = User.objects.create_user("offline", password="a-long-test-password-42")
    attempt = make_attempt(user, Question.objects.get(slug="fraud-detection"))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "offline")
    page.fill("#id_password", "a-long-test-password-42")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    wait_for_board(page)

    page.context.set_offline(True)
    page.locator("[data-stage-text=goals]").fill("Typed while the network was down.")
    expect(page.locator("[data-text-state]")).to_have_text(re.compile("Offline"), timeout=10_000)
    page.context.set_offline(False)
    expect(page.locator("[data-text-state]")).to_have_text(re.compile("Saved"), timeout=20_000)
    assert (
        StageResponse.objects.get(attempt=attempt, stage="goals").text
        == "Typed while the network was down."
    )

    # A copy that never reached the server is restored from local storage on the next visit.
    page.context.set_offline(True)
    page.locator("[data-stage-text=goals]").fill("Unsent second draft.")
    page.context.set_offline(False)
    page.route("**/stages/**", lambda route: route.abort())
    page.reload()
    expect(page.locator("[data-stage-text=goals]")).to_have_value("Unsent second draft.")
    page.unroute("**/stages/**")
    page.locator("[data-stage-text=goals]").press("End")
    page.locator("[data-stage-text=goals]").type(" More.")
    expect(page.locator("[data-text-state]")).to_have_text(re.compile("Saved"), timeout=20_000)
    assert (
        StageResponse.objects.get(attempt=attempt, stage="goals").text
        == "Unsent second draft. More."
    )
