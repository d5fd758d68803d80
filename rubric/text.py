"""Text handling for the grader: segments with exact offsets, tokens and light stemming.

Everything here is deterministic and dependency-free so that the engine stays pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Letters and digits are separate words, so "150ms" reads as "150 ms" and "4K" as "4 k".
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+(?:\.[0-9]+)?")
# A segment ends at a line break or at sentence punctuation followed by a space.
_SEGMENT_END = re.compile(r"\n+|(?<=[.!?;])\s+")
# Leading list markers and markdown decoration are not part of the quoted sentence.
_LEADING_NOISE = re.compile(r"^(?:\s*(?:[-*+>]|#{1,6}|\d{1,3}[.)])(?=\s))*\s*")
MAX_NGRAM = 5


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """A small suffix stripper: plurals, -ing and -ed, enough to match `labels` and `labelling`."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    for suffix, min_len in (("ing", 6), ("ed", 5)):
        if word.endswith(suffix) and len(word) >= min_len:
            root = word[: -len(suffix)]
            # "running" → "run"; "passed" keeps its "ss".
            if len(root) > 2 and root[-1] == root[-2] and root[-1] not in "sz":
                root = root[:-1]
            return _single_l(root)
    return _single_l(word)


def _single_l(word: str) -> str:
    # "labelled", "labelling" and "label" meet at "label" ("install" becomes "instal" everywhere).
    return word[:-1] if word.endswith("ll") else word


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens; hyphens and slashes separate words."""
    return [stem(w) for w in _WORD.findall(text.lower())]


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or list item of one stage's answer, with its exact span in that text."""

    stage: str
    start: int
    end: int
    text: str
    words: tuple[str, ...]

    def ngrams(self) -> set[tuple[str, ...]]:
        words = self.words
        grams: set[tuple[str, ...]] = set()
        for n in range(1, MAX_NGRAM + 1):
            for i in range(len(words) - n + 1):
                grams.add(words[i : i + n])
        return grams


def segments(stage: str, text: str) -> list[Segment]:
    """Split a stage's text into segments whose `text` is an exact substring of `text`."""
    found: list[Segment] = []
    position = 0
    for match in [*_SEGMENT_END.finditer(text), None]:
        end = match.start() if match else len(text)
        raw = text[position:end]
        noise = _LEADING_NOISE.match(raw)
        offset = noise.end() if noise else 0
        body = raw[offset:].rstrip()
        if body:
            start = position + offset
            found.append(Segment(stage, start, start + len(body), body, tuple(tokens(body))))
        if match:
            position = match.end()
    return found
