"""Reading an Excalidraw scene as a system graph: components with roles, and connections.

Pure functions over the scene JSON. People draw in many ways, and each is read:
- a label is text bound to a shape (`containerId`), loose text lying over a shape, text grouped
  with a shape, or a caption just beside a shape that has no label of its own; loose text near
  nothing is a component of its own;
- a frame (or a big labelled box around other boxes) is an area: its name gives context to what
  sits in it, so an "XGBoost" box inside "Training" trains models;
- a component plays one or more roles, read from its label (`Vocabulary.read`), from the component
  library's tag (`customData.chalktalkComponent`) when the label names none, or from what the
  candidate said it is (`customData.chalktalkSaid`, a correction made on the results page);
- an edge is an arrow or a line bound to shapes, or unbound with its ends in or just beside them
  (elbow and curved arrows too: the first and last points decide); arrowheads decide the direction,
  two heads or none go both ways; text bound to an arrow, or lying along it, is its label and can
  carry a role ("logs", "features", "retrain daily");
- deleted elements are ignored.

Checks walk the graph on roles with bounded searches (`walk`, `find_loop`, `find_shared`), and
say in the board's own labels what they found or what is missing (`Finding`).
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rubric.scene import SAID_KEY
from rubric.text import MAX_NGRAM, tokens

SHAPES = frozenset({"rectangle", "ellipse", "diamond", "embeddable"})
FRAMES = frozenset({"frame", "magicframe"})
CONNECTORS = frozenset({"arrow", "line"})
# How far outside a shape an unbound arrow may end and still count as touching it.
SNAP_MARGIN = 16.0
# How far from a shape (or an arrow) loose text may lie and still be its caption (or its label).
NEAR = 30.0
# A path between two stated roles may pass through this many edges; a link (either direction)
# through this many. Beyond that a board of everything-connected-to-everything proves nothing.
LEG_HOPS = 5
LINK_HOPS = 3
# A label naming more roles than this is a pile of buzzwords: only its main role counts.
MAX_LABEL_ROLES = 3
# Loops and starts tried per check, so a pathological board cannot make a check slow.
MAX_STARTS = 40
_CELL = 256.0
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")
# Parts of a label: line breaks, brackets, punctuation, and relative clauses ("Job that learns
# from yesterday's data": what it does is in the clause).
_SEGMENT_BREAK = re.compile(
    r"[\n\r()\[\]{},;:+|&•→]|->|=>|\s[-–—]\s|\b(?:that|which|who|whose|where)\b", re.IGNORECASE
)
_ONLINE = frozenset(tokens("online real-time realtime serving inference live request-time"))
_OFFLINE = frozenset(tokens("offline batch historical nightly daily training"))


# --- the vocabulary ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentKind:
    """A role a box can play, and the words that name it (see components.yaml)."""

    kind: str
    label: str
    terms: tuple[str, ...]
    tech: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    absorbs: tuple[str, ...] = ()
    does: str = ""
    noun: str = ""
    verbs: tuple[str, ...] = ()  # leading a part, they name what the box does: "Fine-tune ranker"


@dataclass(frozen=True)
class RoleGroup:
    """A named set of roles a check may ask for in one step ("a store of training data")."""

    name: str
    noun: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """What a label says: its roles (main one first, implied ones after) and how sure that is."""

    roles: tuple[str, ...] = ()
    primary: str | None = None
    # No words that say what it does (only product or algorithm names, or nothing known):
    # the frame it sits in, or the library tag, may say it instead.
    named_by_technology: bool = True
    where: str | None = None  # "online" / "offline" when the label says so


_TERM, _TECH, _WEAK, _VERB = 0, 1, 2, 3


@dataclass(frozen=True)
class Vocabulary:
    """The roles, the phrases that name them, and the groups and corrections criteria use."""

    kinds: tuple[ComponentKind, ...] = ()
    phrases: Mapping[tuple[str, ...], tuple[str, int]] = field(default_factory=dict)
    also: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    groups: Mapping[str, RoleGroup] = field(default_factory=dict)
    verbs: Mapping[tuple[str, ...], str] = field(default_factory=dict)  # leading a part only
    corrections: tuple[str, ...] = ()
    # Roles whose arrows may point either way (a service reading an index draws "Retriever →
    # Vector DB"), so a path may cross them against the arrow; loops never do.
    stores: frozenset[str] = frozenset()
    # Roles an algorithm's name gives ("XGBoost" serves predictions) that the frame it sits in may
    # add to ("XGBoost" inside "Training" trains models).
    contextual: frozenset[str] = frozenset()
    _implied: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _cache: dict[str, Reading] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def build(
        cls,
        kinds: Sequence[ComponentKind],
        *,
        also: Mapping[str, Sequence[str]] | None = None,
        groups: Sequence[RoleGroup] = (),
        corrections: Sequence[str] = (),
        stores: Iterable[str] = (),
        contextual: Iterable[str] = (),
    ) -> Vocabulary:
        phrases: dict[tuple[str, ...], tuple[str, int]] = {}
        verbs: dict[tuple[str, ...], str] = {}
        for kind in kinds:
            for strength, words in (
                (_TERM, (kind.label, *kind.terms)),
                (_TECH, kind.tech),
                (_WEAK, kind.weak),
                (_VERB, kind.verbs),
            ):
                for term in words:
                    key = tuple(tokens(term))
                    if key:
                        phrases.setdefault(key, (kind.kind, strength))
                        if strength == _VERB:
                            verbs.setdefault(key, kind.kind)
        implied: dict[str, tuple[str, ...]] = {}
        by_kind = {k.kind: k for k in kinds}
        for kind in kinds:  # the closure: a re-ranker that serves predictions, and so on
            seen: list[str] = []
            stack = list(kind.implies)
            while stack:
                role = stack.pop(0)
                if role not in seen and role != kind.kind and role in by_kind:
                    seen.append(role)
                    stack.extend(by_kind[role].implies)
            implied[kind.kind] = tuple(seen)
        return cls(
            kinds=tuple(kinds),
            phrases=phrases,
            also={tuple(tokens(k)): tuple(v) for k, v in (also or {}).items() if tokens(k)},
            groups={g.name: g for g in groups},
            verbs=verbs,
            corrections=tuple(corrections),
            stores=frozenset(stores),
            contextual=frozenset(contextual),
            _implied=implied,
        )

    # -- names --

    def kind_of(self, role: str) -> ComponentKind | None:
        index = self._cache.get("\0kinds")
        if index is None:
            index = self._cache["\0kinds"] = {k.kind: k for k in self.kinds}  # type: ignore[assignment]
        return index.get(role)  # type: ignore[union-attr]

    def label_of(self, kind: str) -> str:
        found = self.kind_of(kind)
        return found.label if found else kind

    def does(self, role: str) -> str:
        found = self.kind_of(role)
        return found.does if found and found.does else f"is a {self.label_of(role).lower()}"

    def noun(self, name: str) -> str:
        if name in self.groups:
            return self.groups[name].noun
        found = self.kind_of(name)
        return found.noun if found and found.noun else f"a {self.label_of(name).lower()}"

    def roles_named(self, name: str) -> frozenset[str]:
        """The roles a check's step accepts: a role itself, or every role of a group."""
        group = self.groups.get(name)
        return frozenset(group.roles) if group else frozenset((name,))

    def with_implied(self, roles: Iterable[str]) -> tuple[str, ...]:
        out: list[str] = []
        for role in roles:
            for r in (role, *self._implied.get(role, ())):
                if r not in out:
                    out.append(r)
        return tuple(out)

    # -- reading labels --

    def classify(self, label: str) -> str | None:
        """The main role a label names: the head (last) phrase of the first part that names one."""
        return self.read(label).primary

    def read(self, label: str) -> Reading:
        cached = self._cache.get(label)
        if cached is None:
            cached = self._read(label)
            if len(self._cache) < 50_000:
                self._cache[label] = cached
        return cached

    def _read(self, label: str) -> Reading:
        named: list[str] = []  # heads of each part, in reading order
        technology: list[str] = []
        weak: list[str] = []
        extra: list[str] = []
        primary: tuple[int, str] | None = None  # (phrase length, role) of the first part's head
        words_all: set[str] = set()
        for part in _SEGMENT_BREAK.split(label):
            words = tokens(part)
            if not words:
                continue
            words_all.update(words)
            chosen = self._phrases_in(words)
            heads = [(n, i, kind) for n, i, kind, strength in chosen if strength == _TERM]
            first = _FIRST_WORD.match(part)
            # A verb counts only when it leads the part ("Learns from logs"), and a gerund does not
            # ("Ranking logs" are logs): then it says what the box does.
            verb = next(
                (
                    (n, 0, self.verbs[tuple(words[:n])])
                    for n, i, _, _ in chosen
                    if i == 0 and tuple(words[:n]) in self.verbs
                ),
                None,
            )
            if verb and first and first.group(1).lower().endswith("ing"):
                verb = None
            head = None
            if verb and verb[2] == "training-pipeline":
                head = verb  # "Train two-tower + GBDT ranker" trains: what follows is its object
            elif verb:
                longer = [h for h in heads if h[0] > verb[0]]
                # A longer phrase says more: "Sorts them by how likely…" ranks.
                head = max(longer, key=lambda h: (h[0], h[1])) if longer else verb
            elif heads:
                # The last phrase is the head ("Ranker logs" are logs, a "Cross-encoder ranker"
                # ranks); the others only qualify it.
                head = max(heads, key=lambda h: h[1])
            if head:
                named.append(head[2])
                if primary is None:
                    primary = (head[0], head[2])
            technology += [kind for _, _, kind, strength in chosen if strength == _TECH]
            weak += [kind for _, _, kind, strength in chosen if strength == _WEAK]
            for n, i, _, strength in chosen:  # a phrase naming two roles, if it counts at all
                if (n, i) == (head[:2] if head else None) or strength == _TECH or not head:
                    extra += self.also.get(tuple(words[i : i + n]), ())
        if named:
            absorbed = {r for kind in named for r in (self._absorbs(kind))}
            base = named + [t for t in technology if t not in absorbed]
        elif technology:
            base = technology
        else:
            base = weak
        base = list(dict.fromkeys(base + extra))
        main = primary[1] if primary else (base[0] if base else None)
        if len(base) > MAX_LABEL_ROLES:
            base = [main] if main else []
        where = "online" if words_all & _ONLINE else "offline" if words_all & _OFFLINE else None
        return Reading(
            roles=self.with_implied(base),
            primary=main,
            named_by_technology=not named,
            where=where,
        )

    def _absorbs(self, kind: str) -> tuple[str, ...]:
        found = self.kind_of(kind)
        return found.absorbs if found else ()

    def _phrases_in(self, words: list[str]) -> list[tuple[int, int, str, int]]:
        """Non-overlapping phrase matches, longest first: (length, position, role, strength)."""
        taken = [False] * len(words)
        chosen = []
        for n in range(min(MAX_NGRAM, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                hit = self.phrases.get(tuple(words[i : i + n]))
                if hit and not any(taken[i : i + n]):
                    taken[i : i + n] = [True] * n
                    chosen.append((n, i, hit[0], hit[1]))
        return chosen


# --- the graph --------------------------------------------------------------------------

Box = tuple[float, float, float, float]  # x1, y1, x2, y2


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str | None  # the main role (kept for callers that want one)
    box: Box
    roles: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)  # role -> label/library/area/said
    area: str | None = None  # the label of the frame or box it sits in
    where: str | None = None  # online / offline
    said: str | None = None  # the role the candidate said it plays
    is_area: bool = False


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    label: str
    roles: tuple[str, ...] = ()
    directed: bool = True


@dataclass
class Finding:
    """One check's result, for the candidate (`text`, in their labels) and for highlighting."""

    criterion: str
    check: str
    met: bool
    text: str
    elements: list[str] = field(default_factory=list)


@dataclass
class Graph:
    nodes: dict[str, Node]
    edges: list[Edge]
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    areas: list[dict[str, Any]] = field(default_factory=list)
    # What the diagram criteria found, recorded as they run so the result can show it.
    findings: list[Finding] = field(default_factory=list)
    _adjacency: dict[str, dict[str, list[tuple[Edge, str]]]] = field(
        default_factory=dict, repr=False
    )
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def successors(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {node_id: set() for node_id in self.nodes}
        for edge in self.edges:
            out[edge.source].add(edge.target)
        return out

    def adjacency(self, mode: str = "directed") -> dict[str, list[tuple[Edge, str]]]:
        """Neighbours along arrows: `directed`, `undirected`, or `stores` (directed, plus
        against the arrow where it touches a store)."""
        if mode not in self._adjacency:
            stores = self.vocabulary.stores
            out: dict[str, list[tuple[Edge, str]]] = {node_id: [] for node_id in self.nodes}
            for edge in self.edges:
                out[edge.source].append((edge, edge.target))
                if mode == "undirected" or (
                    mode == "stores"
                    and stores.intersection(
                        (*self.nodes[edge.source].roles, *self.nodes[edge.target].roles)
                    )
                ):
                    out[edge.target].append((edge, edge.source))
            self._adjacency[mode] = out
        return self._adjacency[mode]

    def connected(self) -> set[str]:
        if "connected" not in self._cache:
            self._cache["connected"] = {e.source for e in self.edges} | {
                e.target for e in self.edges
            }
        return self._cache["connected"]

    def of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if kind in n.roles]

    def with_roles(self, roles: frozenset[str]) -> list[Node]:
        """Components playing any of `roles`, top to bottom and left to right."""
        key = ("roles", roles)
        if key not in self._cache:
            self._cache[key] = [n for n in self._ordered() if roles.intersection(n.roles)]
        return self._cache[key]

    def _ordered(self) -> list[Node]:
        if "ordered" not in self._cache:
            self._cache["ordered"] = sorted(
                self.nodes.values(), key=lambda n: (n.is_area, n.box[1], n.box[0], n.id)
            )
        return self._cache["ordered"]

    def to_dict(self, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
        vocabulary = vocabulary or self.vocabulary
        edges = []
        for e in self.edges:
            edges.append({
                "id": e.id, "source": e.source, "target": e.target, "label": e.label,
                "source_label": self.nodes[e.source].label, "target_label": self.nodes[e.target].label,
                "roles": list(e.roles), "directed": e.directed,
            })  # fmt: skip
        return {
            "components": [
                {
                    "id": n.id, "label": n.label, "kind": n.kind,
                    "kind_label": vocabulary.label_of(n.kind) if n.kind else None,
                    "roles": [{"role": r, "label": vocabulary.label_of(r), "does": vocabulary.does(r),
                               "source": n.sources.get(r, "label")} for r in n.roles],
                    "area": n.area, "where": n.where, "said": n.said, "is_area": n.is_area,
                }
                for n in sorted(self.nodes.values(), key=lambda n: (n.kind is None, n.box[1], n.box[0]))
            ],
            "edges": edges,
            "areas": self.areas,
            "findings": [
                {"criterion": f.criterion, "check": f.check, "met": f.met, "text": f.text, "elements": f.elements}
                for f in self.findings
            ],
        }  # fmt: skip


# --- geometry -----------------------------------------------------------------------------


def _number(value: Any) -> float:
    kind = type(value)  # `type` not `isinstance`: this runs for every coordinate of a board
    if kind is float:
        return value if value == value else 0.0
    return float(value) if kind is int else 0.0


def _box(element: Mapping[str, Any]) -> Box:
    x, y = _number(element.get("x")), _number(element.get("y"))
    w, h = _number(element.get("width")), _number(element.get("height"))
    return (min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h))


def _inside(point: tuple[float, float], box: Box, margin: float = 0.0) -> bool:
    x, y = point
    return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin


def _contains(outer: Box, inner: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _area(box: Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _centre(box: Box) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def _gap(a: Box, b: Box) -> float:
    """The distance between two boxes (0 when they overlap)."""
    dx = max(a[0] - b[2], b[0] - a[2], 0.0)
    dy = max(a[1] - b[3], b[1] - a[3], 0.0)
    return math.hypot(dx, dy)


def _segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


class _Grid:
    """A uniform grid over boxes, so geometric look-ups on big boards stay near-linear."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Any]] = {}

    @staticmethod
    def _span(box: Box) -> tuple[int, int, int, int]:
        x1, y1 = int(box[0] // _CELL), int(box[1] // _CELL)
        x2, y2 = int(box[2] // _CELL), int(box[3] // _CELL)
        if (x2 - x1 + 1) * (y2 - y1 + 1) > 4096:  # absurdly large: keep it in a few cells
            x2, y2 = x1 + 63, y1 + 63
        return x1, y1, x2, y2

    def add(self, box: Box, item: Any) -> None:
        x1, y1, x2, y2 = self._span(box)
        cells = self.cells
        for x in range(x1, x2 + 1):
            for y in range(y1, y2 + 1):
                bucket = cells.get((x, y))
                if bucket is None:
                    cells[(x, y)] = [item]
                else:
                    bucket.append(item)

    def near(self, box: Box, margin: float = 0.0) -> list[Any]:
        x1, y1, x2, y2 = self._span(
            (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
        )
        cells = self.cells
        if x1 == x2 and y1 == y2:
            return list(cells.get((x1, y1), ()))
        seen: dict[int, Any] = {}
        for x in range(x1, x2 + 1):
            for y in range(y1, y2 + 1):
                for item in cells.get((x, y), ()):
                    seen.setdefault(id(item), item)
        return list(seen.values())


# --- reading the scene --------------------------------------------------------------------


def _text_of(element: Mapping[str, Any]) -> str:
    text = element.get("originalText") or element.get("text") or ""
    return " ".join(str(text).split())


def _raw_text(element: Mapping[str, Any]) -> str:
    """The text with its line breaks (they separate parts of a label: "Ranker\\n(LightGBM)")."""
    return str(element.get("originalText") or element.get("text") or "").strip()


def _points(arrow: Mapping[str, Any]) -> list[tuple[float, float]]:
    points = arrow.get("points")
    if not isinstance(points, list) or len(points) < 2:
        return []
    x, y = _number(arrow.get("x")), _number(arrow.get("y"))
    out = []
    for point in points:
        try:
            px, py = point[0], point[1]
        except (TypeError, IndexError, KeyError):
            return []
        out.append((x + _number(px), y + _number(py)))
    return out


def _endpoints(arrow: Mapping[str, Any]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    points = _points(arrow)
    return (points[0], points[-1]) if points else None


def live_elements(scene: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not isinstance(scene, Mapping):
        return []
    elements = scene.get("elements")
    if not isinstance(elements, list):
        return []
    # Scenes are parsed JSON, so `dict` (a fast check) rather than `Mapping` (an ABC check).
    return [
        e
        for e in elements
        if type(e) is dict and not e.get("isDeleted") and type(e.get("id")) is str
    ]


def _skeleton_label(element: Mapping[str, Any]) -> str:
    label = element.get("label")
    text = label.get("text") if type(label) is dict else None
    return text.strip() if type(text) is str else ""


def _custom(element: Mapping[str, Any], key: str) -> str | None:
    data = element.get("customData")
    if not data or type(data) is not dict:
        return None
    value = data.get(key)
    return value if type(value) is str else None


def _groups(element: Mapping[str, Any]) -> list[str]:
    ids = element.get("groupIds")
    return [g for g in ids if isinstance(g, str)] if isinstance(ids, list) else []


class _Points(dict):
    """Each connector's absolute points, worked out only when something needs them."""

    def __init__(self, connectors: Sequence[Mapping[str, Any]]):
        super().__init__()
        self.connectors = {a["id"]: a for a in connectors}

    def __missing__(self, arrow_id: str) -> list[tuple[float, float]]:
        points = _points(self.connectors[arrow_id])
        self[arrow_id] = points
        return points

    def every(self) -> Iterable[tuple[str, list[tuple[float, float]]]]:
        return ((arrow_id, self[arrow_id]) for arrow_id in self.connectors)


@dataclass
class _Shape:
    element: Mapping[str, Any]
    box: Box
    labels: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    label_ids: list[str] = field(default_factory=list)
    is_region: bool = False
    is_frame: bool = False


def scene_graph(scene: Mapping[str, Any] | None, vocabulary: Vocabulary) -> Graph:
    """Turn an Excalidraw scene into components with roles and their connections."""
    elements = live_elements(scene)
    by_id = {e["id"]: e for e in elements}
    shapes: dict[str, _Shape] = {}
    texts: list[Mapping[str, Any]] = []
    connectors: list[Mapping[str, Any]] = []
    for e in elements:
        kind = e.get("type")
        if kind in SHAPES or kind in FRAMES:
            shape = _Shape(e, _box(e), is_frame=kind in FRAMES)
            name = e.get("name") if shape.is_frame else None
            if isinstance(name, str) and name.strip():
                shape.labels.append(" ".join(name.split()))
            if skeleton := _skeleton_label(e):  # Excalidraw's element-skeleton shorthand
                shape.labels.append(skeleton)
            shapes[e["id"]] = shape
        elif kind == "text":
            texts.append(e)
        elif kind in CONNECTORS:
            connectors.append(e)
    arrow_labels: dict[str, list[str]] = {}
    for arrow in connectors:
        if skeleton := _skeleton_label(arrow):
            arrow_labels.setdefault(arrow["id"], []).append(skeleton)

    grid = _Grid()
    for shape in shapes.values():
        grid.add(shape.box, shape)
    # A frame, or a shape around two or more others, is an area that gives them context.
    members: dict[str, list[_Shape]] = {}
    smallest = min((_area(s.box) for s in shapes.values()), default=0.0)
    for shape_id, shape in shapes.items():
        if not shape.is_frame and _area(shape.box) < 2 * smallest:
            continue  # too small to hold two others
        inner = [
            other
            for other in grid.near(shape.box)
            if other is not shape
            and _contains(shape.box, other.box)
            and _area(other.box) < _area(shape.box)
        ]
        framed = (
            [s for s in shapes.values() if s.element.get("frameId") == shape_id]
            if shape.is_frame
            else []
        )
        if shape.is_frame or len(inner) >= 2:
            shape.is_region = True
            members[shape_id] = list({id(s): s for s in inner + framed}.values())

    loose: list[Mapping[str, Any]] = []
    for text in texts:
        content = _raw_text(text)
        if not content:
            continue
        container = text.get("containerId")
        if container in shapes:
            shapes[container].labels.append(content)
            shapes[container].label_ids.append(text["id"])
        elif container in by_id and by_id[container].get("type") in CONNECTORS:
            arrow_labels.setdefault(container, []).append(content)
        else:
            loose.append(text)

    arrow_points = _Points(connectors)

    standalone: list[Mapping[str, Any]] = []
    later: list[Mapping[str, Any]] = []
    label_owner: dict[str, str] = {}  # loose text id -> the shape it labels
    for text in loose:  # first what lies over a shape or is grouped with one
        box = _box(text)
        centre = _centre(box)
        holders = [s for s in grid.near(box) if not s.is_region and _inside(centre, s.box)]
        if holders:
            owner = min(holders, key=lambda s: _area(s.box))
            owner.labels.append(_raw_text(text))
            label_owner[text["id"]] = owner.element["id"]
            continue
        grouped = _grouped_shape(text, grid, box)
        if grouped is not None:
            grouped.labels.append(_raw_text(text))
            label_owner[text["id"]] = grouped.element["id"]
            continue
        later.append(text)
    arrow_grid = _Grid()
    text_targets: set[str] = set()
    if later:  # only loose text away from shapes needs the arrows' geometry
        for arrow_id, points in arrow_points.every():
            if points:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                arrow_grid.add((min(xs), min(ys), max(xs), max(ys)), arrow_id)
        text_targets = _texts_arrows_point_at(later, connectors, arrow_points, grid)
    for text in later:  # then captions, arrow labels, area titles and text on its own
        if text["id"] in text_targets:
            standalone.append(text)
            continue
        box = _box(text)
        centre = _centre(box)
        arrow_id, arrow_distance = _nearest_arrow(centre, box, arrow_grid, arrow_points)
        near_shapes = [
            (s, _gap(box, s.box))
            for s in grid.near(box, NEAR)
            if not s.is_region and _gap(box, s.box) <= NEAR
        ]
        caption = min(near_shapes, key=lambda p: p[1]) if near_shapes else None
        unlabelled = [p for p in near_shapes if not p[0].labels]
        if unlabelled:  # a shape with no text of its own takes the caption beside it
            owner = min(unlabelled, key=lambda p: p[1])[0]
            owner.labels.append(_raw_text(text))
            label_owner[text["id"]] = owner.element["id"]
            continue
        if arrow_id is not None and (caption is None or arrow_distance <= caption[1]):
            arrow_labels.setdefault(arrow_id, []).append(_raw_text(text))
            continue
        regions = [s for s in grid.near(box) if s.is_region and _inside(centre, s.box)]
        if regions and not vocabulary.read(_raw_text(text)).roles and caption is None:
            min(regions, key=lambda s: _area(s.box)).labels.append(_raw_text(text))
            continue
        if regions and caption is None and _is_title(box, min(regions, key=lambda s: _area(s.box))):
            min(regions, key=lambda s: _area(s.box)).labels.append(_raw_text(text))
            continue
        if caption is not None and not vocabulary.read(_raw_text(text)).roles:
            caption[0].captions.append(_raw_text(text))  # a note beside a labelled box
            continue
        standalone.append(text)

    nodes = _make_nodes(shapes, standalone, members, vocabulary, grid)
    reach: dict[str, list[Box]] = {}
    for text_id, owner in label_owner.items():  # an arrow may end on a box's caption
        reach.setdefault(owner, []).append(_box(by_id[text_id]))
    # An icon drawn from several grouped shapes (a cylinder: an ellipse and a box) is one
    # component: arrows bound to, or ending on, its unlabelled parts reach it.
    by_group: dict[str, list[str]] = {}
    for shape_id, shape in shapes.items():
        groups = _groups(shape.element)
        if groups and shape_id in nodes:
            by_group.setdefault(groups[0], []).append(shape_id)
    for shape_id, shape in shapes.items():
        groups = _groups(shape.element)
        if shape_id in nodes or not groups or shape.is_region:
            continue
        owners = by_group.get(groups[0], [])
        if len(owners) == 1:
            label_owner[shape_id] = owners[0]
            reach.setdefault(owners[0], []).append(shape.box)
    edges = _make_edges(
        connectors, arrow_points, arrow_labels, nodes, by_id, label_owner, vocabulary, reach
    )
    connected = {e.source for e in edges} | {e.target for e in edges}
    areas = [
        {"id": n.id, "label": n.label, "members": sorted(
            m.element["id"] for m in members.get(n.id, []) if m.element["id"] in nodes)}
        for n in nodes.values() if n.is_area
    ]  # fmt: skip
    # An area is a component only when arrows attach to it; otherwise it is context.
    nodes = {k: n for k, n in nodes.items() if not n.is_area or k in connected}
    return Graph(nodes=nodes, edges=edges, vocabulary=vocabulary, areas=areas)


def _is_title(box: Box, region: _Shape) -> bool:
    """Text in the top part of an area, above its members, names the area."""
    return box[1] - region.box[1] <= max(60.0, 0.2 * (region.box[3] - region.box[1]))


def _grouped_shape(text: Mapping[str, Any], grid: _Grid, box: Box) -> _Shape | None:
    groups = _groups(text)
    if not groups:
        return None
    innermost = groups[0]
    partners = [
        s for s in grid.near(box, 400.0) if not s.is_region and innermost in _groups(s.element)
    ]
    if len(partners) == 1 and not any(
        i for i in partners[0].labels
    ):  # a caption grouped with one unlabelled shape
        return partners[0]
    return None


def _texts_arrows_point_at(
    loose: Sequence[Mapping[str, Any]],
    connectors: Sequence[Mapping[str, Any]],
    arrow_points: Mapping[str, list[tuple[float, float]]],
    grid: _Grid,
) -> set[str]:
    """Loose texts an arrow is bound to, or ends on (nearer to it than to any shape): those are
    components, not labels."""
    ids = {t["id"] for t in loose}
    targets: set[str] = set()
    texts = _Grid()
    for text in loose:
        texts.add(_box(text), text)
    for arrow in connectors:
        for key, index in (("startBinding", 0), ("endBinding", -1)):
            binding = arrow.get(key)
            if type(binding) is dict:
                if binding.get("elementId") in ids:
                    targets.add(binding["elementId"])
                continue
            points = arrow_points[arrow["id"]]
            if not points:
                continue
            point = points[index]
            probe = (point[0], point[1], point[0], point[1])
            near_texts = [(_gap(probe, _box(t)), t["id"]) for t in texts.near(probe, SNAP_MARGIN)]
            near_texts = [t for t in near_texts if t[0] <= SNAP_MARGIN]
            if not near_texts:
                continue
            distance, text_id = min(near_texts)
            # A shape within reach wins: an arrow leaving a box may start on its caption.
            if not any(
                _gap(probe, s.box) <= SNAP_MARGIN
                for s in grid.near(probe, SNAP_MARGIN)
                if not s.is_region
            ):
                targets.add(text_id)
    return targets


def _nearest_arrow(
    centre: tuple[float, float],
    box: Box,
    arrow_grid: _Grid,
    arrow_points: Mapping[str, list[tuple[float, float]]],
) -> tuple[str | None, float]:
    best: tuple[str | None, float] = (None, math.inf)
    half_height = (box[3] - box[1]) / 2
    for arrow_id in arrow_grid.near(box, NEAR):
        points = arrow_points[arrow_id]
        distance = min(
            _segment_distance(centre, a, b) for a, b in zip(points, points[1:], strict=False)
        )
        distance = max(0.0, distance - half_height)
        if distance <= NEAR and distance < best[1]:
            best = (arrow_id, distance)
    return best


def _make_nodes(
    shapes: Mapping[str, _Shape],
    standalone: Sequence[Mapping[str, Any]],
    members: Mapping[str, list[_Shape]],
    vocabulary: Vocabulary,
    grid: _Grid,
) -> dict[str, Node]:
    # The area each shape sits in (the smallest), and what that area's label says.
    area_of: dict[str, _Shape] = {}
    for region_id, inner in members.items():
        region = shapes[region_id]
        for member in inner:
            current = area_of.get(member.element["id"])
            if current is None or _area(region.box) < _area(current.box):
                area_of[member.element["id"]] = region

    def area_for_box(box: Box) -> _Shape | None:
        centre = _centre(box)
        regions = [s for s in grid.near(box) if s.is_region and _inside(centre, s.box)]
        return min(regions, key=lambda s: _area(s.box)) if regions else None

    nodes: dict[str, Node] = {}
    for shape_id, shape in shapes.items():
        library = _custom(shape.element, "chalktalkComponent")
        label = " ".join(" ".join(shape.labels).split())
        if not label and library and vocabulary.kind_of(library):
            label = vocabulary.label_of(library)  # a library box whose text was removed
        if not label:
            continue  # an unlabelled box is decoration, not a component
        area = area_of.get(shape_id)
        nodes[shape_id] = _node(shape_id, "\n".join(shape.labels) or label, label, shape.box,
                                shape.element, vocabulary, area, is_area=shape.is_region)  # fmt: skip
    for text in standalone:
        box = _box(text)
        label = _text_of(text)
        nodes[text["id"]] = _node(text["id"], _raw_text(text), label, box, text, vocabulary,
                                  area_for_box(box))  # fmt: skip
    return nodes


def _node(
    node_id: str,
    raw_label: str,
    label: str,
    box: Box,
    element: Mapping[str, Any],
    vocabulary: Vocabulary,
    area: _Shape | None,
    *,
    is_area: bool = False,
) -> Node:
    reading = vocabulary.read(raw_label)
    roles = list(reading.roles)
    sources = dict.fromkeys(roles, "label")
    area_label = " ".join(" ".join(area.labels).split()) if area else None
    area_reading = vocabulary.read("\n".join(area.labels)) if area and area.labels else Reading()
    if reading.named_by_technology:
        library = _custom(element, "chalktalkComponent")
        if library and vocabulary.kind_of(library):
            for role in vocabulary.with_implied([library]):
                if role not in roles:
                    roles.append(role)
                    sources[role] = "library"
    # A model named by its algorithm ("XGBoost") or a box named by nothing known takes its role
    # from where it sits: inside "Training" it trains models. A product name that says what the
    # box is ("BigQuery", "FAISS") keeps its own role.
    if reading.named_by_technology and set(roles) <= vocabulary.contextual:
        for role in area_reading.roles:
            if role not in roles:
                roles.append(role)
                sources[role] = "area"
    said = _custom(element, SAID_KEY)
    if said and vocabulary.kind_of(said):
        roles = list(vocabulary.with_implied([said]))
        sources = dict.fromkeys(roles, "said")
    else:
        said = None
    return Node(
        id=node_id,
        label=label,
        kind=said or reading.primary or (roles[0] if roles else None),
        box=box,
        roles=tuple(roles),
        sources=sources,
        area=area_label,
        where=reading.where or area_reading.where,
        said=said,
        is_area=is_area,
    )


def _make_edges(
    connectors: Sequence[Mapping[str, Any]],
    arrow_points: Mapping[str, list[tuple[float, float]]],
    arrow_labels: Mapping[str, list[str]],
    nodes: Mapping[str, Node],
    by_id: Mapping[str, Mapping[str, Any]],
    label_owner: Mapping[str, str],
    vocabulary: Vocabulary,
    reach: Mapping[str, list[Box]],
) -> list[Edge]:
    node_grid = _Grid()

    def node_at(point: tuple[float, float]) -> str | None:
        if not node_grid.cells:  # built on the first unbound end: bound boards never need it
            for node in nodes.values():
                node_grid.add(node.box, (node, node.box))
                for box in reach.get(node.id, ()):
                    node_grid.add(box, (node, box))
        probe = (point[0], point[1], point[0], point[1])
        holders = [
            (n, box)
            for n, box in node_grid.near(probe, SNAP_MARGIN)
            if _inside(point, box, SNAP_MARGIN)
        ]
        if not holders:
            return None
        # A box within reach before the area around it (an arrow ending just short of a box
        # inside a frame is still in the frame), and before a neighbour's label or caption that
        # spills over (long text overflows its box); then what the point is really inside; then
        # the smallest.
        return min(
            holders,
            key=lambda h: (
                h[0].is_area,
                h[1] != h[0].box,
                not _inside(point, h[1]),
                _area(h[0].box),
                h[0].id,
            ),
        )[0].id

    def bound(binding: Any) -> str | None:
        if type(binding) is not dict:
            return None
        target = binding.get("elementId") or binding.get("id")  # a skeleton's start: {id}
        if target in nodes:
            return target
        if target in label_owner and label_owner[target] in nodes:
            return label_owner[target]
        element = by_id.get(target)  # bound to a label: use its container
        container = element.get("containerId") if element else None
        return container if container in nodes else None

    edges: list[Edge] = []
    for arrow in connectors:
        start = bound(arrow.get("startBinding") or arrow.get("start"))
        end = bound(arrow.get("endBinding") or arrow.get("end"))
        if not start or not end:  # an unbound end is read by where it lies
            points = arrow_points[arrow["id"]]
            start = start or (node_at(points[0]) if points else None)
            end = end or (node_at(points[-1]) if points else None)
        if not start or not end or start == end:
            continue
        label = " ".join(" ".join(arrow_labels.get(arrow["id"], [])).split())
        roles = vocabulary.read("\n".join(arrow_labels.get(arrow["id"], []))).roles if label else ()
        head_at_end, head_at_start = (
            bool(arrow.get("endArrowhead")),
            bool(arrow.get("startArrowhead")),
        )
        directed = head_at_end != head_at_start
        if head_at_end or not head_at_start:
            edges.append(Edge(arrow["id"], start, end, label, roles, directed))
        if head_at_start or not head_at_end:
            edges.append(Edge(arrow["id"], end, start, label, roles, directed))
    return edges


def board_mentions(graph: Graph, phrases: Sequence[str]) -> str | None:
    """The first of `phrases` that a label on the board contains (whole words, stemmed)."""
    key = ("mentions", tuple(phrases))
    if key not in graph._cache:
        grams: set[tuple[str, ...]] = set()
        labels = [n.label for n in graph.nodes.values()] + [e.label for e in graph.edges]
        labels += [a["label"] for a in graph.areas]
        for label in labels:
            words = tokens(label)
            for n in range(1, min(MAX_NGRAM, len(words)) + 1):
                grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        graph._cache[key] = next((p for p in phrases if tuple(tokens(p)) in grams), None)
    return graph._cache[key]


def apply_corrections(
    scene: Mapping[str, Any] | None, corrections: Mapping[str, str]
) -> Mapping[str, Any] | None:
    """The scene with what the candidate said each corrected element is (`{element id: role}`).

    The said role is written into the element's `customData`, where `scene_graph` reads it; the
    stored board is not changed (only the corrected elements are copied).
    """
    if not corrections or not isinstance(scene, Mapping):
        return scene
    elements = scene.get("elements")
    if not isinstance(elements, list):
        return scene
    out = []
    for element in elements:
        role = corrections.get(element.get("id")) if type(element) is dict else None
        if role:
            custom = element.get("customData")
            element = {
                **element,
                "customData": {**(custom if type(custom) is dict else {}), SAID_KEY: role},
            }
        out.append(element)
    return {**scene, "elements": out}


# --- walking the graph on roles -------------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    """A walk through the graph: its nodes, the edges taken, and what played each step."""

    nodes: tuple[str, ...]
    edges: tuple[str, ...]
    steps: tuple[tuple[str, str], ...]  # per step: ("node" | "edge", element id)

    def elements(self) -> list[str]:
        return list(dict.fromkeys([*self.nodes, *self.edges]))


@dataclass(frozen=True)
class WalkProgress:
    """How far a failed walk got: the steps reached, and where it stopped."""

    reached: int
    at: str | None
    steps: tuple[tuple[str, str], ...] = ()


def walk(
    graph: Graph,
    steps: Sequence[frozenset[str]],
    *,
    mode: str = "directed",
    start: str | None = None,
    avoid_edges: frozenset[str] = frozenset(),
    hops: int = LEG_HOPS,
) -> tuple[Walk | None, WalkProgress]:
    """The shortest walk through components (or labelled arrows) playing `steps`, in order.

    A step is a set of roles; the first is played by a component, later ones by a component or
    by an arrow's label on the way. Each leg between two steps may pass through at most `hops`
    edges. Returns the walk (or None) and, for explanations, how far the best attempt got.
    """
    adjacency = graph.adjacency(mode)
    last = len(steps)
    firsts = [start] if start else [n.id for n in graph.with_roles(steps[0])]
    best = WalkProgress(0, None)
    if not firsts:
        return None, best
    # state: (node, steps played); parent: state -> (previous state, edge, who played a step)
    parent: dict[
        tuple[str, int],
        tuple[tuple[str, int] | None, Edge | None, tuple[str, str] | None, tuple[str, str] | None],
    ] = {}
    leg: dict[tuple[str, int], int] = {}
    queue: deque[tuple[str, int]] = deque()
    for node_id in firsts:
        state = (node_id, 1)
        parent[state] = (None, None, ("node", node_id), None)
        leg[state] = 0
        queue.append(state)
    best = WalkProgress(1, firsts[0], (("node", firsts[0]),))
    goal: tuple[str, int] | None = (firsts[0], 1) if last == 1 else None
    while queue and goal is None:
        state = queue.popleft()
        node_id, played = state
        for edge, nxt in adjacency[node_id]:
            if edge.id in avoid_edges:
                continue
            count, by_edge, by_node = played, None, None
            if count < last and edge.roles and steps[count].intersection(edge.roles):
                count, by_edge = count + 1, ("edge", edge.id)
            if count < last and steps[count].intersection(graph.nodes[nxt].roles):
                count, by_node = count + 1, ("node", nxt)
            distance = 0 if count > played else leg[state] + 1
            if distance >= hops:
                continue
            new = (nxt, count)
            if new in parent:
                continue
            parent[new] = (state, edge, by_edge, by_node)
            leg[new] = distance
            if count > best.reached:
                best = WalkProgress(count, nxt, _played(parent, new))
            if count == last:
                goal = new
                break
            queue.append(new)
    if goal is None:
        return None, best
    return _unwind(parent, goal), best


def _played(parent: Mapping, state: tuple[str, int]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    current: tuple[str, int] | None = state
    while current is not None:
        previous, _, by_edge, by_node = parent[current]
        out += [p for p in (by_node, by_edge) if p]
        current = previous
    return tuple(reversed(out))


def _unwind(parent: Mapping, goal: tuple[str, int]) -> Walk:
    nodes: list[str] = []
    edges: list[str] = []
    current: tuple[str, int] | None = goal
    while current is not None:
        previous, edge, _, _ = parent[current]
        nodes.append(current[0])
        if edge is not None:
            edges.append(edge.id)
        current = previous
    return Walk(tuple(reversed(nodes)), tuple(reversed(edges)), _played(parent, goal))


def _components(graph: Graph) -> dict[str, int]:
    """Strongly connected components (iterative Tarjan): a loop never leaves its component."""
    if "scc" in graph._cache:
        return graph._cache["scc"]
    adjacency = graph.adjacency("directed")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for root in graph.nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            neighbours = adjacency[node]
            if i < len(neighbours):
                work.append((node, i + 1))
                nxt = neighbours[i][1]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    graph._cache["scc"] = component
    return component


def loop_walk(graph: Graph, steps: Sequence[frozenset[str]]) -> tuple[Walk | None, WalkProgress]:
    """A directed cycle that leaves a component of `steps[0]`, plays the others and comes back
    without going back along an arrow it already used (a two-way line is not a loop)."""
    best = WalkProgress(0, None)
    component = _components(graph)
    sizes: dict[int, int] = {}
    for c in component.values():
        sizes[c] = sizes.get(c, 0) + 1
    for start in [n.id for n in graph.with_roles(steps[0])][:MAX_STARTS]:
        if sizes[component[start]] < 2:  # on no cycle at all: say how far it gets, if anywhere
            if best.reached < 2:
                _, progress = walk(graph, steps, start=start)
                best = progress if progress.reached > best.reached else best
            continue
        forward, progress = walk(graph, steps, start=start)
        if forward is None:
            if progress.reached > best.reached:
                best = progress
            continue
        back = _path_to(graph, forward.nodes[-1], start, frozenset(forward.edges), LEG_HOPS + 1)
        if back is not None:
            nodes, edges = back
            return Walk(forward.nodes + nodes[1:], forward.edges + edges, forward.steps), progress
        if len(steps) + 1 > best.reached:  # every step played, but nothing leads back
            best = WalkProgress(len(steps) + 1, forward.nodes[-1], forward.steps)
    return None, best


def _path_to(
    graph: Graph, start: str, target: str, avoid_edges: frozenset[str], hops: int
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The shortest directed path (nodes, edges) from `start` to `target`, avoiding some edges."""
    if start == target:
        return (start,), ()
    adjacency = graph.adjacency("directed")
    parent: dict[str, tuple[str, str] | None] = {start: None}
    depth = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if depth[current] >= hops:
            continue
        for edge, nxt in adjacency[current]:
            if edge.id in avoid_edges or nxt in parent:
                continue
            parent[nxt] = (current, edge.id)
            depth[nxt] = depth[current] + 1
            if nxt == target:
                nodes, edges = [nxt], []
                step = parent[nxt]
                while step is not None:
                    nodes.append(step[0])
                    edges.append(step[1])
                    step = parent[step[0]]
                return tuple(reversed(nodes)), tuple(reversed(edges))
            queue.append(nxt)
    return None


def shared_hub(
    graph: Graph, hub: frozenset[str], users: Sequence[frozenset[str]]
) -> tuple[list[str] | None, list[str], int]:
    """A component playing `hub` linked directly to a component of each of `users`.

    The hub may be a pair drawn for one store (an offline and an online feature store linked to
    each other), or any component whose arrows to the users are labelled with the hub's role
    ("features"). Returns the hub and one node per user (or None), the element ids involved, and
    how many users the best candidate reached.
    """
    adjacency = graph.adjacency("undirected")
    best_reach = 0
    attempts: list[tuple[list[str], bool]] = []
    for node in graph.nodes.values():
        if hub.intersection(node.roles):
            group = [node.id] + [
                m for _, m in adjacency[node.id] if hub.intersection(graph.nodes[m].roles)
            ]
            attempts.append((list(dict.fromkeys(group)), False))
        elif any(hub.intersection(e.roles) for e, _ in adjacency[node.id]):
            attempts.append(([node.id], True))
    for group, by_label in attempts:
        taken = set(group)
        linked: list[str] = []
        used: list[str] = []
        for roles in users:
            match = next(
                (
                    (edge, other)
                    for member in group
                    for edge, other in adjacency[member]
                    if other not in taken
                    and roles.intersection(graph.nodes[other].roles)
                    and (not by_label or hub.intersection(edge.roles))
                ),
                None,
            )
            if match is None:
                continue
            taken.add(match[1])
            linked.append(match[1])
            used.append(match[0].id)
        best_reach = max(best_reach, len(linked))
        if len(linked) == len(users):
            return [group[0], *linked], list(dict.fromkeys(group + linked + used)), len(linked)
    return None, [], best_reach


# --- compatibility helpers (node id lists) ------------------------------------------------------


def _steps(graph: Graph, names: Sequence[str]) -> list[frozenset[str]]:
    return [graph.vocabulary.roles_named(name) for name in names]


def find_path(graph: Graph, kinds: Sequence[str]) -> list[str] | None:
    """Node ids of a directed walk through components of `kinds`, in order (hops may pass others)."""
    found, _ = walk(graph, _steps(graph, kinds))
    return list(found.nodes) if found else None


def find_loop(graph: Graph, kinds: Sequence[str]) -> list[str] | None:
    """A directed cycle that leaves a component of `kinds[0]`, passes the others and comes back."""
    found, _ = loop_walk(graph, _steps(graph, kinds))
    return list(found.nodes) if found else None


def find_shared(graph: Graph, hub: str, users: Sequence[str]) -> list[str] | None:
    """A component of kind `hub` directly connected to a component of each kind in `users`."""
    found, _, _ = shared_hub(graph, graph.vocabulary.roles_named(hub), _steps(graph, users))
    return found
