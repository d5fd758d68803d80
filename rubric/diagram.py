"""Reading an Excalidraw scene as a system graph: labelled components and directed edges.

Pure functions over the scene JSON. People draw in several ways, and each is read:
- a label is text bound to a shape (`containerId`), or loose text lying over a shape;
  loose text over no shape is a component of its own;
- an edge is an arrow bound to shapes, or an unbound arrow whose ends lie inside shapes
  (read geometrically); arrowheads decide the direction, two heads (or none) go both ways;
- an arrow's label is text bound to the arrow; deleted elements are ignored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rubric.text import MAX_NGRAM, tokens

SHAPES = frozenset({"rectangle", "ellipse", "diamond", "frame", "embeddable"})
CONNECTORS = frozenset({"arrow", "line"})
# How far outside a shape an unbound arrow may end and still count as touching it.
SNAP_MARGIN = 16.0


@dataclass(frozen=True)
class ComponentKind:
    kind: str
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Canonical component kinds and the phrases that name them (longest phrase wins)."""

    kinds: tuple[ComponentKind, ...] = ()
    phrases: Mapping[tuple[str, ...], str] = field(default_factory=dict)

    @classmethod
    def build(cls, kinds: Sequence[ComponentKind]) -> Vocabulary:
        phrases: dict[tuple[str, ...], str] = {}
        for kind in kinds:
            for term in (kind.label, *kind.terms):
                key = tuple(tokens(term))
                if key:
                    phrases.setdefault(key, kind.kind)
        return cls(kinds=tuple(kinds), phrases=phrases)

    def label_of(self, kind: str) -> str:
        return next((k.label for k in self.kinds if k.kind == kind), kind)

    def classify(self, label: str) -> str | None:
        words = tokens(label)
        best: tuple[int, int, str] | None = None  # (length, -position, kind)
        for n in range(min(MAX_NGRAM, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                kind = self.phrases.get(tuple(words[i : i + n]))
                if kind and (best is None or (n, -i) > best[:2]):
                    best = (n, -i, kind)
            if best:
                return best[2]
        return None


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str | None
    box: tuple[float, float, float, float]  # x1, y1, x2, y2


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    label: str


@dataclass
class Graph:
    nodes: dict[str, Node]
    edges: list[Edge]

    def successors(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {node_id: set() for node_id in self.nodes}
        for edge in self.edges:
            out[edge.source].add(edge.target)
        return out

    def of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]

    def to_dict(self, vocabulary: Vocabulary) -> dict[str, Any]:
        return {
            "components": [
                {"id": n.id, "label": n.label, "kind": n.kind, "kind_label": vocabulary.label_of(n.kind) if n.kind else None}
                for n in sorted(self.nodes.values(), key=lambda n: (n.kind is None, n.box[1], n.box[0]))
            ],
            "edges": [
                {"id": e.id, "source": e.source, "target": e.target, "label": e.label,
                 "source_label": self.nodes[e.source].label, "target_label": self.nodes[e.target].label}
                for e in self.edges
            ],
        }  # fmt: skip


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and value == value else 0.0


def _box(element: Mapping[str, Any]) -> tuple[float, float, float, float]:
    x, y = _number(element.get("x")), _number(element.get("y"))
    w, h = _number(element.get("width")), _number(element.get("height"))
    return (min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h))


def _inside(
    point: tuple[float, float], box: tuple[float, float, float, float], margin: float = 0.0
) -> bool:
    x, y = point
    return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _text_of(element: Mapping[str, Any]) -> str:
    text = element.get("originalText") or element.get("text") or ""
    return " ".join(str(text).split())


def _endpoints(arrow: Mapping[str, Any]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    points = arrow.get("points")
    if not isinstance(points, list) or len(points) < 2:
        return None
    try:
        (sx, sy), (ex, ey) = points[0][:2], points[-1][:2]
    except (TypeError, ValueError):
        return None
    x, y = _number(arrow.get("x")), _number(arrow.get("y"))
    return (x + _number(sx), y + _number(sy)), (x + _number(ex), y + _number(ey))


def live_elements(scene: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not isinstance(scene, Mapping):
        return []
    elements = scene.get("elements")
    if not isinstance(elements, list):
        return []
    return [
        e
        for e in elements
        if isinstance(e, Mapping) and not e.get("isDeleted") and isinstance(e.get("id"), str)
    ]


def scene_graph(scene: Mapping[str, Any] | None, vocabulary: Vocabulary) -> Graph:
    """Turn an Excalidraw scene into components and directed connections."""
    elements = live_elements(scene)
    by_id = {e["id"]: e for e in elements}
    shapes = [e for e in elements if e.get("type") in SHAPES]
    texts = [e for e in elements if e.get("type") == "text"]

    labels: dict[str, list[str]] = {s["id"]: [] for s in shapes}
    arrow_labels: dict[str, list[str]] = {}
    loose_nodes: list[Mapping[str, Any]] = []
    for text in texts:
        content = _text_of(text)
        if not content:
            continue
        container = text.get("containerId")
        if container in labels:
            labels[container].append(content)
        elif container in by_id and by_id[container].get("type") in CONNECTORS:
            arrow_labels.setdefault(container, []).append(content)
        else:
            box = _box(text)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            holders = [s for s in shapes if _inside(centre, _box(s))]
            if holders:
                labels[min(holders, key=lambda s: _area(_box(s)))["id"]].append(content)
            else:
                loose_nodes.append(text)

    nodes: dict[str, Node] = {}
    for shape in shapes:
        label = " ".join(labels[shape["id"]])
        if label:  # an unlabelled box is decoration, not a component
            nodes[shape["id"]] = Node(shape["id"], label, vocabulary.classify(label), _box(shape))
    for text in loose_nodes:
        label = _text_of(text)
        nodes[text["id"]] = Node(text["id"], label, vocabulary.classify(label), _box(text))

    def node_at(point: tuple[float, float]) -> str | None:
        holders = [n for n in nodes.values() if _inside(point, n.box, SNAP_MARGIN)]
        return min(holders, key=lambda n: _area(n.box)).id if holders else None

    def bound(binding: Any) -> str | None:
        if not isinstance(binding, Mapping):
            return None
        target = binding.get("elementId")
        if target in nodes:
            return target
        element = by_id.get(target)  # bound to a label: use its container
        container = element.get("containerId") if element else None
        return container if container in nodes else None

    edges: list[Edge] = []
    for arrow in (e for e in elements if e.get("type") in CONNECTORS):
        ends = _endpoints(arrow)
        start = bound(arrow.get("startBinding")) or (node_at(ends[0]) if ends else None)
        end = bound(arrow.get("endBinding")) or (node_at(ends[1]) if ends else None)
        if not start or not end or start == end:
            continue
        label = " ".join(arrow_labels.get(arrow["id"], []))
        head_at_end, head_at_start = (
            bool(arrow.get("endArrowhead")),
            bool(arrow.get("startArrowhead")),
        )
        if head_at_end or not head_at_start:
            edges.append(Edge(arrow["id"], start, end, label))
        if head_at_start or not head_at_end:
            edges.append(Edge(arrow["id"], end, start, label))
    return Graph(nodes=nodes, edges=edges)


# --- structural checks used by diagram criteria ----------------------------------------


def _reachable(
    graph: Graph, sources: Iterable[str], successors: Mapping[str, set[str]]
) -> dict[str, list[str]]:
    """Shortest paths (as node id lists) from any of `sources` to every reachable node."""
    paths = {s: [s] for s in sources}
    queue = deque(paths)
    while queue:
        current = queue.popleft()
        for nxt in successors[current]:
            if nxt not in paths:
                paths[nxt] = [*paths[current], nxt]
                queue.append(nxt)
    return paths


def _walk_from(graph: Graph, start: str, kinds: Sequence[str], successors) -> list[str] | None:
    walk = [start]
    for kind in kinds:
        paths = _reachable(graph, [walk[-1]], successors)
        targets = [n for n in graph.of_kind(kind) if n.id in paths and n.id != walk[-1]]
        if not targets:
            return None
        walk += paths[min(targets, key=lambda n: len(paths[n.id])).id][1:]
    return walk


def find_path(graph: Graph, kinds: Sequence[str]) -> list[str] | None:
    """Node ids of a directed walk through components of `kinds`, in order (hops may pass others)."""
    successors = graph.successors()
    for start in graph.of_kind(kinds[0]):
        walk = _walk_from(graph, start.id, kinds[1:], successors)
        if walk:
            return walk
    return None


def find_loop(graph: Graph, kinds: Sequence[str]) -> list[str] | None:
    """A directed cycle that leaves a component of `kinds[0]`, passes the others and comes back."""
    successors = graph.successors()
    for start in graph.of_kind(kinds[0]):
        walk = _walk_from(graph, start.id, kinds[1:], successors)
        if walk:
            back = _reachable(graph, [walk[-1]], successors).get(start.id)
            if back and len(back) > 1:
                return walk + back[1:]
    return None


def find_shared(graph: Graph, hub: str, users: Sequence[str]) -> list[str] | None:
    """A component of kind `hub` directly connected to a component of each kind in `users`."""
    neighbours: dict[str, set[str]] = {n: set() for n in graph.nodes}
    for edge in graph.edges:
        neighbours[edge.source].add(edge.target)
        neighbours[edge.target].add(edge.source)
    for candidate in graph.of_kind(hub):
        linked = [
            next((m for m in neighbours[candidate.id] if graph.nodes[m].kind == u), None)
            for u in users
        ]
        if all(linked):
            return [candidate.id, *linked]
    return None
