"""The question list filters as you type, and the list and a results page pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from interviews.models import Question
from interviews.services import attempt_submit
from rubric.services import bank_sync, grade_run
from tests.answers import STRONG_AD_ANSWER
from tests.browser import log_in, serious_axe_violations
from tests.factories import PASSWORD, make_attempt, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_question_list_filters_and_the_results_page_is_accessible(page: Page, live_server):
    bank_sync()
    user = make_user("e2e-reader")
    partial = {**STRONG_AD_ANSWER, "serving": "", "online": "todo"}
    attempt = make_attempt(user, Question.objects.get(slug="ad-click-prediction"), partial)
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    log_in(page, live_server.url, user.username, PASSWORD)

    cards = page.locator(".question-card")
    total = cards.count()
    assert total >= 30
    assert serious_axe_violations(page) == []
    page.get_by_placeholder("Search: ranking, fraud, LLM…").type("fraud")
    expect(cards).to_have_count(1)
    expect(page.locator(".filter-count")).to_have_text(f"1 of {total} questions")
    assert "q=fraud" in page.url  # the filters stay in the address, so back and reload keep them
    page.locator("select[name=difficulty]").select_option("easy")
    expect(page.get_by_text("No question matches")).to_be_visible()

    page.goto(f"{live_server.url}/attempts/{attempt.pk}/results/")
    expect(page.locator("[data-thin-stages]")).to_contain_text("Prediction service & deployment")
    expect(page.locator(".score-ring")).to_be_visible()
    assert serious_axe_violations(page) == []
