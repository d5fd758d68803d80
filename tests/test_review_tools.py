"""Compare, export and delete: each works for the owner and reveals nothing to anyone else."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from interviews.compare import text_diff
from interviews.models import Attempt, Question, Whiteboard
from interviews.services import attempt_submit
from rubric.models import Grade
from rubric.services import grade_run
from tests.answers import STRONG_AD_ANSWER
from tests.factories import PASSWORD, make_attempt
from tests.scenes import arrow, box, scene


def graded(user, question, texts, board=None):
    attempt = make_attempt(user, question, texts)
    if board:
        Whiteboard.objects.filter(attempt=attempt).update(scene=board)
    grade_run(grade_id=attempt_submit(attempt=attempt).pk)
    return attempt


@pytest.fixture
def pair(candidate, ad_question, bank):
    first = graded(candidate, ad_question, {"goals": "Predict clicks for ads."},
                   scene(box("t", "Trainer", 0, 0)))  # fmt: skip
    second = graded(candidate, ad_question, STRONG_AD_ANSWER,
                    scene(box("t", "Trainer", 0, 0), box("s", "Prediction service", 300, 0),
                          arrow("e", (160, 30), (300, 30), source="t", target="s")))  # fmt: skip
    return first, second


def test_compare_shows_level_stage_text_and_diagram_changes(candidate_client, pair):
    first, second = pair
    response = candidate_client.get(reverse("attempt_compare"), {"a": second.pk, "b": first.pk})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert response.context["first"] == first, "the older attempt is always on the left"
    assert any(row["delta"] > 0 for row in comparison.criteria)
    assert comparison.diagram["components_added"] == [("Prediction service", "Model serving")]
    assert comparison.diagram["edges_added"] == [("Trainer", "Prediction service")]
    content = response.content.decode()
    assert "<ins>" in content and "<del>" in content


def test_compare_refuses_different_questions_and_others_attempts(
    client, candidate, other_candidate, pair, bank
):
    first, _ = pair
    fraud = graded(
        candidate, Question.objects.get(slug="fraud-detection"), {"goals": "Stop fraud."}
    )
    client.force_login(candidate)
    response = client.get(reverse("attempt_compare"), {"a": first.pk, "b": fraud.pk})
    assert response.status_code == 400 and b"same question" in response.content
    assert client.get(reverse("attempt_compare"), {"a": first.pk}).status_code == 404
    client.force_login(other_candidate)
    assert (
        client.get(reverse("attempt_compare"), {"a": first.pk, "b": pair[1].pk}).status_code == 404
    )


def test_text_diff_marks_words_added_and_removed():
    runs = text_diff("use a GBDT model", "use a DeepFM model")
    assert ("delete", "GBDT") in runs and ("insert", "DeepFM") in runs
    assert "".join(t for op, t in runs if op != "delete") == "use a DeepFM model"


def test_markdown_export_holds_the_answer_grade_and_evidence(candidate_client, pair):
    _, second = pair
    response = candidate_client.get(reverse("attempt_export_markdown", args=[second.pk]))
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Ad click prediction")
    assert "**Score:" in text and "Labels come from joining impressions with clicks" in text
    assert "Trainer → Prediction service" in text


def test_json_export_holds_only_my_data(client, candidate, other_candidate, pair, ad_question):
    make_attempt(other_candidate, ad_question, {"goals": "someone else's secret"})
    client.force_login(candidate)
    data = json.loads(client.get(reverse("account_export")).content)
    assert data["account"]["username"] == "candidate"
    assert len(data["attempts"]) == 2
    assert data["attempts"][1]["grade"]["score"] > 0
    assert data["attempts"][1]["whiteboard"]["elements"]
    assert "someone else's secret" not in json.dumps(data)


def test_deleting_an_attempt_is_the_owners_alone(client, candidate, other_candidate, pair):
    first, second = pair
    client.force_login(other_candidate)
    assert client.post(reverse("attempt_delete", args=[first.pk])).status_code == 404
    assert client.get(reverse("attempt_export_markdown", args=[first.pk])).status_code == 404
    client.force_login(candidate)
    assert client.get(reverse("attempt_delete", args=[first.pk])).status_code == 405
    response = client.post(reverse("attempt_delete", args=[first.pk]), follow=True)
    assert b"Deleted your attempt" in response.content
    assert list(Attempt.objects.filter(user=candidate)) == [second]
    assert not Grade.objects.filter(attempt_id=first.pk).exists()


def test_deleting_the_account_needs_the_password_and_removes_everything(client, candidate, pair):
    client.force_login(candidate)
    wrong = client.post(reverse("account_delete"), {"password": "nope"})
    assert wrong.status_code == 400 and b"nothing was deleted" in wrong.content
    assert Attempt.objects.filter(user=candidate).count() == 2
    custom = client.post(
        reverse("custom_question_create"),
        {"title": "My own question", "prompt": "Design a spam filter for a mail provider."},
    )
    assert custom.status_code == 302
    response = client.post(reverse("account_delete"), {"password": PASSWORD}, follow=True)
    assert b"were deleted" in response.content
    assert not User.objects.filter(username="candidate").exists()
    assert not Attempt.objects.exists() and not Question.objects.filter(in_bank=False).exists()
    assert client.get(reverse("attempt_list")).status_code == 302, "signed out"
