"""Render the dev board corpus (boards.txt) into Excalidraw scenes: boards.jsonl.

    .venv/bin/python tests/data/boards_dev/render.py

The boards are written in a small notation so they can be read and reviewed as designs; each is
drawn in one of the styles people use, with the fields Excalidraw 0.18 writes:

    board <id> <question> <level> [style=<style>] [type=<kind of answer>]
      <key> "<label>" <col> <row> [shape=ellipse|diamond] [mode=bound|loose|beside|group|library:<kind>|caption]
      <key> > <key> ["<label>"] [mode=bound|unbound|elbow|line|both|curve] [label=bound|loose]
      frame "<name>": <key> <key> ...
      deleted "<label>" <col> <row>

Styles: bound (text bound to boxes, bound arrows), loose (loose text over shapes, unbound arrows),
beside (icons with captions beside them), library (the app's component library, some renamed),
elbow (elbow arrows), lines (lines without arrowheads), frames (frames with members), mixed
(a random mix per element, seeded by the board id).

A "\\n" in a label is a line break.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shlex
from pathlib import Path

HERE = Path(__file__).resolve().parent
COL, ROW = 250.0, 150.0
W, H = 180.0, 70.0
STYLES = ("bound", "loose", "beside", "library", "elbow", "lines", "frames", "mixed")
LIBRARY = {  # kind -> the label the app's component library gives it
    "client": "Client", "load-balancer": "Load balancer", "event-stream": "Event stream",
    "stream-processing": "Stream processing", "data-lake": "Data lake", "batch-etl": "Batch ETL",
    "labeling": "Labeling", "data-validation": "Data validation", "feature-store": "Feature store",
    "training-pipeline": "Training pipeline", "model-registry": "Model registry",
    "model-serving": "Model serving", "candidate-generation": "Candidate generation",
    "ranking": "Ranking", "re-ranking": "Re-ranking", "ann-index": "ANN index",
    "search-index": "Search index", "cache": "Cache", "experimentation": "Experimentation (A/B split)",
    "monitoring": "Monitoring", "logging": "Logging",
}  # fmt: skip


class Scene:
    def __init__(self, board_id: str):
        self.elements: list[dict] = []
        self.rng = random.Random(int(hashlib.sha256(board_id.encode()).hexdigest()[:8], 16))
        self.count = 0
        self.prefix = re.sub(r"[^a-z0-9]", "", board_id.lower())[:10]

    def new_id(self) -> str:
        self.count += 1
        token = "".join(
            self.rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789_-")
            for _ in range(12)
        )
        return f"{self.prefix}{self.count:03d}{token}"[:21]

    def base(self, kind: str, x: float, y: float, w: float, h: float, **extra) -> dict:
        element = {
            "id": self.new_id(), "type": kind, "x": round(x, 2), "y": round(y, 2), "width": round(w, 2),
            "height": round(h, 2), "angle": 0, "strokeColor": "#1e1e1e", "backgroundColor": "transparent",
            "fillStyle": "solid", "strokeWidth": 2, "strokeStyle": "solid", "roughness": 1, "opacity": 100,
            "groupIds": [], "frameId": None, "index": f"a{self.count}", "roundness": {"type": 3},
            "seed": self.rng.randint(1, 2**31), "version": self.rng.randint(2, 40),
            "versionNonce": self.rng.randint(1, 2**31), "isDeleted": False, "boundElements": [],
            "updated": 1795749349300, "link": None, "locked": False,
        }  # fmt: skip
        element.update(extra)
        self.elements.append(element)
        return element

    def text(
        self, content: str, x: float, y: float, container: str | None = None, size: int = 20
    ) -> dict:
        lines = content.split("\n")
        w = max(len(line) for line in lines) * size * 0.55
        h = len(lines) * size * 1.25
        return self.base("text", x, y, w, h, text=content, originalText=content, fontSize=size, fontFamily=5,
                         textAlign="center" if container else "left", verticalAlign="middle" if container else "top",
                         containerId=container, autoResize=True, lineHeight=1.25)  # fmt: skip


def _clip(
    box: tuple[float, float, float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from the box's centre to `towards` leaves the box."""
    x1, y1, x2, y2 = box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    tx = (x2 - cx) / abs(dx) if dx else float("inf")
    ty = (y2 - cy) / abs(dy) if dy else float("inf")
    t = min(tx, ty)
    return cx + dx * t, cy + dy * t


def render(spec: dict) -> dict:
    scene = Scene(spec["id"])
    style = spec["style"]
    boxes: dict[str, dict] = {}
    frame_of = {key: name for name, keys in spec["frames"] for key in keys}
    frames: dict[str, dict] = {}
    for name, keys in spec["frames"]:  # frames first, sized around their members
        cells = [b for b in spec["boxes"] if b["key"] in keys]
        if not cells:
            continue
        x1 = min(b["col"] for b in cells) * COL - 40
        y1 = min(b["row"] for b in cells) * ROW - 60
        x2 = max(b["col"] for b in cells) * COL + W + 40
        y2 = max(b["row"] for b in cells) * ROW + H + 50
        if style == "frames" or spec.get("frame_mode") == "frame":
            frames[name] = scene.base("frame", x1, y1, x2 - x1, y2 - y1, name=name, roundness=None)
        else:  # a big box with a title in its top corner
            scene.base("rectangle", x1, y1, x2 - x1, y2 - y1, strokeStyle="dashed", roundness=None)
            scene.text(name, x1 + 12, y1 + 8, size=16)
    for b in spec["boxes"]:
        mode = b.get("mode") or {"loose": "loose", "beside": "beside", "library": "bound"}.get(
            style, "bound"
        )
        if style == "mixed" and not b.get("mode"):
            mode = scene.rng.choice(["bound", "bound", "loose", "beside", "group"])
        shape = b.get("shape") or (
            "ellipse" if mode == "beside" and scene.rng.random() < 0.7 else "rectangle"
        )
        x, y = b["col"] * COL + scene.rng.uniform(-8, 8), b["row"] * ROW + scene.rng.uniform(-6, 6)
        w, h = (110.0, 70.0) if mode in ("beside", "group") else (W, H)
        extra = {}
        library = None
        if mode.startswith("library:"):
            library = mode.split(":", 1)[1]
            extra["customData"] = {"chalktalkComponent": library, "group": "data"}
            extra["backgroundColor"] = "#a5d8ff"
            w, h, mode = 200.0, 70.0, "bound"
        if b["key"] in frame_of and frame_of[b["key"]] in frames:
            extra["frameId"] = frames[frame_of[b["key"]]]["id"]
        element = scene.base(shape, x, y, w, h, **extra)
        boxes[b["key"]] = element
        label = b["label"]
        if label == "-" and library:
            label = LIBRARY[library]
        if mode == "bound":
            text = scene.text(label, x + 10, y + h / 2 - 12, container=element["id"])
            element["boundElements"].append({"type": "text", "id": text["id"]})
        elif mode == "loose":
            scene.text(label, x + 14, y + h / 2 - 12)
        elif mode == "beside":
            scene.text(label, x - 10, y + h + 6, size=16)
        elif mode == "caption":  # a title just above the shape
            scene.text(label, x, y - 30, size=16)
        elif mode == "group":
            group = scene.new_id()
            element["groupIds"] = [group]
            text = scene.text(label, x - 10, y + h + 6, size=16)
            text["groupIds"] = [group]
        if b["key"] in frame_of and frame_of[b["key"]] in frames:
            for e in scene.elements[-2:]:
                e["frameId"] = frames[frame_of[b["key"]]]["id"]
    for a in spec["arrows"]:
        source, target = boxes[a["from"]], boxes[a["to"]]
        sbox = (
            source["x"],
            source["y"],
            source["x"] + source["width"],
            source["y"] + source["height"],
        )
        tbox = (
            target["x"],
            target["y"],
            target["x"] + target["width"],
            target["y"] + target["height"],
        )
        mode = a.get("mode") or {
            "loose": "unbound",
            "beside": "unbound",
            "elbow": "elbow",
            "lines": "line",
        }.get(style, "bound")
        if style == "mixed" and not a.get("mode"):
            mode = scene.rng.choice(["bound", "unbound", "elbow", "line", "bound"])
        if style == "lines" and not a.get("mode") and scene.rng.random() < 0.4:
            mode = "bound"
        start = _clip(sbox, ((tbox[0] + tbox[2]) / 2, (tbox[1] + tbox[3]) / 2))
        end = _clip(tbox, ((sbox[0] + sbox[2]) / 2, (sbox[1] + sbox[3]) / 2))
        gap = scene.rng.uniform(2, 9) if mode in ("unbound", "line") else 1.0
        length = max(1.0, ((end[0] - start[0]) ** 2 + (end[1] - start[1]) ** 2) ** 0.5)
        ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
        start = (start[0] + ux * gap, start[1] + uy * gap)
        end = (end[0] - ux * gap, end[1] - uy * gap)
        if mode == "elbow":
            mid = (start[0] + end[0]) / 2
            points = [start, (mid, start[1]), (mid, end[1]), end]
        elif mode == "curve":
            points = [start, ((start[0] + end[0]) / 2 + 30, (start[1] + end[1]) / 2 - 30), end]
        else:
            points = [start, end]
        ox, oy = points[0]
        rel = [[round(px - ox, 2), round(py - oy, 2)] for px, py in points]
        xs, ys = [p[0] for p in rel], [p[1] for p in rel]
        kind = "line" if mode == "line" else "arrow"
        bound = mode in ("bound", "elbow", "both", "curve")
        arrow = scene.base(
            kind, ox, oy, max(xs) - min(xs), max(ys) - min(ys), points=rel, lastCommittedPoint=None,
            startBinding={"elementId": source["id"], "focus": 0, "gap": 1} if bound else None,
            endBinding={"elementId": target["id"], "focus": 0, "gap": 1} if bound else None,
            startArrowhead="arrow" if mode == "both" else None,
            endArrowhead=None if kind == "line" else "arrow", elbowed=mode == "elbow", roundness=None,
        )  # fmt: skip
        if bound:
            source["boundElements"].append({"id": arrow["id"], "type": "arrow"})
            target["boundElements"].append({"id": arrow["id"], "type": "arrow"})
        if a.get("label"):
            mx, my = (
                points[len(points) // 2 - 1]
                if len(points) > 2
                else ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            )
            if a.get("label_mode", "bound") == "bound" and kind == "arrow":
                text = scene.text(a["label"], mx - 20, my - 10, container=arrow["id"], size=16)
                arrow["boundElements"].append({"type": "text", "id": text["id"]})
            else:
                scene.text(a["label"], mx - 20, my - 22, size=16)
    for d in spec["deleted"]:
        gone = scene.base("rectangle", d["col"] * COL, d["row"] * ROW, W, H, isDeleted=True)
        scene.text(d["label"], d["col"] * COL + 10, d["row"] * ROW + 20, container=gone["id"])[
            "isDeleted"
        ] = True
    return {
        "elements": scene.elements,
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": None},
        "files": {},
    }


_BOX = re.compile(r'^(\w+)\s+"((?:[^"\\]|\\.)*)"\s+(-?[\d.]+)\s+(-?[\d.]+)(.*)$')
_ARROW = re.compile(r'^(\w+)\s+(>|<>|-)\s+(\w+)(?:\s+"((?:[^"\\]|\\.)*)")?(.*)$')
_FRAME = re.compile(r'^frame\s+"([^"]+)":\s*(.*)$')


def _options(rest: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(rest) if "=" in item)


def parse(text: str) -> list[dict]:
    boards: list[dict] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r" #(?=[^\"]*(?:\"[^\"]*\"[^\"]*)*$)", raw, maxsplit=1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        line = line.strip()
        if line.startswith("board "):
            head = line.split()
            options = _options(" ".join(head[4:]))
            style = options.get("style", "bound")
            assert style in STYLES, f"line {number}: unknown style {style}"
            boards.append({"id": head[1], "question": head[2], "board_level": int(head[3]), "style": style,
                           "type": options.get("type", ""), "frame_mode": options.get("frames", ""),
                           "boxes": [], "arrows": [], "frames": [], "deleted": []})  # fmt: skip
            continue
        board = boards[-1]
        if m := _FRAME.match(line):
            board["frames"].append((m.group(1), m.group(2).split()))
        elif line.startswith("deleted "):
            parts = shlex.split(line)
            board["deleted"].append(
                {"label": parts[1], "col": float(parts[2]), "row": float(parts[3])}
            )
        elif m := _ARROW.match(line):
            options = _options(m.group(5))
            mode = options.get("mode") or {"<>": "both", "-": "line"}.get(m.group(2))
            board["arrows"].append({"from": m.group(1), "to": m.group(3), "label": (m.group(4) or "").replace("\\n", "\n"),
                                    "mode": mode, "label_mode": options.get("label", "bound")})  # fmt: skip
        elif m := _BOX.match(line):
            options = _options(m.group(5))
            board["boxes"].append({"key": m.group(1), "label": m.group(2).replace("\\n", "\n"),
                                   "col": float(m.group(3)), "row": float(m.group(4)),
                                   "shape": options.get("shape"), "mode": options.get("mode")})  # fmt: skip
        else:
            raise SystemExit(f"boards.txt line {number}: cannot read {line!r}")
    keys = [b["id"] for b in boards]
    assert len(keys) == len(set(keys)), "board ids must be unique"
    for board in boards:
        known = {b["key"] for b in board["boxes"]}
        for a in board["arrows"]:
            assert a["from"] in known and a["to"] in known, (
                f"{board['id']}: arrow {a} names an unknown box"
            )
    return boards


def main() -> None:
    boards = parse((HERE / "boards.txt").read_text(encoding="utf-8"))
    with open(HERE / "boards.jsonl", "w", encoding="utf-8") as out:
        for board in boards:
            row = {"id": board["id"], "question": board["question"], "board_level": board["board_level"],
                   "style": board["style"], "type": board["type"], "whiteboard": render(board)}  # fmt: skip
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"{len(boards)} boards for {len({b['question'] for b in boards})} questions -> boards.jsonl"
    )


if __name__ == "__main__":
    main()
