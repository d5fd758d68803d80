"""Builders for Excalidraw scene JSON in tests (shapes, bound labels, arrows)."""

from __future__ import annotations

from typing import Any


def box(id: str, label: str | None, x: float, y: float, *, w: float = 160, h: float = 60,
        kind: str = "rectangle", loose: bool = False) -> list[dict[str, Any]]:  # fmt: skip
    """A shape with its label bound (`containerId`) or, with `loose`, lying over it."""
    shape = {"id": id, "type": kind, "x": x, "y": y, "width": w, "height": h, "version": 1}
    if label is None:
        return [shape]
    text = {"id": f"{id}-label", "type": "text", "x": x + 10, "y": y + 20, "width": w - 20, "height": 20,
            "text": label, "originalText": label, "version": 1, "containerId": None if loose else id}  # fmt: skip
    return [shape, text]


def arrow(id: str, start: tuple[float, float], end: tuple[float, float], *, source: str | None = None,
          target: str | None = None, heads: str = "end", label: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """An arrow from `start` to `end`, bound to `source`/`target` when given."""
    element = {
        "id": id, "type": "arrow", "x": start[0], "y": start[1], "width": abs(end[0] - start[0]),
        "height": abs(end[1] - start[1]), "points": [[0, 0], [end[0] - start[0], end[1] - start[1]]],
        "startBinding": {"elementId": source} if source else None,
        "endBinding": {"elementId": target} if target else None,
        "startArrowhead": "arrow" if heads in ("start", "both") else None,
        "endArrowhead": "arrow" if heads in ("end", "both") else None, "version": 1,
    }  # fmt: skip
    if not label:
        return [element]
    return [element, {"id": f"{id}-label", "type": "text", "x": start[0], "y": start[1], "width": 40,
                      "height": 20, "text": label, "containerId": id, "version": 1}]  # fmt: skip


def scene(*parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"elements": [e for part in parts for e in part], "appState": {}, "files": {}}
