"""Realistic mode: the question's curveball arrives once at its minute, and a criterion grades
how the reply adapts — only for attempts where it was delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from interviews.models import Attempt, FollowUp
from interviews.services import attempt_submit
from rubric.curveball import CRITERION_ID, curveball_criterion
from rubric.models import CriterionResult
from rubric.schema import Curveball
from rubric.services import grade_run
from tests.factories import make_attempt

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ADAPTS = (
    "Without cross-app ids we move to first-party and contextual features, because third-party "
    "identifiers are gone. Conversions arrive days late, so we model the delay and train on "
    "aggregated conversions; we recalibrate per segment since base rates shift."
)


def start_realistic(client, question) -> Attempt:
    """A realistic-mode attempt, its clock started from the preview."""
    response = client.post(reverse("attempt_create", args=[question.slug]), {"realistic": "1"})
    assert response.status_code == 302
    attempt = Attempt.objects.latest("pk")
    client.post(reverse("attempt_clock", args=[attempt.pk]), {"action": "start"})
    return Attempt.objects.get(pk=attempt.pk)


def test_the_curveball_comes_once_at_its_minute_in_the_current_stage(candidate_client, ad_question):
    attempt = start_realistic(candidate_client, ad_question)
    assert attempt.realistic
    page = candidate_client.get(reverse("attempt_practice", args=[attempt.pk]))
    state = page.context["client_state"]
    # The bank's at_minute for this question is 25, on the interview clock (just started).
    assert 25 * 60 - 5 < state["curveball"]["dueInSeconds"] <= 25 * 60
    url = reverse("curveball", args=[attempt.pk])
    early = candidate_client.post(url, {"stage": "model"}, headers=HTMX)
    assert early.status_code == 204 and not attempt.follow_ups.exists(), (
        "the server checks the minute"
    )
    # An hour of wall time in the preview or paused is not interview time.
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=attempt.started_at - timedelta(hours=1),
        clock_seconds=24 * 60,
        clock_running_since=None,
    )
    assert candidate_client.post(url, {"stage": "model"}, headers=HTMX).status_code == 204
    Attempt.objects.filter(pk=attempt.pk).update(clock_seconds=26 * 60)  # resumed later, past it
    assert candidate_client.post(url, {"stage": "nope"}).status_code == 400
    delivered = candidate_client.post(url, {"stage": "model"}, headers=HTMX)
    assert delivered.status_code == 200 and b"Change of requirements" in delivered.content
    follow = FollowUp.objects.get(attempt=attempt)
    assert follow.is_curveball and follow.stage == "model" and "privacy" in follow.question
    assert candidate_client.post(url, {"stage": "data"}).status_code == 204, "once"
    page = candidate_client.get(reverse("attempt_practice", args=[attempt.pk]))
    assert page.context["client_state"]["curveball"] is None
    # A curveball is not one of the stage's two probes.
    assert page.context["stages"][3]["follow_ups_left"] == FollowUp.MAX_PER_STAGE


def test_no_curveball_without_realistic_mode_nor_for_someone_else(
    candidate_client, candidate, other_candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=attempt.started_at - timedelta(hours=1))
    url = reverse("curveball", args=[attempt.pk])
    assert candidate_client.post(url, {"stage": "model"}).status_code == 204
    assert not attempt.follow_ups.exists()
    realistic = start_realistic(candidate_client, ad_question)
    stranger = Client()
    stranger.force_login(other_candidate)
    assert (
        stranger.post(reverse("curveball", args=[realistic.pk]), {"stage": "goals"}).status_code
        == 404
    )
    assert (
        candidate_client.post(
            reverse("attempt_create", args=[ad_question.slug]), {"realistic": "yes<script>"}
        ).status_code
        == 302
    )
    assert not Attempt.objects.latest("pk").realistic


def test_adapting_is_graded_only_where_the_curveball_was_delivered(candidate, ad_question):
    plain = make_attempt(candidate, ad_question, {"model": ADAPTS})
    grade = grade_run(grade_id=attempt_submit(attempt=plain).pk)
    assert not CriterionResult.objects.filter(grade=grade, criterion_key=CRITERION_ID).exists()

    scores = {}
    for reply in (ADAPTS, "I would keep the design as it is."):
        attempt = make_attempt(candidate, ad_question, {"model": "A two-tower model."})
        FollowUp.objects.create(
            attempt=attempt, stage="model", criterion_key=FollowUp.CURVEBALL,
            question="privacy change", reply=reply,
        )  # fmt: skip
        grade = grade_run(grade_id=attempt_submit(attempt=attempt).pk)
        result = CriterionResult.objects.get(grade=grade, criterion_key=CRITERION_ID)
        scores[reply[:5]] = result.level
        assert result.stage == "model" and result.title.startswith("Adapts")
    assert scores["Witho"] >= 2 and scores["I wou"] == 0


def test_the_criterion_is_built_from_any_strong_response():
    curveball = Curveball(
        at_minute=20,
        change="A regulator wants every decision explained.",
        strong_response=(
            "A strong candidate adds per-decision explanations with feature attributions, keeps an "
            "audit log of model versions, and accepts a simpler model where explanations must be exact."
        ),
    )
    spec = curveball_criterion(curveball, "serving")
    assert spec.stage == "serving" and spec.kind == "concept" and spec.min_concepts == 2
    assert any("feature attributions" in c.terms for c in spec.concepts)
    assert all(not c.name.lower().startswith("a strong candidate") for c in spec.concepts)
