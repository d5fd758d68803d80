"""Reading the whiteboard as a graph, and the diagram criteria built on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rubric.bank_files import load_bank
from rubric.diagram import find_loop, find_path, find_shared, scene_graph
from rubric.engine import Answer, grade
from rubric.scene import SceneError, clean_scene
from tests.scenes import arrow, box, scene

BANK = load_bank()
VOCAB = BANK.vocabulary
SAVED_SCENES = Path(__file__).parent / "data" / "scenes"


def kinds(graph) -> dict[str, str | None]:
    return {n.label: n.kind for n in graph.nodes.values()}


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Feature Store", "feature-store"),
        ("online feature store (Redis)", "feature-store"),  # most specific phrase wins over "redis"
        ("Kafka", "event-stream"),
        ("Light rankers", "ranking"),
        ("prediction logs", "logging"),
        ("Training data", "data-lake"),
        ("Trainer", "training-pipeline"),
        ("A/B split", "experimentation"),
        ("FAISS", "ann-index"),
        ("My cat", None),
    ],
)
def test_labels_map_to_component_kinds(label, kind):
    assert VOCAB.classify(label) == kind


def test_bound_labels_loose_labels_and_bound_arrows():
    graph = scene_graph(
        scene(
            box("a", "Event logs", 0, 0),
            box("b", "Feature store", 300, 0, loose=True),  # text lies over the shape
            arrow("e1", (160, 30), (300, 30), source="a", target="b", label="hourly"),
        ),
        VOCAB,
    )
    assert kinds(graph) == {"Event logs": "logging", "Feature store": "feature-store"}
    assert [(e.source, e.target, e.label) for e in graph.edges] == [("a", "b", "hourly")]


def test_unbound_arrows_are_read_by_where_their_ends_lie():
    graph = scene_graph(
        scene(
            box("a", "Trainer", 0, 0),
            box("b", "Model registry", 300, 0),
            arrow("e", (150, 30), (310, 30)),
        ),
        VOCAB,
    )
    assert [(e.source, e.target) for e in graph.edges] == [("a", "b")]


def test_arrowheads_decide_the_direction():
    graph = scene_graph(
        scene(
            box("a", "Trainer", 0, 0),
            box("b", "Registry", 300, 0),
            box("c", "Serving", 600, 0),
            arrow(
                "back", (300, 30), (160, 30), source="b", target="a", heads="start"
            ),  # head at the start
            arrow("both", (460, 30), (600, 30), source="b", target="c", heads="both"),
        ),
        VOCAB,
    )
    assert sorted((e.source, e.target) for e in graph.edges) == [("a", "b"), ("b", "c"), ("c", "b")]


def test_deleted_elements_and_unlabelled_shapes_are_ignored():
    elements = scene(box("a", "Trainer", 0, 0), box("b", "Registry", 300, 0), box("deco", None, 0, 300),
                     arrow("e", (160, 30), (300, 30), source="a", target="b"))  # fmt: skip
    for element in elements["elements"]:
        if element["id"] in ("b", "b-label"):
            element["isDeleted"] = True
    graph = scene_graph(elements, VOCAB)
    assert set(graph.nodes) == {"a"}
    assert graph.edges == []


def test_loose_text_on_empty_canvas_is_a_component_of_its_own():
    text = {
        "id": "t",
        "type": "text",
        "x": 500,
        "y": 500,
        "width": 80,
        "height": 20,
        "text": "Monitoring",
    }
    graph = scene_graph({"elements": [text]}, VOCAB)
    assert kinds(graph) == {"Monitoring": "monitoring"}


def _loop_scene():
    return scene(
        box("logs", "Prediction logs", 0, 0),
        box("data", "Training data", 300, 0),
        box("fs", "Feature store", 300, 200),
        box("train", "Trainer", 600, 0),
        box("reg", "Model registry", 900, 0),
        box("serve", "Prediction service", 900, 200),
        arrow("1", (160, 30), (300, 30), source="logs", target="data"),
        arrow("2", (460, 30), (600, 30), source="data", target="train"),
        arrow("3", (760, 30), (900, 30), source="train", target="reg"),
        arrow("4", (980, 60), (980, 200), source="reg", target="serve"),
        arrow("5", (900, 230), (80, 60), source="serve", target="logs"),
        arrow("6", (460, 230), (600, 40), source="fs", target="train"),
        arrow("7", (460, 230), (900, 230), source="fs", target="serve"),
    )


def test_paths_loops_and_shared_components_are_found():
    graph = scene_graph(_loop_scene(), VOCAB)
    assert find_path(graph, ["logging", "training-pipeline", "model-registry", "model-serving"]) == [
        "logs", "data", "train", "reg", "serve",
    ]  # fmt: skip
    assert find_loop(graph, ["model-serving", "training-pipeline"])[0] == "serve"
    assert find_shared(graph, "feature-store", ["training-pipeline", "model-serving"]) == [
        "fs",
        "train",
        "serve",
    ]
    assert find_path(graph, ["model-serving", "feature-store"]) is None, "arrows have a direction"


def test_diagram_criteria_name_the_elements_and_count_toward_the_score():
    # The shared criteria as for a custom question: this board names nothing of ad clicks (see
    # test_board_reading for what a question's own words change).
    criteria = BANK.criteria_for(None)
    with_board = grade(criteria, Answer(stages={}, whiteboard=_loop_scene()), VOCAB)
    without = grade(criteria, Answer(stages={}), VOCAB)
    loop = next(c for c in with_board.criteria if c.id == "diagram-feedback-loop")
    assert loop.level == 3
    # The evidence names the candidate's own boxes; their element ids travel only in the data.
    assert any("“Prediction service”" in quote for quote in loop.evidence)
    assert not any("(serve)" in quote for quote in loop.evidence)
    assert with_board.score > without.score == 0
    data = with_board.to_dict()["diagram"]
    closing = next(f for f in data["findings"] if f["check"].startswith("logs reach"))
    assert closing["met"] and {"serve", "logs", "train"} <= set(closing["elements"])
    assert {c["kind"] for c in data["components"]} >= {"logging", "feature-store", "model-serving"}
    assert len(data["edges"]) == 7


def test_a_board_without_the_feedback_loop_says_what_is_missing():
    parts = _loop_scene()
    parts["elements"] = [e for e in parts["elements"] if e["id"] != "5"]
    result = grade(BANK.criteria_for("fraud-detection"), Answer(stages={}, whiteboard=parts), VOCAB)
    loop = next(c for c in result.criteria if c.id == "diagram-feedback-loop")
    assert loop.level < 3
    assert "logs reach the training data" in loop.missing


@pytest.mark.parametrize(
    ("scene_data", "message"),
    [
        ("nope", "JSON object"),
        ({"elements": "x"}, "`elements` list"),
        ({"elements": [{"id": "a", "type": "rectangle"}] * 5001}, "limited to 5,000 elements"),
        ({"elements": [{"id": "a", "type": "image"}]}, "Images cannot be added"),
        (
            {"elements": [], "files": {"f": {"dataURL": "data:image/png;base64,xx"}}},
            "Images cannot be added",
        ),
        ({"elements": [{"id": "a", "type": "rectangle", "x": float("inf")}]}, "finite number"),
        ({"elements": [{"id": "<script>", "type": "rectangle"}]}, ".id must be"),
        (
            {"elements": [{"id": "a", "type": "text", "text": "x" * 2001}]},
            "at most 2000 characters",
        ),
        ({"elements": [{"id": "a", "type": "arrow", "points": [[0, "x"]]}]}, "[x, y] pairs"),
        ({"elements": [{"id": "a", "type": "spaceship"}]}, "not a supported element type"),
        ({"elements": [{"id": "a", "type": "rectangle", "x": 10**400}]}, "finite number"),
        ({"elements": [{"id": "a", "type": "arrow", "points": [[0, 10**400]]}]}, "[x, y] pairs"),
        ({"elements": [{"id": "a", "type": "text", "containerId": ["b"]}]}, "containerId must be"),
        (
            {"elements": [{"id": "a", "type": "arrow", "endBinding": {"elementId": {}}}]},
            "endBinding must be",
        ),
    ],
)
def test_malformed_scenes_are_refused_with_a_clear_message(scene_data, message):
    with pytest.raises(SceneError, match=message.replace("[", r"\[").replace("]", r"\]")):
        clean_scene(scene_data)


def test_clean_scene_keeps_only_what_the_board_needs():
    cleaned = clean_scene(
        {"elements": [], "appState": {"viewBackgroundColor": "url(javascript:x)", "zoom": 3}}
    )
    assert cleaned["appState"] == {"viewBackgroundColor": "#ffffff", "gridSize": None}


def test_scenes_saved_from_the_browser_are_read():
    files = sorted(SAVED_SCENES.glob("*.json"))
    assert files, "keep real scenes saved from the browser under tests/data/scenes"
    for path in files:
        data = json.loads(path.read_text())
        graph = scene_graph(clean_scene(data["scene"]), VOCAB)
        expected = data["expect"]
        assert sorted(n.kind or "" for n in graph.nodes.values()) == sorted(expected["kinds"]), (
            path.name
        )
        pairs = sorted(
            (graph.nodes[e.source].kind, graph.nodes[e.target].kind) for e in graph.edges
        )
        assert pairs == sorted(tuple(p) for p in expected["edges"]), path.name
