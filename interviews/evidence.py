"""Board evidence in the candidate's own labels, never Excalidraw's element ids.

Grades read before the engine kept ids out of its text (and any text that slipped one in) say
`“Ranker” (I0lomlOVPDTaS2LcszKKB)`; the page and the exports show `“Ranker”` instead, and a
bare id becomes the box's label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# Excalidraw ids are nanoids: 20-ish characters of letters, digits, "_" and "-".
_ELEMENT_ID = r"[A-Za-z0-9_-]{16,40}"
_LABEL_THEN_ID = re.compile(rf"(“[^”]*”)\s*\(({_ELEMENT_ID})\)")
_PARENTHESISED_ID = re.compile(rf"\s*\(({_ELEMENT_ID})\)")


def board_labels(diagram: Mapping[str, Any] | None) -> dict[str, str]:
    """`{element id: label}` for every box and labelled arrow the grader read."""
    diagram = diagram or {}
    labels = {c["id"]: c.get("label", "") for c in diagram.get("components", []) if "id" in c}
    for edge in diagram.get("edges", []):
        if "id" in edge:
            labels[edge["id"]] = edge.get("label") or (
                f"{edge.get('source_label', '')} → {edge.get('target_label', '')}"
            )
    return labels


def _looks_like_id(token: str) -> bool:
    """A long token no one writes as a word: digits in it, or capitals after the first letter."""
    has_digit = any(ch.isdigit() for ch in token)
    mixed = any(ch.isupper() for ch in token[1:]) and any(ch.islower() for ch in token)
    return has_digit or mixed


def without_element_ids(text: str, labels: Mapping[str, str]) -> str:
    if not text:
        return text

    def after_label(match: re.Match[str]) -> str:
        token = match.group(2)
        return match.group(1) if token in labels or _looks_like_id(token) else match.group(0)

    def parenthesised(match: re.Match[str]) -> str:
        token = match.group(1)
        if token in labels:
            return f" “{labels[token]}”" if labels[token] else ""
        return "" if _looks_like_id(token) else match.group(0)

    text = _LABEL_THEN_ID.sub(after_label, text)
    text = _PARENTHESISED_ID.sub(parenthesised, text)
    for element_id, label in labels.items():
        if label and re.fullmatch(_ELEMENT_ID, element_id) and element_id in text:
            text = text.replace(element_id, f"“{label}”")
    return text


def clean_all(texts: Iterable[str], labels: Mapping[str, str]) -> list[str]:
    return [without_element_ids(t, labels) for t in texts]
