"""Draw boards in a real browser and save their scenes as test fixtures (tests/data/scenes/).

Run against `make run`: `.venv/bin/python scripts/capture_scenes.py`. Each scenario draws in
one of the ways people really draw (bound labels, loose text over shapes, unbound arrows,
deleted elements, two-headed arrows) through Excalidraw itself, and stores what Excalidraw
produced next to the graph a person would read from it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import CHROMIUM, CHROMIUM_ARGS, start_question, wait_for_board  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "scenes"

SCENARIOS = {
    "bound-labels-and-arrows": {
        "draw": """(b) => b.toElements([
            {type: "rectangle", id: "k", x: 0, y: 0, width: 180, height: 70, label: {text: "Kafka"}},
            {type: "rectangle", id: "f", x: 300, y: 0, width: 180, height: 70, label: {text: "Flink"}},
            {type: "ellipse", id: "fs", x: 600, y: 0, width: 180, height: 70, label: {text: "Online feature store"}},
            {type: "diamond", id: "r", x: 900, y: 0, width: 180, height: 90, label: {text: "Heavy ranker"}},
            {type: "arrow", x: 180, y: 35, width: 120, height: 0, start: {id: "k"}, end: {id: "f"}},
            {type: "arrow", x: 480, y: 35, width: 120, height: 0, start: {id: "f"}, end: {id: "fs"}, label: {text: "1 min windows"}},
            {type: "arrow", x: 780, y: 35, width: 120, height: 0, start: {id: "fs"}, end: {id: "r"}},
        ])""",
        "expect": {
            "kinds": ["event-stream", "stream-processing", "feature-store", "ranking"],
            "edges": [
                ["event-stream", "stream-processing"],
                ["stream-processing", "feature-store"],
                ["feature-store", "ranking"],
            ],
        },
    },
    "loose-text-and-unbound-arrows": {
        "draw": """(b) => b.toElements([
            {type: "rectangle", x: 0, y: 0, width: 200, height: 80},
            {type: "text", x: 30, y: 25, text: "Prediction logs"},
            {type: "rectangle", x: 400, y: 0, width: 200, height: 80},
            {type: "text", x: 450, y: 25, text: "Trainer"},
            {type: "text", x: 800, y: 25, text: "Model registry"},
            {type: "arrow", x: 150, y: 40, width: 300, height: 0},
            {type: "arrow", x: 560, y: 40, width: 270, height: 0},
        ])""",
        "expect": {
            "kinds": ["logging", "training-pipeline", "model-registry"],
            "edges": [["logging", "training-pipeline"], ["training-pipeline", "model-registry"]],
        },
    },
    "deleted-and-two-headed": {
        "draw": """(b) => b.toElements([
            {type: "rectangle", id: "s", x: 0, y: 0, width: 200, height: 70, label: {text: "Prediction service"}},
            {type: "rectangle", id: "c", x: 350, y: 0, width: 200, height: 70, label: {text: "Redis cache"}},
            {type: "rectangle", id: "gone", x: 0, y: 250, width: 200, height: 70, label: {text: "Old monitoring"}},
            {type: "arrow", x: 200, y: 35, width: 150, height: 0, start: {id: "s"}, end: {id: "c"},
             startArrowhead: "arrow", endArrowhead: "arrow"},
            {type: "arrow", id: "gone-arrow", x: 100, y: 70, width: 0, height: 180, start: {id: "s"}, end: {id: "gone"}},
        ])""",
        "delete": ["Old monitoring"],  # the box with this label, its label and the arrow into it
        "expect": {
            "kinds": ["model-serving", "cache"],
            "edges": [["model-serving", "cache"], ["cache", "model-serving"]],
        },
    },
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(BASE + "/accounts/login/")
        page.fill("#id_username", "demo")
        page.fill("#id_password", "practice-makes-perfect")
        page.click("button[type=submit]")
        page.wait_for_url("**/questions/")
        for name, scenario in SCENARIOS.items():
            page.goto(BASE + "/questions/")
            start_question(page, "fraud-detection")
            wait_for_board(page)
            page.evaluate(
                """async ([draw, removed]) => {
                  const b = await window.chalktalkWhiteboard.ready;
                  const made = eval(draw)(b);
                  b.api.updateScene({elements: made});
                  if (removed.length) {
                    // toElements gives new ids, so find the boxes by their labels.
                    const boxes = made.filter(e => removed.includes(e.originalText)).map(e => e.containerId);
                    const gone = new Set(made.filter(e => boxes.includes(e.id) || boxes.includes(e.containerId)
                      || boxes.includes(e.endBinding?.elementId)).map(e => e.id));
                    b.api.updateScene({elements: b.api.getSceneElementsIncludingDeleted().map(
                      e => gone.has(e.id) ? {...e, isDeleted: true, version: e.version + 1} : e)});
                  }
                  await b.flush();
                }""",
                [scenario["draw"], scenario.get("delete", [])],
            )
            elements = page.evaluate(
                "window.chalktalkWhiteboard.api.getSceneElementsIncludingDeleted()"
            )
            fixture = {
                "scene": {"elements": elements, "appState": {}, "files": {}},
                "expect": scenario["expect"],
            }
            (OUT / f"{name}.json").write_text(json.dumps(fixture, indent=1) + "\n")
            print(f"{name}: {len(elements)} elements")
        browser.close()


if __name__ == "__main__":
    main()
