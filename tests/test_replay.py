"""Replay: throttled text history, final snapshots at submit, and the timeline page."""

from __future__ import annotations

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from interviews.models import StageResponse, StageTextSnapshot
from interviews.replay import replay_timeline
from interviews.services import attempt_submit
from tests.factories import make_attempt
from tests.scenes import box, scene


def save(client, attempt, stage, text, version):
    return client.post(reverse("stage_save", args=[attempt.pk, stage]),
                       data=json.dumps({"text": text, "version": version}), content_type="application/json")  # fmt: skip


def test_text_history_is_throttled_per_stage(candidate_client, candidate, ad_question):
    attempt = make_attempt(candidate, ad_question)
    for version, text in enumerate(["a", "ab", "abc"]):
        save(candidate_client, attempt, "goals", text, version)
    assert list(StageTextSnapshot.objects.values_list("stage", "text")) == [("goals", "a")]
    StageResponse.objects.filter(attempt=attempt, stage="goals").update(
        snapshot_at=timezone.now() - timedelta(seconds=21)
    )
    save(candidate_client, attempt, "goals", "abcd", 3)
    save(candidate_client, attempt, "data", "labels", 0)
    assert list(StageTextSnapshot.objects.values_list("stage", "text")) == [
        ("goals", "a"),
        ("goals", "abcd"),
        ("data", "labels"),
    ]


def test_submit_records_the_final_state_and_the_timeline_ends_on_it(
    candidate_client, candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question)
    save(candidate_client, attempt, "goals", "first", 0)
    save(candidate_client, attempt, "goals", "first draft, final words", 1)
    candidate_client.post(reverse("whiteboard_save", args=[attempt.pk]),
                          data=json.dumps({"scene": scene(box("a", "Trainer", 0, 0)), "version": 0}),
                          content_type="application/json")  # fmt: skip
    attempt_submit(attempt=attempt)
    timeline = replay_timeline(attempt)
    texts = [e["text"] for e in timeline["events"] if e["kind"] == "text" and e["stage"] == "goals"]
    assert texts[0] == "first" and texts[-1] == "first draft, final words"
    boards = [e for e in timeline["events"] if e["kind"] == "board"]
    assert boards and boards[0]["keyframe"]
    assert timeline["markers"][0]["stage"] == "goals"
    assert all(
        a["t"] <= b["t"] for a, b in zip(timeline["events"], timeline["events"][1:], strict=False)
    )


def test_the_replay_page_is_the_owners_and_escapes_text(
    client, candidate, other_candidate, ad_question
):
    attempt = make_attempt(candidate, ad_question)
    client.force_login(candidate)
    save(client, attempt, "goals", "</script><script>alert(1)</script>", 0)
    page = client.get(reverse("attempt_replay", args=[attempt.pk])).content.decode()
    assert 'id="replay-timeline"' in page and "<script>alert(1)</script>" not in page
    client.force_login(other_candidate)
    assert client.get(reverse("attempt_replay", args=[attempt.pk])).status_code == 404


def test_an_attempt_without_history_says_so(candidate_client, candidate, ad_question):
    attempt = make_attempt(candidate, ad_question)
    assert (
        b"Nothing to replay yet"
        in candidate_client.get(reverse("attempt_replay", args=[attempt.pk])).content
    )


def test_hints_are_revealed_in_order_recorded_and_marked_on_the_timeline(
    client, candidate, other_candidate, ad_question
):
    from interviews.models import HintUse

    attempt = make_attempt(candidate, ad_question)
    url = reverse("hint_reveal", args=[attempt.pk, "goals"])
    client.force_login(other_candidate)
    assert client.post(url).status_code == 404
    client.force_login(candidate)
    page = client.get(reverse("attempt_practice", args=[attempt.pk])).content.decode()
    assert ad_question.hints["goals"][0] not in page, "unrevealed hints are not sent to the browser"
    total = len(ad_question.hints["goals"])
    for index in range(total):
        body = client.post(url).json()
        assert body == {
            "index": index,
            "hint": ad_question.hints["goals"][index],
            "left": total - index - 1,
        }
    assert client.post(url).status_code == 404
    assert HintUse.objects.filter(attempt=attempt).count() == total
    assert (
        ad_question.hints["goals"][0]
        in client.get(reverse("attempt_practice", args=[attempt.pk])).content.decode()
    )
    assert len(replay_timeline(attempt)["hints"]) == total
    attempt_submit(attempt=attempt)
    assert client.post(reverse("hint_reveal", args=[attempt.pk, "data"])).status_code == 409
