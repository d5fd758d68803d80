"""Saving the whiteboard: versioned writes, limits, and a compact throttled history."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Attempt, Whiteboard, WhiteboardSnapshot
from interviews.whiteboards import replay_scenes, whiteboard_snapshot
from tests.factories import make_attempt
from tests.scenes import arrow, box, scene

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def attempt(candidate, ad_question):
    return make_attempt(candidate, ad_question)


def save(client, attempt, scene_data, version):
    body = json.dumps({"scene": scene_data, "version": version})
    return client.post(
        reverse("whiteboard_save", args=[attempt.pk]), data=body, content_type="application/json"
    )


def board(attempt) -> Whiteboard:
    return Whiteboard.objects.get(attempt=attempt)


def test_it_saves_a_scene_and_bumps_the_version(candidate_client, attempt):
    data = scene(box("a", "Feature store", 0, 0))
    response = save(candidate_client, attempt, data, 0)
    assert response.status_code == 200 and response.json() == {"version": 1}
    assert board(attempt).scene["elements"] == data["elements"]
    assert board(attempt).element_count == 2


def test_a_stale_version_gets_409_with_the_newer_scene(candidate_client, attempt):
    save(candidate_client, attempt, scene(box("a", "Tab A", 0, 0)), 0)
    response = save(candidate_client, attempt, scene(box("b", "Tab B", 0, 0)), 0)
    assert response.status_code == 409
    assert response.json()["version"] == 1
    assert response.json()["scene"]["elements"][0]["id"] == "a"
    assert board(attempt).scene["elements"][0]["id"] == "a"


@pytest.mark.parametrize(
    ("scene_data", "message"),
    [
        (
            {"elements": [{"id": f"e{i}", "type": "rectangle"} for i in range(5001)]},
            "limited to 5,000 elements",
        ),
        (
            {"elements": [{"id": "img", "type": "image", "fileId": "f"}], "files": {"f": {}}},
            "Images cannot",
        ),
        ("not a scene", "JSON object"),
        (None, "Send {scene"),
    ],
)
def test_bad_scenes_get_400_and_the_last_good_scene_stays(
    candidate_client, attempt, scene_data, message
):
    save(candidate_client, attempt, scene(box("a", "Keep me", 0, 0)), 0)
    response = save(candidate_client, attempt, scene_data, 1)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert board(attempt).scene["elements"][0]["id"] == "a"


def test_malformed_json_gets_400(candidate_client, attempt):
    url = reverse("whiteboard_save", args=[attempt.pk])
    response = candidate_client.post(url, data=b'{"scene": [', content_type="application/json")
    assert response.status_code == 400


def test_a_body_over_5_mb_gets_413(candidate_client, attempt):
    huge = scene(box("a", "x", 0, 0))
    huge["elements"][0]["customData"] = {"padding": "x" * (5 * 1024 * 1024)}
    assert save(candidate_client, attempt, huge, 0).status_code == 413
    assert board(attempt).version == 0


def test_another_candidate_gets_404(client, other_candidate, attempt):
    client.force_login(other_candidate)
    assert save(client, attempt, scene(box("a", "hijack", 0, 0)), 0).status_code == 404
    assert save(client, attempt, "malformed", 0).status_code == 404, (
        "even a bad request reveals nothing"
    )
    assert board(attempt).scene is None


def test_a_submitted_attempt_board_is_locked(candidate_client, attempt):
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED)
    response = save(candidate_client, attempt, scene(box("a", "late", 0, 0)), 0)
    assert response.status_code == 409 and response.json()["locked"] is True


def test_labels_are_escaped_on_the_practice_page(candidate_client, attempt):
    save(candidate_client, attempt, scene(box("a", XSS, 0, 0)), 0)
    content = candidate_client.get(reverse("attempt_practice", args=[attempt.pk])).content.decode()
    assert XSS not in content
    assert '"whiteboard-scene"' in content


def test_history_is_throttled_and_stored_as_deltas(candidate_client, attempt):
    elements = []
    for i in range(30):
        elements += box(f"b{i}", f"Component {i}", i * 200, 0)
    save(candidate_client, attempt, {"elements": elements}, 0)
    assert (
        WhiteboardSnapshot.objects.filter(attempt=attempt).count() == 1
    )  # the first save is a keyframe
    moved = [dict(e, x=e["x"] + 5, version=2) if e["id"] == "b3" else e for e in elements]
    save(candidate_client, attempt, {"elements": moved}, 1)
    assert WhiteboardSnapshot.objects.filter(attempt=attempt).count() == 1, "at most one per 20 s"

    Whiteboard.objects.filter(attempt=attempt).update(
        snapshot_at=timezone.now() - timedelta(seconds=21)
    )
    save(candidate_client, attempt, {"elements": moved}, 2)
    first, second = WhiteboardSnapshot.objects.filter(attempt=attempt)
    assert first.is_keyframe and not second.is_keyframe
    assert [e["id"] for e in second.elements] == ["b3"], "only what changed is stored"
    assert second.size_bytes < first.size_bytes / 20
    frames = replay_scenes([first, second])
    assert next(e for e in frames[-1]["elements"] if e["id"] == "b3")["x"] == 3 * 200 + 5


def test_a_stage_change_records_a_snapshot(candidate_client, attempt):
    save(candidate_client, attempt, scene(box("a", "Trainer", 0, 0)), 0)
    save(
        candidate_client, attempt, scene(box("a", "Trainer", 0, 0), box("b", "Registry", 300, 0)), 1
    )
    assert WhiteboardSnapshot.objects.filter(attempt=attempt).count() == 1
    url = reverse("stage_time", args=[attempt.pk])
    candidate_client.post(url, data=json.dumps({"stage": "goals", "seconds": 5, "current": "model"}),
                          content_type="application/json")  # fmt: skip
    snapshots = list(WhiteboardSnapshot.objects.filter(attempt=attempt))
    assert len(snapshots) == 2 and snapshots[-1].stage == "model"
    assert [e["id"] for e in snapshots[-1].elements] == ["b", "b-label"]
    assert whiteboard_snapshot(attempt_id=attempt.pk) is None, "nothing new, nothing stored"


def test_the_grade_reads_the_saved_board(candidate_client, attempt):
    from interviews.services import attempt_submit
    from rubric.services import grade_run

    data = scene(box("t", "Trainer", 0, 0), box("r", "Model registry", 300, 0), box("s", "Prediction service", 600, 0),
                 arrow("1", (160, 30), (300, 30), source="t", target="r"), arrow("2", (460, 30), (600, 30), source="r", target="s"))  # fmt: skip
    save(candidate_client, attempt, data, 0)
    grade = attempt_submit(attempt=attempt)
    grade_run(grade_id=grade.pk)
    grade.refresh_from_db()
    assert {c["label"] for c in grade.diagram["components"]} == {
        "Trainer",
        "Model registry",
        "Prediction service",
    }
    page = candidate_client.get(reverse("attempt_results", args=[attempt.pk])).content.decode()
    assert "Components recognised (3)" in page
    assert 'Trainer <span aria-label="to">→</span> Model registry' in page
