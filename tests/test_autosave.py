"""Autosave: versioned writes, clear errors, and nothing saved is ever lost."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from interviews.models import Attempt, StageResponse
from tests.factories import make_attempt


@pytest.fixture
def attempt(candidate, ad_question):
    return make_attempt(candidate, ad_question)


def save(client, attempt, stage="goals", **body):
    return client.post(
        reverse("stage_save", args=[attempt.pk, stage]),
        data=json.dumps(body),
        content_type="application/json",
    )


def stored(attempt, stage="goals") -> StageResponse:
    return StageResponse.objects.get(attempt=attempt, stage=stage)


def test_it_saves_and_bumps_the_version(candidate_client, attempt):
    response = save(candidate_client, attempt, text="First thoughts", version=0)
    assert response.status_code == 200
    assert response.json() == {"version": 1}
    assert (stored(attempt).text, stored(attempt).version) == ("First thoughts", 1)


def test_it_rejects_a_stale_version_with_the_current_text(candidate_client, attempt):
    save(candidate_client, attempt, text="from tab A", version=0)
    response = save(candidate_client, attempt, text="from tab B", version=0)
    assert response.status_code == 409
    assert response.json()["text"] == "from tab A"
    assert response.json()["version"] == 1
    assert stored(attempt).text == "from tab A", "a stale write never overwrites newer text"


def test_text_over_the_limit_is_refused_and_the_saved_text_stays(candidate_client, attempt):
    save(candidate_client, attempt, text="keep me", version=0)
    response = save(candidate_client, attempt, text="x" * 20_001, version=1)
    assert response.status_code == 413
    assert "20,000 characters" in response.json()["error"]
    assert stored(attempt).text == "keep me"


def test_exactly_the_limit_is_accepted(candidate_client, attempt):
    assert save(candidate_client, attempt, text="é" * 20_000, version=0).status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'"text"', json.dumps({"text": 5, "version": 0}).encode(),
     json.dumps({"text": "x", "version": -1}).encode(), json.dumps({"text": "x", "version": "0"}).encode(),
     json.dumps({"text": "x", "version": True}).encode(), json.dumps({"text": "x"}).encode(), b"\xff\xfe"],
)  # fmt: skip
def test_malformed_bodies_get_400_and_change_nothing(candidate_client, attempt, body):
    response = candidate_client.post(
        reverse("stage_save", args=[attempt.pk, "goals"]),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert stored(attempt).version == 0


def test_an_unknown_stage_is_404(candidate_client, attempt):
    assert save(candidate_client, attempt, stage="vibes", text="x", version=0).status_code == 404


def test_a_submitted_attempt_cannot_be_edited(candidate_client, attempt):
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED)
    response = save(candidate_client, attempt, text="late edit", version=0)
    assert response.status_code == 409
    assert response.json()["locked"] is True
    assert stored(attempt).text == ""


def test_another_candidate_gets_404_and_changes_nothing(client, other_candidate, attempt):
    client.force_login(other_candidate)
    assert save(client, attempt, text="hijack", version=0).status_code == 404
    assert stored(attempt).text == ""


def test_a_signed_out_script_gets_401_json(client, attempt):
    response = save(client, attempt, text="x", version=0)
    assert response.status_code == 401
    assert "Log in again" in response.json()["error"]


def test_csrf_is_enforced_on_autosave(attempt, candidate):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(candidate)
    assert save(strict, attempt, text="x", version=0).status_code == 403


def test_time_is_added_per_stage_with_a_cap(candidate_client, attempt):
    url = reverse("stage_time", args=[attempt.pk])

    def post(body):
        return candidate_client.post(url, data=json.dumps(body), content_type="application/json")  # noqa: E731

    assert post({"stage": "data", "seconds": 15, "current": "data"}).status_code == 204
    assert post({"stage": "data", "seconds": 100000}).status_code == 204
    assert stored(attempt, "data").seconds_spent == 15 + 120
    attempt.refresh_from_db()
    assert attempt.current_stage == "data"
    assert post({"stage": "data", "seconds": -5}).status_code == 400
    assert post({"stage": "nope", "seconds": 5}).status_code == 400
    assert post({"stage": "data", "seconds": 5, "current": "<script>"}).status_code == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"text": "a\\u0000b", "version": 0}', "NUL"),
        (b'{"text": "broken \\ud800 emoji", "version": 0}', "cannot be stored"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_text_the_database_cannot_hold_gets_400_not_500(candidate_client, attempt, body, message):
    response = candidate_client.post(
        reverse("stage_save", args=[attempt.pk, "goals"]),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert stored(attempt).version == 0


def test_a_real_emoji_is_fine(candidate_client, attempt):
    assert (
        save(candidate_client, attempt, text="Ship it 🚀 — naïve Bayes", version=0).status_code
        == 200
    )
    assert stored(attempt).text == "Ship it 🚀 — naïve Bayes"


def test_a_save_that_raced_a_submit_is_refused_once_the_submit_commits(candidate_client, attempt):
    """A submit bumps every version under a row lock, so the racing save matches nothing."""
    from interviews.services import attempt_submit

    save(candidate_client, attempt, text="before submit", version=0)
    attempt_submit(attempt=attempt)
    # The save carries the version it last saw, from before the submit.
    response = save(candidate_client, attempt, text="sneaked in", version=1)
    assert response.status_code == 409 and response.json()["locked"] is True
    assert stored(attempt).text == "before submit"
