"""Marking the sentences that earned credit inside a candidate's answer."""

from __future__ import annotations

from collections.abc import Iterable


def highlight_spans(text: str, quotes: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Split `text` into `(piece, [criterion titles])` runs; quoted pieces carry who they earned.

    `quotes` are `(quote, criterion title)` pairs; every quote is an exact substring of `text`
    (the engine guarantees it), so plain `find` locates it. Overlaps merge their titles.
    """
    owners: list[list[str]] = [[] for _ in text]
    for quote, title in quotes:
        start = text.find(quote) if quote else -1
        if start < 0:
            continue
        for i in range(start, start + len(quote)):
            if title not in owners[i]:
                owners[i].append(title)
    runs: list[tuple[str, list[str]]] = []
    for char, who in zip(text, owners, strict=True):
        if runs and runs[-1][1] == who:
            runs[-1] = (runs[-1][0] + char, who)
        else:
            runs.append((char, who))
    return runs
