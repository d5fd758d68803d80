"""Realistic Excalidraw scenes for benchmarks: labelled boxes joined by bound arrows."""

from __future__ import annotations

import random

LABELS = ["Kafka", "Flink", "Feature store", "Trainer", "Model registry", "Prediction service", "Ranker",
          "Candidate generation", "Monitoring", "Prediction logs", "Data lake", "Cache", "A/B split"]  # fmt: skip


def element(id: str, kind: str, x: float, y: float, w: float, h: float, **extra) -> dict:
    """An element with the fields Excalidraw 0.18 writes, so sizes match real saves."""
    return {
        "id": id, "type": kind, "x": x, "y": y, "width": w, "height": h, "angle": 0,
        "strokeColor": "#1e1e1e", "backgroundColor": "transparent", "fillStyle": "solid", "strokeWidth": 2,
        "strokeStyle": "solid", "roughness": 1, "opacity": 100, "groupIds": [], "frameId": None,
        "index": f"a{id}", "roundness": {"type": 3}, "seed": random.randint(1, 2**31), "version": 3,
        "versionNonce": random.randint(1, 2**31), "isDeleted": False, "boundElements": [],
        "updated": 1764200000000, "link": None, "locked": False, **extra,
    }  # fmt: skip


def make_scene(n_elements: int, seed: int = 7) -> dict:
    """About n_elements: a third boxes, a third labels, a third arrows between neighbours."""
    random.seed(seed)
    elements = []
    boxes = n_elements // 3
    for i in range(boxes):
        x, y = (i % 20) * 260, (i // 20) * 160
        elements.append(
            element(
                f"b{i}", "rectangle", x, y, 200, 70, boundElements=[{"type": "text", "id": f"t{i}"}]
            )
        )
        label = LABELS[i % len(LABELS)]
        elements.append(element(f"t{i}", "text", x + 20, y + 25, 160, 25, text=label, originalText=label,
                                fontSize=20, fontFamily=5, textAlign="center", verticalAlign="middle",
                                containerId=f"b{i}", autoResize=True, lineHeight=1.25))  # fmt: skip
    for i in range(n_elements - 2 * boxes):
        a, b = i % boxes, (i + 1) % boxes
        elements.append(element(f"a{i}", "arrow", i * 3.0, i * 2.0, 60, 0, points=[[0, 0], [60, 0]],
                                startBinding={"elementId": f"b{a}", "focus": 0, "gap": 1},
                                endBinding={"elementId": f"b{b}", "focus": 0, "gap": 1},
                                startArrowhead=None, endArrowhead="arrow", elbowed=False))  # fmt: skip
    return {
        "elements": elements,
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": None},
        "files": {},
    }
