"""Boards read as people draw them: roles from labels in every style, paths, arrow labels, frames,
explanations in the board's own labels, and the dev board corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rubric.bank_files import load_bank
from rubric.calibration import spearman
from rubric.diagram import apply_corrections, find_loop, find_path, find_shared, scene_graph
from rubric.engine import Answer, grade
from rubric.scene import SceneError, clean_scene
from tests.answers import STRONG_AD_ANSWER
from tests.scenes import arrow, box, scene

BANK = load_bank()
VOCAB = BANK.vocabulary
DEV = Path(__file__).parent / "data" / "boards_dev"


def roles(label: str) -> set[str]:
    return set(VOCAB.read(label).roles)


def graph_of(*parts):
    return scene_graph(clean_scene(scene(*parts)), VOCAB)


def by_label(graph, label):
    return next(n for n in graph.nodes.values() if n.label == label)


# --- labels as people write them ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # technology names alone
        ("Redis", {"cache"}),
        ("Flink", {"stream-processing"}),
        ("Kafka", {"event-stream"}),
        ("Spark", {"batch-etl"}),
        ("vLLM", {"model-serving"}),
        ("TF Serving", {"model-serving"}),
        ("Triton", {"model-serving"}),
        ("FAISS", {"ann-index"}),
        ("ScaNN", {"ann-index"}),
        ("Airflow", {"orchestrator"}),
        ("MLflow", {"model-registry"}),
        ("S3", {"data-lake"}),
        ("BigQuery", {"data-lake"}),
        ("Snowflake", {"data-lake"}),
        ("Elasticsearch", {"search-index"}),
        # abbreviations
        ("FS", {"feature-store"}),
        ("ANN", {"ann-index"}),
        ("LB", {"load-balancer"}),
        ("ETL", {"batch-etl"}),
        ("DWH", {"data-lake"}),
        ("LTR", {"ranking", "model-serving"}),
        ("KB", {"graph-store"}),
        # several roles in one box
        ("Event Log (Kafka)", {"logging", "event-stream"}),
        ("Rec API", {"model-serving"}),
        ("Multi-task Ranker (MMoE)", {"ranking", "model-serving"}),
        ("Candidate generator", {"candidate-generation", "model-serving"}),
        ("Scorer", {"ranking", "model-serving"}),
        ("Warehouse", {"data-lake"}),
        ("Feature pipeline (Flink)", {"batch-etl", "stream-processing"}),
        # the technology a box is built on does not add what the box already covers
        ("Online Feature Store (Redis)", {"feature-store"}),
        ("XGBoost training", {"training-pipeline"}),
        # the head of a compound names the box ("Ranker logs" are logs), weak words only alone
        ("Ranker logs", {"logging"}),
        ("Cross-encoder ranker", {"ranking", "model-serving"}),
        ("Ranking logs", {"logging"}),
        # a leading verb says what the box does
        ("Fine-tune reranker", {"training-pipeline"}),
        ("Filter unavailable", {"re-ranking"}),
        ("Score candidates", {"ranking", "model-serving"}),
        ("Train two-tower", {"training-pipeline"}),  # what is trained is the verb's object
        # one word, one role: "index" is a search index wherever it appears
        ("Job index", {"search-index"}),
        # the newer questions' own parts
        ("Stable Diffusion", {"model-serving"}),
        ("GPU workers", {"model-serving"}),
        ("NSFW check", {"re-ranking"}),
        ("LAION subset", {"data-lake"}),
        ("Spam folder", {"client"}),
        ("Impr / applies", {"logging"}),
        ("User embeddings", {"embedding-service"}),
        ("Users", {"client"}),
        # a box naming everything is a pile: only its main (first named) role counts
        ("Kafka, Flink, Feature store, Trainer, Registry, Serving", {"feature-store"}),
        ("My cat", set()),
    ],
)
def test_labels_are_read_as_roles(label, expected):
    assert roles(label) == expected


def test_the_main_role_and_where_it_runs_are_read_from_the_label():
    online = VOCAB.read("Online Feature Store")
    assert online.primary == "feature-store" and online.where == "online"
    assert VOCAB.read("Offline FS").where == "offline"
    assert VOCAB.classify("Event Log (Kafka)") == "logging"


def test_multi_line_labels_are_one_label_with_parts():
    graph = graph_of(
        box("r", "Ranker\n(LightGBM)", 0, 0), box("f", "Online\nfeature\nstore", 300, 0)
    )
    assert set(by_label(graph, "Ranker (LightGBM)").roles) == {"ranking", "model-serving"}
    assert by_label(graph, "Online feature store").kind == "feature-store"


def _text(id, label, x, y, **extra):
    return [{"id": id, "type": "text", "x": x, "y": y, "width": 8 * len(label), "height": 20,
             "text": label, "originalText": label, "containerId": None, **extra}]  # fmt: skip


def _shape(id, x, y, w=100, h=60, kind="ellipse", **extra):
    return [{"id": id, "type": kind, "x": x, "y": y, "width": w, "height": h, **extra}]


def test_a_caption_beside_an_unlabelled_shape_is_its_label():
    graph = graph_of(
        _shape("icon", 0, 0),
        _text("cap", "Model registry", -10, 68),  # just under the icon
        box("t", "Trainer", 300, 0),
        arrow("e", (160 + 140, 30), (102, 30)),  # unbound, from the trainer to the icon
    )
    assert by_label(graph, "Model registry").id == "icon"
    assert [(e.source, e.target) for e in graph.edges] == [("t", "icon")]


def test_a_note_beside_a_labelled_box_is_not_a_component():
    graph = graph_of(box("t", "Trainer", 0, 0), _text("note", "nightly, 4 GPUs", 0, 66))
    assert set(graph.nodes) == {"t"}


def test_text_grouped_with_a_shape_labels_it():
    graph = graph_of(
        _shape("s", 0, 0, groupIds=["g1"]), _text("c", "Flink", 0, 90, groupIds=["g1"])
    )
    assert by_label(graph, "Flink").id == "s"


def test_loose_text_along_an_arrow_is_its_label_and_carries_a_role():
    graph = graph_of(
        box("api", "Rec API", 0, 0),
        box("s3", "S3", 400, 0),
        arrow("e", (160, 30), (400, 30), source="api", target="s3"),
        _text("lbl", "logs", 260, 8),  # above the middle of the arrow, bound to nothing
    )
    (edge,) = graph.edges
    assert edge.label == "logs" and "logging" in edge.roles
    assert "lbl" not in graph.nodes
    assert find_path(graph, ["model-serving", "logging"]) == ["api", "s3"], (
        "an arrow labelled logs plays the log step"
    )


def test_a_frame_gives_its_members_context():
    frame = {"id": "fr", "type": "frame", "x": -40, "y": -60, "width": 520, "height": 180,
             "name": "Training"}  # fmt: skip
    model = box("m", "XGBoost", 0, 0)
    model[0]["frameId"] = model[1]["frameId"] = "fr"
    graph = graph_of([frame], model, box("d", "Data lake", 0, 300),
                     arrow("e", (80, 300), (80, 60), source="d", target="m"))  # fmt: skip
    node = by_label(graph, "XGBoost")
    assert "training-pipeline" in node.roles and node.sources["training-pipeline"] == "area"
    assert node.area == "Training"
    assert "fr" not in graph.nodes, "a frame no arrow touches is context, not a component"
    assert find_path(graph, ["data-lake", "training-pipeline"]) == ["d", "m"]


def test_a_big_box_around_others_is_an_area_with_its_title():
    graph = graph_of(
        _shape("area", -40, -60, 700, 200, kind="rectangle"),
        _text("title", "Offline training", -30, -52),
        box("a", "Model", 0, 0),
        box("b", "BigQuery", 300, 0),
    )
    assert set(graph.nodes) == {"a", "b"}
    assert by_label(graph, "Model").area == "Offline training"
    assert "training-pipeline" in by_label(graph, "Model").roles, "a bare model trains here"
    assert by_label(graph, "BigQuery").roles == ("data-lake",), "a product name keeps its role"
    assert by_label(graph, "BigQuery").where == "offline"


def test_lines_without_heads_go_both_ways_but_are_no_loop():
    graph = graph_of(
        box("s", "Prediction service", 0, 0),
        box("t", "Trainer", 300, 0),
        [
            {
                "id": "l",
                "type": "line",
                "x": 160,
                "y": 30,
                "width": 140,
                "height": 0,
                "points": [[0, 0], [140, 0]],
            }
        ],  # fmt: skip
    )
    assert sorted((e.source, e.target) for e in graph.edges) == [("s", "t"), ("t", "s")]
    assert find_loop(graph, ["model-serving", "training-pipeline"]) is None


def test_elbow_arrows_are_read_by_their_ends():
    elbow = {"id": "el", "type": "arrow", "x": 160, "y": 30, "width": 300, "height": 200, "elbowed": True,
             "points": [[0, 0], [70, 0], [70, 200], [300, 200]], "endArrowhead": "arrow"}  # fmt: skip
    graph = graph_of(box("a", "Kafka", 0, 0), box("b", "Flink", 460, 200), [elbow])
    assert [(e.source, e.target) for e in graph.edges] == [("a", "b")]


def test_a_library_box_renamed_to_a_technology_keeps_its_role():
    item = box("fs", "Redis", 0, 0)
    item[0]["customData"] = {"chalktalkComponent": "feature-store", "group": "data"}
    node = by_label(graph_of(item), "Redis")
    assert set(node.roles) == {"cache", "feature-store"}
    assert node.sources == {"cache": "label", "feature-store": "library"}
    renamed = box("x", "Trainer", 0, 0)
    renamed[0]["customData"] = {"chalktalkComponent": "monitoring"}
    assert set(by_label(graph_of(renamed), "Trainer").roles) == {"training-pipeline"}, (
        "a label that says what the box does wins over the library tag"
    )


# --- paths, labels on arrows, shared stores ------------------------------------------------------


def _chain(n: int):
    parts = [box("s", "Rec API", 0, 0)]
    previous = "s"
    for i in range(n):
        parts += [box(f"h{i}", f"Step {i}", 300 * (i + 1), 0),
                  arrow(f"a{i}", (0, 0), (1, 1), source=previous, target=f"h{i}")]  # fmt: skip
        previous = f"h{i}"
    parts += [box("log", "Prediction log", 300 * (n + 1), 0),
              arrow("last", (0, 0), (1, 1), source=previous, target="log")]  # fmt: skip
    return graph_of(*parts)


def test_paths_pass_through_other_components_but_not_forever():
    assert find_path(_chain(3), ["model-serving", "logging"]) == ["s", "h0", "h1", "h2", "log"]
    assert find_path(_chain(8), ["model-serving", "logging"]) is None


def test_an_arrow_touching_a_store_may_point_either_way():
    board = scene(
        box("r", "Retriever", 0, 0),
        box("v", "Vector DB", 300, 0),
        box("rr", "Reranker", 0, 200),
        arrow("q", (160, 30), (300, 30), source="r", target="v"),  # the retriever queries the index
        arrow("n", (80, 60), (80, 200), source="r", target="rr"),
    )
    findings = _grade_board("rag-assistant", board).to_dict()["diagram"]["findings"]
    reranked = next(f for f in findings if f["check"] == "retrieved chunks are re-ranked")
    assert reranked["met"]
    graph = scene_graph(board, VOCAB)
    assert find_path(graph, ["ann-index", "re-ranking"]) is None, "find_path itself is directed"
    # a loop never runs against an arrow, even through a store
    loop = scene(box("s", "Rec API", 0, 0), box("c", "Cache", 300, 0),
                 arrow("1", (160, 30), (300, 30), source="s", target="c"))  # fmt: skip
    assert find_loop(scene_graph(loop, VOCAB), ["model-serving", "cache"]) is None


def test_a_feature_store_feeding_a_ranker_and_the_trainer_is_shared():
    graph = graph_of(
        box("fs", "Feature store", 0, 0),
        box("t", "Training pipeline", 300, 0),
        box("r", "Ranking", 300, 200),
        arrow("1", (160, 30), (300, 30), source="fs", target="t"),
        arrow("2", (160, 30), (300, 230), source="fs", target="r"),
    )
    assert find_shared(graph, "feature-store", ["model-build", "model-serving"]) == ["fs", "t", "r"]


def test_an_offline_and_an_online_feature_store_linked_count_as_one():
    graph = graph_of(
        box("off", "Offline FS", 0, 0),
        box("on", "Online Feature Store", 0, 200),
        box("t", "Trainer", 300, 0),
        box("r", "Rec API", 300, 200),
        arrow("m", (80, 60), (80, 200), source="off", target="on", label="materialize"),
        arrow("1", (160, 30), (300, 30), source="off", target="t"),
        arrow("2", (160, 230), (300, 230), source="on", target="r"),
    )
    assert find_shared(graph, "feature-store", ["training-pipeline", "model-serving"]) == [
        "off", "t", "r",
    ]  # fmt: skip


def test_arrows_labelled_features_make_their_source_a_shared_store():
    graph = graph_of(
        box("kv", "Redis", 0, 0),
        box("t", "Trainer", 300, 0),
        box("r", "Ranker", 300, 200),
        arrow("1", (160, 30), (300, 30), source="kv", target="t", label="features"),
        arrow("2", (160, 30), (300, 230), source="kv", target="r", label="features"),
    )
    assert find_shared(graph, "feature-store", ["training-pipeline", "model-serving"]) == [
        "kv", "t", "r",
    ]  # fmt: skip


# --- explanations a candidate can check -----------------------------------------------------------


def _grade_board(slug: str, board):
    return grade(BANK.criteria_for(slug), Answer(stages={}, whiteboard=board), VOCAB)


def test_a_check_explains_itself_in_the_boards_own_labels():
    board = scene(
        box("rk", "Ranker", 0, 0),
        box("fs", "Feature store", 0, 200),
        box("tr", "Training pipeline", 300, 200),
        arrow("1", (80, 200), (80, 60), source="fs", target="rk"),
        arrow("2", (160, 230), (300, 230), source="fs", target="tr"),
    )
    result = _grade_board(None, board)  # the shared criteria, as for a custom question
    loop = next(c for c in result.criteria if c.id == "diagram-feedback-loop")
    assert "your “Ranker” serves predictions; no arrow leads from it to a log" in loop.missing
    shared = next(c for c in result.criteria if c.id == "diagram-shared-features")
    assert shared.level == 3, "a ranker serves predictions, so the store is shared"
    assert "“Feature store” feeds “Training pipeline” and “Ranker”" in shared.evidence[0]


def test_no_element_id_appears_in_what_the_candidate_reads():
    for line in (DEV / "boards.jsonl").read_text().splitlines()[:12]:
        data = json.loads(line)
        result = grade(BANK.criteria_for(data["question"]), Answer.from_dict(data), VOCAB)
        ids = {e["id"] for e in data["whiteboard"]["elements"]}
        for c in result.criteria:
            text = " ".join([*c.evidence, c.missing])
            assert not any(i in text for i in ids), (data["id"], c.id)
        findings = result.to_dict()["diagram"]["findings"]
        assert all(not any(i in f["text"] for i in ids) for f in findings)
        assert any(f["elements"] for f in findings), "ids are kept for highlighting"


def test_the_cli_diagram_section_lists_the_roles_of_every_component():
    data = _grade_board(
        "video-recommendation", scene(box("k", "Event Log (Kafka)", 0, 0))
    ).to_dict()
    (component,) = data["diagram"]["components"]
    assert [r["role"] for r in component["roles"]] == ["logging", "event-stream"]
    assert component["roles"][0]["does"] == "logs what happened"


# --- corrections are applied to the scene, never taken from a browser -------------------------------


def test_a_correction_gives_a_box_the_role_the_candidate_said():
    board = scene(box("x", "Thingamajig", 0, 0))
    corrected = apply_corrections(board, {"x": "feature-store"})
    node = scene_graph(corrected, VOCAB).nodes["x"]
    assert node.roles == ("feature-store",) and node.said == "feature-store"
    assert "customData" not in board["elements"][0], "the stored board is not changed"


def test_a_browser_cannot_send_a_correction_inside_the_scene():
    forged = scene(box("x", "Thingamajig", 0, 0))
    forged["elements"][0]["customData"] = {"chalktalkSaid": "feature-store", "group": "Data"}
    cleaned = clean_scene(forged)
    assert cleaned["elements"][0]["customData"] == {"group": "Data"}
    assert scene_graph(cleaned, VOCAB).nodes["x"].roles == ()


# --- the dev board corpus ------------------------------------------------------------------------------


def _dev_rows():
    return [json.loads(line) for line in (DEV / "boards.jsonl").read_text().splitlines()]


def test_the_dev_corpus_is_rendered_from_its_notation():
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_dev_boards", DEV / "render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    boards = render.parse((DEV / "boards.txt").read_text())
    rows = _dev_rows()
    assert [b["id"] for b in boards] == [r["id"] for r in rows]
    assert render.render(boards[0]) == rows[0]["whiteboard"], (
        "run render.py after editing boards.txt"
    )
    assert len({r["question"] for r in rows}) >= 8 and len(rows) >= 40
    assert {r["style"] for r in rows} >= {
        "bound",
        "loose",
        "beside",
        "library",
        "elbow",
        "lines",
        "frames",
        "mixed",
    }


def test_the_dev_corpus_meets_the_board_targets():
    rows = []
    for data in _dev_rows():
        criteria = BANK.criteria_for(data["question"])
        with_board = grade(criteria, Answer.from_dict({**data, "stages": STRONG_AD_ANSWER}), VOCAB)
        empty = grade(criteria, Answer(stages=STRONG_AD_ANSWER, whiteboard={"elements": []}), VOCAB)
        assert with_board.score >= empty.score, f"{data['id']} lowers the grade"
        rows.append((data, with_board.stage_scores["diagram"]))
    assert spearman([s for _, s in rows], [d["board_level"] for d, _ in rows]) >= 0.85
    assert min(s for d, s in rows if d["board_level"] == 4) >= 60
    assert max(s for d, s in rows if d["type"] == "keyword-stuffed") < 25


def test_a_loop_that_never_comes_back_says_where_it_stops():
    board = scene(
        box("api", "Rec API", 0, 0),
        box("log", "Event log", 300, 0),
        box("t", "Trainer", 600, 0),
        arrow("1", (160, 30), (300, 30), source="api", target="log"),
        arrow("2", (460, 30), (600, 30), source="log", target="t"),
    )
    loop = next(c for c in _grade_board(None, board).criteria if c.id == "diagram-feedback-loop")
    assert loop.level == 2
    assert "nothing leads from “Trainer” back to “Rec API”" in loop.missing


def test_the_element_skeleton_shorthand_is_read():
    board = {"elements": [
        {"id": "a", "type": "rectangle", "x": 0, "y": 0, "width": 160, "height": 60, "label": {"text": "Trainer"}},
        {"id": "b", "type": "rectangle", "x": 300, "y": 0, "width": 160, "height": 60, "label": {"text": "MLflow"}},
        {"id": "e", "type": "arrow", "x": 160, "y": 30, "width": 140, "height": 0, "start": {"id": "a"},
         "end": {"id": "b"}, "label": {"text": "push model"}, "endArrowhead": "arrow"},
    ]}  # fmt: skip
    graph = scene_graph(clean_scene(board), VOCAB)
    assert {n.label: n.kind for n in graph.nodes.values()} == {
        "Trainer": "training-pipeline",
        "MLflow": "model-registry",
    }
    assert [(e.source, e.target, e.label) for e in graph.edges] == [("a", "b", "push model")]


def test_an_icon_of_grouped_shapes_is_one_component():
    lid = _shape("lid", 0, 0, 100, 30, groupIds=["db"])
    body = _shape("body", 0, 15, 100, 80, kind="rectangle", groupIds=["db"])
    graph = graph_of(lid, body, _text("cap", "Warehouse", 0, 100, groupIds=["db"]),
                     box("t", "Trainer", 300, 20),
                     arrow("e", (100, 60), (300, 50), source="body", target="t"))  # fmt: skip
    assert [(e.source, e.target) for e in graph.edges] == [(by_label(graph, "Warehouse").id, "t")]


def test_an_arrow_ending_just_short_of_a_box_inside_a_frame_reaches_the_box():
    frame = {
        "id": "fr",
        "type": "frame",
        "x": -40,
        "y": -60,
        "width": 300,
        "height": 400,
        "name": "Serving",
    }
    line = {
        "id": "l",
        "type": "line",
        "x": 80,
        "y": 68,
        "width": 0,
        "height": 124,
        "points": [[0, 0], [0, 124]],
    }
    graph = graph_of([frame], box("cg", "Candidate gen", 0, 0), box("ann", "FAISS", 0, 200), [line])
    assert sorted((e.source, e.target) for e in graph.edges) == [("ann", "cg"), ("cg", "ann")]


# --- a board for another problem ------------------------------------------------------------------

GENERIC = scene(
    box("d", "Training data", 0, 0),
    box("t", "Trainer", 300, 0),
    box("s", "Prediction service", 600, 0),
    box("m", "Monitoring", 600, 200),
    arrow("1", (160, 30), (300, 30), source="d", target="t"),
    arrow("2", (460, 30), (600, 30), source="t", target="s"),
    arrow("3", (680, 60), (680, 200), source="s", target="m"),
)


def test_a_board_showing_nothing_of_the_question_earns_only_mentions():
    result = _grade_board("entity-linking", GENERIC)
    core = next(c for c in result.criteria if c.id == "diagram-core-components")
    assert core.level == 1
    assert "shows none of this question's own parts" in core.missing
    assert "“entity”" in core.missing
    custom = _grade_board(None, GENERIC)
    assert next(c for c in custom.criteria if c.id == "diagram-core-components").level == 3


def test_one_word_of_the_questions_domain_makes_it_a_design_for_it():
    renamed = {"s-label": "NER service"}
    named = scene([{**e, "text": renamed[e["id"]], "originalText": renamed[e["id"]]} if e["id"] in renamed else e
                   for e in GENERIC["elements"]])  # fmt: skip
    core = next(
        c
        for c in _grade_board("entity-linking", named).criteria
        if c.id == "diagram-core-components"
    )
    assert core.level == 3


def test_a_board_with_every_check_of_the_question_is_about_it_without_naming_it():
    board = scene(
        box("cg", "Candidate gen", 0, 0),
        box("ann", "FAISS", 0, 200),
        box("rk", "Ranker", 300, 0),
        box("rr", "Business rules", 600, 0),
        box("d", "Warehouse", 300, 200),
        box("t", "Trainer", 600, 200),
        arrow("1", (80, 200), (80, 60), source="ann", target="cg"),
        arrow("2", (160, 30), (300, 30), source="cg", target="rk"),
        arrow("3", (460, 30), (600, 30), source="rk", target="rr"),
        arrow("4", (460, 230), (600, 230), source="d", target="t"),
        arrow("5", (680, 200), (460, 60), source="t", target="rk"),
    )
    result = _grade_board("video-recommendation", board)  # no "video" anywhere
    assert next(c for c in result.criteria if c.id == "diagram-core-components").level >= 2


@pytest.mark.parametrize(
    "field, value",
    [
        ("label", "Trainer"),
        ("label", {"text": "x" * 5_000}),
        ("start", {"id": ["a"]}),
        ("end", "b"),
    ],
)
def test_a_malformed_skeleton_field_is_refused(field, value):
    board = {"elements": [{"id": "a", "type": "arrow", "x": 0, "y": 0, field: value}]}
    with pytest.raises(SceneError, match=field):
        clean_scene(board)


def test_a_skeleton_field_keeps_only_what_is_read():
    board = {"elements": [{"id": "a", "type": "rectangle", "x": 0, "y": 0,
                           "label": {"text": "Ranker", "onclick": "<script>"}}]}  # fmt: skip
    assert clean_scene(board)["elements"][0]["label"] == {"text": "Ranker"}
