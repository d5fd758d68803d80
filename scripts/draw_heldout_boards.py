"""Re-draw the held-out answers' whiteboards by hand in the real app, and save what it stored.

Run against `make run` (e.g. `make run PORT=8016`):

    .venv/bin/python scripts/draw_heldout_boards.py --base http://127.0.0.1:8016 [--only ID ...]

For each answer in tests/data/heldout/*.jsonl that has a board, it logs in as the demo account,
starts a practice attempt on that question, makes the Excalidraw board full screen and draws the
author's board with the mouse and keyboard, the way a person would: boxes whose name fits a
component of the board's ML library are dropped from the library, resized and renamed; other
boxes are drawn with the rectangle / ellipse / diamond tools and labelled by typing; loose text
with the text tool (Alt-click inside a box, so it stays loose as the author had it); frames with
the frame tool, lines with the line tool, arrows dragged from shape to shape with the arrow tool
(elbowed and two-headed where the author's were), their labels typed; elements the author deleted
are drawn and then deleted. Page state is only read (to turn scene coordinates into pointer
positions and to check each step), never written. When the autosave has confirmed the board, the
scene is read back from the Whiteboard row in the SQLite database (--db) and written, one line per
board, to tests/data/heldout/browser_boards.jsonl (lines for boards not redrawn this run are kept).
A per-board comparison with the author's board (shapes, labels, arrows, connections) is printed;
`--check` prints it for the whole file without a browser.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    log_in,
    start_question,
    wait_for_board,
    wait_until,
)

HELDOUT = ROOT / "tests" / "data" / "heldout"
OUT = HELDOUT / "browser_boards.jsonl"
SHAPES = ("rectangle", "ellipse", "diamond")
VIEWPORT = {"width": 2400, "height": 1500}
# Where the board's top-left corner goes on screen: clear of the properties panel (left) and the
# toolbar (top); at zoom 100 % every held-out board then fits between there and the zoom controls.
ORIGIN = (340, 240)

# The library's components, slug -> name (read from its source).
COMPONENTS = dict(
    re.findall(
        r'\["([a-z-]+)", "([^"]+)", "[a-z]+"\]',
        (ROOT / "static/whiteboard/src/library.js").read_text(),
    )
)
# Which library item a box is, from the first line of its label; first match wins. Deliberately
# narrow: a box is dropped from the library only when the component plainly is what it names.
LIBRARY_RULES = [
    ("feature-store", r"feature store|online fs|\bfs\b|feast"),
    ("model-registry", r"model registry|^model reg\b|^registry$|^saved model"),
    ("re-ranking", r"re-?rank|^reorder|^last touch"),
    (
        "candidate-generation",
        r"cand(idate)?s? ?gen|^candidates\b|^retrieval|^narrow down|^short list|look-alike",
    ),
    ("ann-index", r"faiss|hnsw|^ann\b|ivf-pq|vector (db|index)|pinecone|scann|fingerprint store"),
    (
        "search-index",
        r"search index|hybrid index|^bm25$|\btrie\b|prefix index|search copy|ready-made list",
    ),
    ("experimentation", r"a/b|split test|experiment|old vs new|new vs old|random half"),
    ("monitoring", r"monitor|drift|dashboards|^watch"),
    ("event-stream", r"kafka|event log|order events|click logs|\bcdc\b"),
    (
        "stream-processing",
        r"flink|^streaming|hourly counter|live counts|quick updater|rising searches",
    ),
    (
        "batch-etl",
        r"spark|\betl\b|^training data|^build training|preprocess|^clean|feature pipeline|rebuild|daily build|^batch (embed|scor)",
    ),
    (
        "training-pipeline",
        r"^train|training\b|^retrain|weekly retrain|^learning job|^teach the model|^learn order",
    ),
    ("logging", r"\blogs?\b|logging|^record of|what (we|was) show"),
    ("labeling", r"^labels?\b|label store|review queue|^editor|human-in|^reviewers|^answers store"),
    ("cache", r"cache|^redis|\bkv\b|^ready answers|^saved (lists|answers)"),
    ("ranking", r"^ranker|ranking|lambdamart|^scoring (model|step)|^careful scor"),
    ("model-serving", r"^(?!availability).*(\bapi\b|service|\bsvc\b|serving)"),
    ("client", r"^client|\bapp\b|listing page|browser|phone|chat ui|^users?$"),
    ("data-lake", r"data lake|dwh|warehouse|^orders db"),
    ("load-balancer", r"^lb$|load balancer"),
    ("data-validation", r"validation|blocklist|guardrail|output checks"),
]

APP_STATE = """(() => { const s = window.chalktalkWhiteboard.api.getAppState();
  return {sx: s.scrollX, sy: s.scrollY, z: s.zoom.value, ol: s.offsetLeft, ot: s.offsetTop,
          selected: Object.keys(s.selectedElementIds || {}), editing: !!s.editingTextElement,
          tool: s.activeTool.type,
          fullscreen: window.chalktalkWhiteboard.isFullscreen()}; })()"""
# The same test the app's full-screen Escape handler makes: Escape now would not leave full screen.
# Escape ends these (and, as then the app's full-screen Escape handler sees the board busy, it
# does not leave full screen); a selection is cleared by clicking on an empty part of the board.
EDITING = """(() => { const s = window.chalktalkWhiteboard.api.getAppState();
  return !!(s.editingTextElement || s.newElement || s.multiElement || s.selectedLinearElement?.isEditing
    || s.editingLinearElement || s.openDialog || s.openMenu || s.openPopup); })()"""
ELEMENTS = "window.chalktalkWhiteboard.api.getSceneElementsIncludingDeleted()"


def library_slug(label: str) -> str | None:
    first = label.split("\n")[0].strip().lower()
    for slug, pattern in LIBRARY_RULES:
        if re.search(pattern, first):
            return slug
    return None


def font_option(size: float | None) -> str:
    size = size or 20
    if size <= 17:
        return "fontSize-small"
    if size <= 24:
        return "fontSize-medium"
    return "fontSize-large" if size <= 32 else "fontSize-veryLarge"


def inside(point, el, pad: float = 0.0) -> bool:
    x, y = point
    return (
        el["x"] - pad <= x <= el["x"] + el["width"] + pad
        and el["y"] - pad <= y <= el["y"] + el["height"] + pad
    )


def in_shape(point, el, margin: float) -> bool:
    """Is the point at least `margin` inside the shape's outline (ellipse and diamond too)?"""
    w, h = el["width"] / 2 - margin, el["height"] / 2 - margin
    if w <= 0 or h <= 0:
        return False
    dx, dy = abs(point[0] - el["x"] - el["width"] / 2), abs(point[1] - el["y"] - el["height"] / 2)
    if el["type"] == "ellipse":
        return (dx / w) ** 2 + (dy / h) ** 2 <= 1
    if el["type"] == "diamond":
        return dx / w + dy / h <= 1
    return dx <= w and dy <= h


def toward_inside(point, el, margin: float = 5.0):
    """The point moved towards the shape's centre until it is `margin` inside it."""
    if in_shape(point, el, margin):
        return point
    cx, cy = el["x"] + el["width"] / 2, el["y"] + el["height"] / 2
    for step in range(1, 101):
        t = step / 100
        p = (point[0] + (cx - point[0]) * t, point[1] + (cy - point[1]) * t)
        if in_shape(p, el, margin):
            return p
    return (cx, cy)


def outline(el, inset: float = 0.0, n: int = 144):
    """Points around a shape's outline (or `inset` inside it)."""
    cx, cy = el["x"] + el["width"] / 2, el["y"] + el["height"] / 2
    a, b = max(el["width"] / 2 - inset, 1), max(el["height"] / 2 - inset, 1)
    points = []
    for k in range(n):
        t = 2 * math.pi * k / n
        dx, dy = math.cos(t), math.sin(t)
        if el["type"] == "ellipse":
            points.append((cx + a * dx, cy + b * dy))
            continue
        if el["type"] == "diamond":
            a2, b2 = max(a - inset * 0.5, 1), max(b - inset * 0.5, 1)
            r = 1 / (abs(dx) / a2 + abs(dy) / b2)
        else:  # the rectangle's bounding box (text and frames too)
            r = min(a / abs(dx) if dx else math.inf, b / abs(dy) if dy else math.inf)
        points.append((cx + r * dx, cy + r * dy))
    return points


def outline_distance(point, el) -> float:
    return min(math.dist(point, q) for q in outline(el))


def binding_gap(el) -> float:
    """Excalidraw's maxBindingGap at zoom 100 %: how near an outline an arrow end binds."""
    ratio = 1 / math.sqrt(2) if el["type"] == "diamond" else 1
    return max(16, min(0.25 * ratio * min(el["width"], el["height"]), 32))


def solid(el) -> bool:
    """Excalidraw binds anywhere inside a solid-filled shape, else only near its outline."""
    return el.get("fillStyle") == "solid" and el.get("backgroundColor") not in (None, "transparent")


def press_point(point, target, board):
    """Where to press, for an arrow end on `target` (a shape as drawn here), so that Excalidraw
    binds it to that shape: inside it and near enough its outline, and clear of everything else
    an arrow can bind to (other shapes, loose text, frames). The nearest such point to the
    author's end is taken."""
    others = [
        e
        for e in board
        if e["id"] != target["id"]
        and (e["type"] in (*SHAPES, "frame") or (e["type"] == "text" and not e.get("containerId")))
    ]

    def clear(p):
        if not in_shape(p, target, 3):
            return False
        if not solid(target) and outline_distance(p, target) > binding_gap(target) - 3:
            return False
        for e in others:
            if solid(e) and in_shape(p, e, 0):
                return False
            if outline_distance(p, e) <= binding_gap(e) + 3:
                return False
        return True

    if clear(point):
        return point
    options = [q for inset in (5, 9, 13) for q in outline(target, inset)]
    good = [q for q in options if clear(q)]
    if good:
        return min(good, key=lambda q: math.dist(q, point))
    return toward_inside(point, target)


def arrow_ends(a):
    pts = a.get("points") or [[0, 0], [a["width"], a["height"]]]
    return (a["x"] + pts[0][0], a["y"] + pts[0][1]), (a["x"] + pts[-1][0], a["y"] + pts[-1][1])


# --- reading a board: labels and connections, the same way for the author's and the app's ------


def board_graph(elements):
    """Shapes with their labels (bound, or loose text whose corner lies on them) and arrows."""
    live = [e for e in elements if not e.get("isDeleted")]
    by_id = {e["id"]: e for e in live}
    shapes = [e for e in live if e["type"] in SHAPES]
    label = {s["id"]: [] for s in shapes}
    loose = []
    arrow_labels = {}
    for t in live:
        if t["type"] != "text":
            continue
        container = by_id.get(t.get("containerId"))
        text = (t.get("originalText") or t.get("text") or "").strip()
        if container is not None and container["type"] in SHAPES:
            label[container["id"]].append(text)
        elif container is not None and container["type"] == "arrow":
            arrow_labels[container["id"]] = text
        else:
            loose.append(t)
            hits = [s for s in shapes if inside((t["x"] + 2, t["y"] + 2), s)]
            if hits:
                smallest = min(hits, key=lambda s: s["width"] * s["height"])
                label[smallest["id"]].append(text)
    names = {sid: " / ".join(parts) for sid, parts in label.items()}

    def owner(point, binding):
        if binding and binding.get("elementId") in names:
            return (
                names[binding["elementId"]] or f"<unlabelled {by_id[binding['elementId']]['type']}>"
            )
        if binding and binding.get("elementId") in by_id:  # bound to loose text, or a frame
            other = by_id[binding["elementId"]]
            if other["type"] == "frame":
                return f"<frame {other.get('name') or ''}>"
            return (other.get("originalText") or "").strip()
        hits = [s for s in shapes if inside(point, s, pad=8)]
        if not hits:
            return None
        s = min(hits, key=lambda s: s["width"] * s["height"])
        return names[s["id"]] or f"<unlabelled {s['type']}>"

    edges = []
    for a in live:
        if a["type"] != "arrow":
            continue
        start, end = arrow_ends(a)
        edges.append(
            (
                owner(start, a.get("startBinding")),
                owner(end, a.get("endBinding")),
                arrow_labels.get(a["id"], ""),
            )
        )
    return {
        "shapes": len(shapes),
        "labelled": sum(1 for v in names.values() if v),
        "labels": sorted(v for v in names.values() if v),
        "arrows": sum(1 for e in live if e["type"] == "arrow"),
        "arrow_labels": len(arrow_labels),
        "lines": sum(1 for e in live if e["type"] == "line"),
        "frames": sorted((e.get("name") or "") for e in live if e["type"] == "frame"),
        "loose_text": len(loose),
        "deleted": sum(1 for e in elements if e.get("isDeleted")),
        "edges": sorted(edges, key=lambda e: tuple(str(x) for x in e)),
        "bound_arrow_ends": sum(
            bool(a.get(k))
            for a in live
            if a["type"] == "arrow"
            for k in ("startBinding", "endBinding")
        ),
    }


def compare(original, drawn) -> list[str]:
    a, b = board_graph(original), board_graph(drawn)
    problems = []
    for key in ("shapes", "labelled", "arrows", "arrow_labels", "lines", "loose_text", "deleted"):
        if a[key] != b[key]:
            problems.append(f"{key}: author {a[key]}, browser {b[key]}")
    if a["frames"] != b["frames"]:
        problems.append(f"frames: author {a['frames']}, browser {b['frames']}")
    norm = lambda s: re.sub(r"\s+", " ", s or "").strip()
    la, lb = [norm(x) for x in a["labels"]], [norm(x) for x in b["labels"]]
    if la != lb:
        problems.append(
            f"labels differ: author-only {sorted(set(la) - set(lb))}, browser-only {sorted(set(lb) - set(la))}"
        )
    ea = sorted((norm(s), norm(t), norm(lbl)) for s, t, lbl in a["edges"])
    eb = sorted((norm(s), norm(t), norm(lbl)) for s, t, lbl in b["edges"])
    if ea != eb:
        missing = [e for e in ea if e not in eb]
        extra = [e for e in eb if e not in ea]
        problems.append(f"connections differ: author-only {missing}, browser-only {extra}")
    return problems


# --- drawing --------------------------------------------------------------------------------


class Whiteboard:
    def __init__(self, page):
        self.page = page
        self.font = "fontSize-medium"  # Excalidraw's default size for new text

    # reading the page
    def state(self):
        return self.page.evaluate(APP_STATE)

    def elements(self):
        return self.page.evaluate(ELEMENTS)

    def ids(self) -> set[str]:
        return {e["id"] for e in self.elements()}

    def new_elements(self, before: set[str]):
        return [e for e in self.elements() if e["id"] not in before]

    def at(self, x: float, y: float):
        """Scene coordinates -> where the pointer goes in the window (re-read every time)."""
        s = self.state()
        return (x + s["sx"]) * s["z"] + s["ol"], (y + s["sy"]) * s["z"] + s["ot"]

    # input, as a person gives it
    def drag(self, a, b, steps: int = 10):
        self.page.mouse.move(*a)
        self.page.mouse.down()
        self.page.mouse.move(*b, steps=steps)
        self.page.mouse.up()

    def tool(self, name: str):
        self.page.locator(f"#whiteboard label:has([data-testid='toolbar-{name}'])").click()

    def option(self, testid: str):
        self.page.locator(f"#whiteboard label:has([data-testid='{testid}'])").click()

    def type_text(self, text: str):
        # The editor opens a frame after the click: wait until it has the keyboard focus.
        wait_until(self.page, "document.activeElement?.classList.contains('excalidraw-wysiwyg')")
        self.page.keyboard.type(text)

    def end_text(self):
        self.page.keyboard.press("Escape")
        wait_until(self.page, "!window.chalktalkWhiteboard.api.getAppState().editingTextElement")

    def settle(self):
        """Escape out of editing, then click on empty board to select nothing."""
        for _ in range(5):
            if not self.page.evaluate(EDITING):
                break
            self.page.keyboard.press("Escape")
            self.page.wait_for_timeout(40)
        state = self.state()
        if state["tool"] != "selection":
            self.tool("selection")
        if state["selected"]:
            self.page.mouse.click(*self.empty_spot())
        state = self.state()
        assert state["fullscreen"], "the board left full screen"
        assert not state["selected"], "nothing is selected"

    def empty_spot(self):
        """A point of the window, low on the board, that no element covers."""
        s = self.state()
        for x in range(700, 2000, 100):
            sx, sy = (x - s["ol"]) / s["z"] - s["sx"], (1400 - s["ot"]) / s["z"] - s["sy"]
            if not any(
                inside((sx, sy), e, pad=20) for e in self.elements() if not e.get("isDeleted")
            ):
                return x, 1400
        raise AssertionError("no empty spot to click")

    # opening the board
    def open_full_screen(self, min_x: float, min_y: float):
        self.page.locator(".chalktalk-wb-fullscreen").click()
        wait_until(self.page, "window.chalktalkWhiteboard.isFullscreen()")
        self.page.evaluate("window.chalktalkWhiteboard.api.refresh()")
        self.page.wait_for_timeout(200)
        s = self.state()
        want_sx = (ORIGIN[0] - s["ol"]) / s["z"] - min_x
        want_sy = (ORIGIN[1] - s["ot"]) / s["z"] - min_y
        self.page.mouse.move(VIEWPORT["width"] / 2, VIEWPORT["height"] / 2)
        self.page.mouse.wheel(-(want_sx - s["sx"]) * s["z"], -(want_sy - s["sy"]) * s["z"])
        self.page.wait_for_timeout(300)

    # things to draw
    def frame(self, f) -> str:
        before = self.ids()
        self.page.locator("#whiteboard .App-toolbar__extra-tools-trigger").click()
        self.page.get_by_text("Frame tool").click()
        self.drag(self.at(f["x"], f["y"]), self.at(f["x"] + f["width"], f["y"] + f["height"]))
        made = [e for e in self.new_elements(before) if e["type"] == "frame"]
        assert len(made) == 1, "the frame tool drew one frame"
        if f.get("name"):
            self.focus_board()
            self.page.keyboard.press("Enter")  # the new frame is selected: Enter edits its name
            self.page.wait_for_selector("div[id*='-frame-name-'] input")
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(f["name"])
            self.page.keyboard.press("Enter")
        self.settle()
        return made[0]["id"]

    def use_font(self, option: str):
        """Pick the font size new text gets (with the text tool, as the properties panel has it)."""
        if self.font != option:
            self.tool("text")
            self.option(option)
            self.tool("selection")
            self.font = option

    def fitting_font(
        self, label: str, shape_type: str, width: float, height: float, wanted: str
    ) -> str:
        """Medium, unless the label would not fit the author's box at that size (then small).

        Excalidraw wraps a label that is too wide and makes the box taller for it; a person picks
        a smaller size instead. Measured the way Excalidraw measures: its font, its padding.
        """
        if wanted != "fontSize-medium":
            return wanted
        widths = self.page.evaluate(
            """([lines]) => { const c = document.createElement("canvas").getContext("2d");
               c.font = "20px Excalifont, Xiaolai, sans-serif, Segoe UI Emoji";
               return lines.map((l) => c.measureText(l).width); }""",
            [label.split("\n")],
        )
        factor = {"ellipse": math.sqrt(2) / 2, "diamond": 0.5}.get(shape_type, 1.0)
        max_w, max_h = round(width * factor) - 10, round(height * factor) - 10
        fits = max(widths) <= max_w and len(widths) * 20 * 1.25 <= max_h
        return "fontSize-medium" if fits else "fontSize-small"

    def focus_board(self):
        """Keys go to the board only while it (not one of its buttons) has the focus; a person
        would click into it, focusing it selects nothing."""
        on_board = """(() => { const el = document.activeElement;
          return document.querySelector('#whiteboard .excalidraw').contains(el)
            && !["BUTTON", "INPUT", "LABEL"].includes(el.tagName); })()"""
        if not self.page.evaluate(on_board):
            self.page.locator("#whiteboard .excalidraw").focus()
            assert self.page.evaluate(on_board), "the board has the keyboard focus"

    def label_selected(self, text: str, replace: bool = False):
        """Enter on the selected shape or arrow starts typing its label."""
        self.focus_board()
        self.page.keyboard.press("Enter")
        self.page.wait_for_selector("textarea.excalidraw-wysiwyg")
        if replace:
            self.page.keyboard.press("Control+A")
        self.type_text(text)
        self.end_text()

    def free_shape(self, s, label: str | None, font: str) -> str:
        if label:
            self.use_font(font)
        before = self.ids()
        self.tool(s["type"])
        self.drag(self.at(s["x"], s["y"]), self.at(s["x"] + s["width"], s["y"] + s["height"]))
        made = [e for e in self.new_elements(before) if e["type"] == s["type"]]
        assert len(made) == 1, f"the {s['type']} tool drew one {s['type']}"
        if label:
            self.label_selected(label)
        self.settle()
        return made[0]["id"]

    def library_shape(self, s, slug: str, label: str, font: str) -> str:
        before = self.ids()
        # The palette beside the canvas shows every component by name and stays open.
        unit = self.page.locator(f"#whiteboard [data-component='{slug}']")
        canvas = self.page.locator("#whiteboard canvas.interactive")
        box = canvas.bounding_box()
        # Dropped items land centred on the pointer; aim so the item's top-left is the author's.
        cx, cy = self.at(s["x"] + 100, s["y"] + 35)
        unit.drag_to(canvas, target_position={"x": cx - box["x"], "y": cy - box["y"]})
        made = self.new_elements(before)
        rect = next(e for e in made if e["type"] == "rectangle")
        assert (rect.get("customData") or {}).get("chalktalkComponent") == slug, (
            "the right library item"
        )
        if set(self.state()["selected"]) != {rect["id"]}:
            self.page.mouse.click(
                *self.at(rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2)
            )
        # Resize with the bottom-right handle to the author's size.
        hx, hy = self.at(rect["x"] + rect["width"], rect["y"] + rect["height"])
        tx, ty = self.at(rect["x"] + s["width"], rect["y"] + s["height"])
        self.drag((hx + 5, hy + 5), (tx + 5, ty + 5), steps=8)
        if font != "fontSize-medium":
            self.option(font)  # the item and its label are selected: the label gets this size
            self.font = font
        self.label_selected(label, replace=True)
        self.settle()
        return rect["id"]

    def loose_text(self, t, shapes_drawn) -> str:
        before = self.ids()
        self.tool("text")
        self.font = font_option(t.get("fontSize"))
        self.option(self.font)
        point = (t["x"], t["y"])
        alt = any(inside(point, s) for s in shapes_drawn)  # Alt-click: do not bind to the box
        if alt:
            self.page.keyboard.down("Alt")
        self.page.mouse.click(*self.at(*point))
        if alt:
            self.page.keyboard.up("Alt")
        self.type_text(t.get("originalText") or t["text"])
        self.end_text()
        self.settle()
        made = [
            e for e in self.new_elements(before) if e["type"] == "text" and not e.get("isDeleted")
        ]
        assert len(made) == 1, "the text tool wrote one text"
        return made[0]["id"]

    def line(self, a) -> str:
        before = self.ids()
        self.tool("line")
        start, end = arrow_ends(a)
        self.drag(self.at(*start), self.at(*end))
        self.settle()
        made = [e for e in self.new_elements(before) if e["type"] == "line"]
        assert len(made) == 1
        return made[0]["id"]

    def arrow(self, start, end, a, label: str | None, font: str) -> str:
        if label:
            self.use_font(font)
        before = self.ids()
        self.tool("arrow")
        self.option("elbow-arrow" if a.get("elbowed") else "sharp-arrow")
        self.drag(self.at(*start), self.at(*end), steps=14)
        made = [e for e in self.new_elements(before) if e["type"] == "arrow"]
        assert len(made) == 1, "the arrow tool drew one arrow"
        for end_name, wanted in (
            ("start", a.get("startArrowhead")),
            ("end", a.get("endArrowhead", "arrow")),
        ):
            if wanted != made[0].get(f"{end_name}Arrowhead"):
                self.page.locator(f"#whiteboard button[aria-label='arrowhead_{end_name}']").click()
                name = "None" if wanted is None else wanted.capitalize()
                self.page.locator(f"#whiteboard .picker-option[aria-label='{name}']").click()
        if label:
            self.label_selected(label)
        self.settle()
        return made[0]["id"]

    def delete(self, element_id: str):
        el = next(e for e in self.elements() if e["id"] == element_id)
        candidates = [
            (el["x"] + el["width"] / 2, el["y"] + el["height"] / 2),
            (el["x"], el["y"] + el["height"] / 2),
            (el["x"] + el["width"] / 2, el["y"]),
        ]
        for point in candidates:
            self.settle()
            self.page.mouse.click(*self.at(*point))
            if element_id in self.state()["selected"]:
                break
        else:
            raise AssertionError(f"could not select {el['type']} to delete it")
        self.focus_board()
        self.page.keyboard.press("Delete")
        self.settle()

    def wait_saved(self, timeout: float = 30.0):
        """The autosave confirmed the scene that is on the board now."""
        self.page.wait_for_timeout(2000)  # its debounce: about 1.5 s after the last change
        deadline = time.monotonic() + timeout
        while self.page.locator("[data-board-state]").get_attribute("data-save-state") != "saved":
            assert time.monotonic() < deadline, "the board did not save"
            self.page.wait_for_timeout(200)


def draw_board(wb: Whiteboard, scene) -> dict:
    """Draw the author's scene; returns notes on what was done."""
    elements = scene["elements"]
    by_id = {e["id"]: e for e in elements}
    notes = {"library": [], "free": 0}
    bound_label = {}
    for t in elements:
        c = by_id.get(t.get("containerId")) if t["type"] == "text" else None
        if c is not None and c["type"] in SHAPES:
            bound_label[c["id"]] = t
    arrow_label = {
        t["containerId"]: t
        for t in elements
        if t["type"] == "text" and by_id.get(t.get("containerId"), {}).get("type") == "arrow"
    }
    drawn = {}
    for f in (e for e in elements if e["type"] == "frame" and not e.get("isDeleted")):
        drawn[f["id"]] = wb.frame(f)
    drawn_shapes = []
    for s in (e for e in elements if e["type"] in SHAPES):
        label_el = bound_label.get(s["id"])
        label = (label_el.get("originalText") or label_el["text"]) if label_el else None
        font = font_option(label_el.get("fontSize") if label_el else None)
        if label:
            font = wb.fitting_font(label, s["type"], s["width"], s["height"], font)
        slug = library_slug(label) if label and s["type"] == "rectangle" else None
        if slug:
            drawn[s["id"]] = wb.library_shape(s, slug, label, font)
            notes["library"].append(slug)
        else:
            drawn[s["id"]] = wb.free_shape(s, label, font)
            notes["free"] += 1
        drawn_shapes.append(s)
        if s.get("isDeleted"):
            # Drawn and then thrown away, with the loose text written on it.
            for t in elements:
                if (
                    t["type"] == "text"
                    and not t.get("containerId")
                    and t.get("isDeleted")
                    and inside((t["x"] + 2, t["y"] + 2), s)
                ):
                    drawn[t["id"]] = wb.loose_text(t, drawn_shapes)
                    wb.delete(drawn[t["id"]])
            wb.delete(drawn[s["id"]])
            drawn_shapes.remove(s)
    for t in elements:
        if t["type"] != "text" or t["id"] in drawn or (t.get("containerId") in by_id):
            continue
        drawn[t["id"]] = wb.loose_text(t, drawn_shapes)
        if t.get("isDeleted"):
            wb.delete(drawn[t["id"]])
    for a in (e for e in elements if e["type"] == "line" and not e.get("isDeleted")):
        drawn[a["id"]] = wb.line(a)
    live_shapes = [e for e in elements if e["type"] in SHAPES and not e.get("isDeleted")]
    for a in (e for e in elements if e["type"] == "arrow" and not e.get("isDeleted")):
        ends = list(arrow_ends(a))
        on_board = {e["id"]: e for e in wb.elements() if not e.get("isDeleted")}
        # From shape to shape: each end the author had on a shape (bound, or drawn onto it) is
        # pressed on that shape as drawn here, clear of anything else an arrow could bind to.
        for i, key in enumerate(("startBinding", "endBinding")):
            target = by_id.get((a.get(key) or {}).get("elementId"))
            if target is None or target["type"] not in SHAPES:
                hits = [s for s in live_shapes if inside(ends[i], s, pad=8)]
                target = min(hits, key=lambda s: s["width"] * s["height"]) if hits else None
            if target is not None and drawn.get(target["id"]) in on_board:
                ends[i] = press_point(ends[i], on_board[drawn[target["id"]]], on_board.values())
        label_el = arrow_label.get(a["id"])
        label = (label_el.get("originalText") or label_el["text"]) if label_el else None
        font = font_option(label_el.get("fontSize") if label_el else None)
        drawn[a["id"]] = wb.arrow(ends[0], ends[1], a, label, font)
    return notes


def heldout_answers():
    for path in sorted(HELDOUT.glob("*.jsonl")):
        if path == OUT:
            continue
        for line in path.read_text().splitlines():
            if line.strip():
                answer = json.loads(line)
                board = answer.get("whiteboard")
                if board and any(not e.get("isDeleted") for e in board.get("elements", [])):
                    yield answer


def saved_scene(db: Path, attempt_id: int):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT scene, version FROM interviews_whiteboard WHERE attempt_id = ?", (attempt_id,)
        ).fetchone()
    assert row and row[0], f"no saved board for attempt {attempt_id}"
    return json.loads(row[0]), row[1]


def check(out: Path) -> int:
    """Every line parses and carries its answer's fields; print how each board differs."""
    answers = {a["id"]: a for a in heldout_answers()}
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    bad = 0
    per_question = {}
    for row in rows:
        answer = answers[row["source_id"]]
        assert row["id"] == f"{answer['id']}-browser" and row["question"] == answer["question"]
        assert row["board_level"] == answer.get("board_level")
        assert isinstance(row["whiteboard"]["elements"], list)
        per_question.setdefault(row["question"], []).append(row["board_level"])
        a, b = (
            board_graph(answer["whiteboard"]["elements"]),
            board_graph(row["whiteboard"]["elements"]),
        )
        problems = compare(answer["whiteboard"]["elements"], row["whiteboard"]["elements"])
        bad += bool(problems)
        print(
            f"{row['source_id']:42} level {row['board_level']}  shapes {a['shapes']}/{b['shapes']}"
            f"  labelled {a['labelled']}/{b['labelled']}  arrows {a['arrows']}/{b['arrows']}"
            f"  arrow labels {a['arrow_labels']}/{b['arrow_labels']}"
            f"  bound arrow ends {a['bound_arrow_ends']}/{b['bound_arrow_ends']}"
            + "".join(f"\n    - {p}" for p in problems)
        )
    for question, levels in sorted(per_question.items()):
        print(f"{question}: {len(levels)} boards, levels {sorted(levels, key=str)}")
    print(f"{len(rows)} lines parse; {bad} differ from the author's board (author/browser above)")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--db", type=Path, default=ROOT / "db.sqlite3", help="the app's SQLite file"
    )
    parser.add_argument(
        "--only", nargs="*", help="answer ids to (re)draw; default: all with a board"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--shots", type=Path, help="save a screenshot of each finished board here")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="practice-makes-perfect")
    parser.add_argument(
        "--check", action="store_true", help="only compare --out with the authors' boards"
    )
    args = parser.parse_args()
    if args.check:
        sys.exit(check(args.out))

    answers = [a for a in heldout_answers() if not args.only or a["id"] in args.only]
    kept = {}
    if args.out.exists():
        for line in args.out.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                kept[row["source_id"]] = row
    failures = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        log_in(page, args.base, args.username, args.password)
        for answer in answers:
            started = time.monotonic()
            try:
                page.goto(args.base + "/questions/")
                start_question(page, answer["question"])
                attempt_id = int(page.url.rstrip("/").split("/")[-1])
                wait_for_board(page)
                wb = Whiteboard(page)
                live = [e for e in answer["whiteboard"]["elements"] if not e.get("isDeleted")]
                wb.open_full_screen(min(e["x"] for e in live), min(e["y"] for e in live))
                notes = draw_board(wb, answer["whiteboard"])
                wb.settle()
                wb.wait_saved()
                if args.shots:
                    args.shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.shots / f"{answer['id']}.png"))
                on_board = {(e["id"], e["version"]) for e in wb.elements()}
                scene, version = saved_scene(args.db, attempt_id)
                assert {(e["id"], e["version"]) for e in scene["elements"]} == on_board, (
                    "the saved scene is the one on the board"
                )
            except Exception as exc:  # noqa: BLE001 - report and go on with the next board
                failures[answer["id"]] = f"{type(exc).__name__}: {exc}".splitlines()[0]
                print(f"{answer['id']}: FAILED {failures[answer['id']]}", flush=True)
                if args.shots:
                    args.shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.shots / f"{answer['id']}-failed.png"))
                continue
            kept[answer["id"]] = {
                "id": f"{answer['id']}-browser",
                "source_id": answer["id"],
                "question": answer["question"],
                "board_level": answer.get("board_level"),
                "whiteboard": scene,
            }
            problems = compare(answer["whiteboard"]["elements"], scene["elements"])
            print(
                f"{answer['id']}: attempt {attempt_id} v{version}, {len(scene['elements'])} elements, "
                f"library {len(notes['library'])} ({', '.join(notes['library'])}), free {notes['free']}, "
                f"{time.monotonic() - started:.0f} s" + "".join(f"\n    - {p}" for p in problems),
                flush=True,
            )
        browser.close()
    order = [a["id"] for a in heldout_answers()]
    rows = sorted(
        kept.values(),
        key=lambda r: order.index(r["source_id"]) if r["source_id"] in order else len(order),
    )
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(
        f"wrote {len(rows)} boards to {args.out}"
        + (f"; failed: {sorted(failures)}" if failures else "")
    )


if __name__ == "__main__":
    main()
