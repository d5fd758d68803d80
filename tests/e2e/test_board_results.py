"""In headless Chromium: the results board shows what each box was read as (role chips), every
diagram check explains itself, and correcting an unrecognised box regrades the attempt."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from interviews.models import Question, Whiteboard
from tests.browser import log_in, wait_for_board
from tests.factories import PASSWORD, make_attempt
from tests.scenes import arrow, box, scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOARD = scene(
    box("api", "Feed API", 0, 0),
    box("rank", "Multi-task Ranker (MMoE)", 300, 0),
    box("log", "Event Log (Kafka)", 600, 0),
    box("cosmo", "Cosmo", 300, 250),
    box("train", "Trainer", 600, 250),
    arrow("1", (160, 30), (300, 30), source="api", target="rank"),
    arrow("2", (460, 30), (600, 30), source="rank", target="log", label="impressions"),
    arrow("3", (380, 250), (380, 60), source="cosmo", target="rank"),
    arrow("4", (460, 280), (600, 280), source="cosmo", target="train"),
    arrow("5", (680, 60), (680, 250), source="log", target="train"),
)


@pytest.fixture
def graded_attempt(page: Page, live_server, transactional_db):
    from interviews.services import attempt_submit
    from rubric.services import bank_sync, grade_run

    bank_sync()
    user = User.objects.create_user("boarder", password=PASSWORD)
    attempt = make_attempt(
        user, Question.objects.get(slug="news-feed-ranking"), {"goals": "Engagement."}
    )
    Whiteboard.objects.filter(attempt=attempt).update(scene=BOARD, version=1)
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    log_in(page, live_server.url, "boarder", PASSWORD)
    return attempt


def test_role_chips_explanations_and_a_correction_that_regrades(
    page: Page, live_server, graded_attempt
):
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/attempts/{graded_attempt.pk}/results/")
    wait_for_board(page)
    page.locator("#stage-diagram > details > summary").click()  # stages start folded

    read = page.locator("#board-read")
    boxes = read.locator("ul.components li")
    ranker = boxes.filter(has_text="Multi-task Ranker (MMoE)")
    expect(ranker.locator(".role-chip")).to_have_text(["Ranking", "Model serving"])
    expect(boxes.filter(has_text="Event Log (Kafka)").locator(".role-chip")).to_have_text(
        ["Logging", "Event stream"]
    )
    expect(read).to_contain_text("Not recognised (1)")

    diagram = page.locator("#stage-diagram")
    shared = diagram.locator(
        ".criterion", has_text="One feature store feeds both training and serving"
    )
    expect(shared.locator(".check.is-missing")).to_contain_text(
        "no box on your board is a feature store"
    )
    expect(diagram).to_contain_text("your “Multi-task Ranker (MMoE)” serves predictions")
    expect(diagram).not_to_contain_text("(rank)")
    score_before = int(page.locator(".score-ring__value").inner_text())

    # "Show on board" zooms the read-only board to what a check used.
    diagram.locator("[data-show-on-board]").first.click()

    cosmo = boxes.filter(has_text="Cosmo")
    cosmo.get_by_label("What is “Cosmo”?").select_option("feature-store")
    cosmo.get_by_role("button", name="Regrade").click()

    expect(page.locator(".messages")).to_contain_text(re.compile(r"Grade recomputed: \d+ → \d+"))
    expect(page.locator("#board-read ul.components li", has_text="Cosmo")).to_contain_text(
        "you said: feature store"
    )
    expect(shared.locator(".check.is-met")).to_contain_text("“Cosmo” feeds")
    assert int(page.locator(".score-ring__value").inner_text()) > score_before
    assert outside == [], f"{len(outside)} requests left the machine, e.g. {outside[:3]}"
