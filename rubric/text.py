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


# British and American spellings meet before stemming ("randomised" and "randomized",
# "behaviour" and "behavior", "centre" and "center", "catalogue" and "catalog").
_SPELLING = (
    (re.compile(r"isation"), "ization"),
    (re.compile(r"(?<=\w{3})is(e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"(?<=\w{2})ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(?<=\w{2})ysis$"), "yz"),  # "analysis" meets "analyse(s)" and "analyze"
    (re.compile(r"(?<=\w{3})our(s?)$"), r"or\1"),
    (re.compile(r"(?<=\w{3})tre(s?)$"), r"ter\1"),
    (re.compile(r"(?<=\w{3})ogue(s?)$"), r"og\1"),
)


# Singular words that end in "s" without being plurals.
_KEEP_S = frozenset({"bias", "alias", "canvas", "atlas", "gas", "has", "was", "lens", "news"})


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A small suffix stripper: one stem for `labels`, `labelled` and `labelling`, `score`,
    `scores` and `scoring`, `embedding` and `embeddings`, `randomised` and `randomized`."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or word.isdigit():
        return word
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    if word in _KEEP_S:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"  # and on: "anomalies" ends where "anomaly" does
    elif word.endswith(("sses", "ches", "shes", "xes", "ases")):
        word = word[:-2]  # "biases" → "bias"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix, min_len in (("ing", 6), ("ed", 5), ("ly", 6)):
        if word.endswith(suffix) and len(word) >= min_len:
            root = word[: -len(suffix)]
            # "running" → "run"; "passed" keeps its "ss".
            if suffix != "ly" and len(root) > 2 and root[-1] == root[-2] and root[-1] not in "sz":
                root = root[:-1]
            word = root
            break
    if word.endswith("ization"):
        word = word[: -len("ation")]  # "normalization" → "normaliz", as "normalized"
    elif word.endswith("ation") and len(word) > 7:
        word = word[: -len("ion")]  # "calibration" → "calibrat", as "calibrate(d)"
    if word.endswith("e") and len(word) > 3 and not word.endswith("ee"):
        word = word[:-1]  # "score", "scored" and "scoring" meet at "scor"
    if word.endswith("iz") and len(word) > 5:
        word = word[:-2]  # "randomized" and "random", "personalization" and "personal"
    return _single_l(word)


def _single_l(word: str) -> str:
    # "labelled", "labelling" and "label" meet at "label" ("install" becomes "instal" everywhere).
    return word[:-1] if word.endswith("ll") else word


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed word tokens; hyphens and slashes separate words."""
    return [stem(w) for w in _WORD.findall(text.lower())]


def tokens_with_spans(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Tokens and the character span of each in `text` (for quotes that contain their match)."""
    found = [(stem(m.group()), m.span()) for m in _WORD.finditer(text.lower())]
    return tuple(w for w, _ in found), tuple(span for _, span in found)


# Words that carry no topic by themselves (for telling an answer's subject, not for matching).
STOPWORDS = frozenset(
    tokens(
        "a an the of to for in on at by with and or is are was were be been being it its this that "
        "these those we i you they our their them us my your as from into onto what which who how "
        "when where there here than then so do does did can could would will should may might also "
        "just about over under up down out per each every some any all very really"
    )
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence or list item of one stage's answer, with its exact span in that text."""

    stage: str
    start: int
    end: int
    text: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()  # of each word, relative to `text`


# A run of more words than this without a sentence end is cut into pieces of this size, so a
# paste of terms with no punctuation is read like the list it is (and costs bounded work).
MAX_SEGMENT_WORDS = 60


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
            found.extend(_pieces(stage, position + offset, body))
        if match:
            position = match.end()
    return found


def _pieces(stage: str, start: int, body: str) -> list[Segment]:
    words, spans = tokens_with_spans(body)
    if len(words) <= MAX_SEGMENT_WORDS:
        return [Segment(stage, start, start + len(body), body, words, spans)]
    pieces = []
    starts = list(range(0, len(words), MAX_SEGMENT_WORDS))
    if len(words) - starts[-1] < MAX_SEGMENT_WORDS // 3:
        starts.pop()  # a short tail ("… because it matters") joins the piece before it
    for n, first in enumerate(starts):
        last = (starts[n + 1] if n + 1 < len(starts) else len(words)) - 1
        cut_from = spans[first][0] if first else 0
        cut_to = spans[last + 1][0] if last + 1 < len(words) else len(body)
        piece = body[cut_from:cut_to].rstrip()
        local = tuple((a - cut_from, b - cut_from) for a, b in spans[first : last + 1])
        pieces.append(
            Segment(stage, start + cut_from, start + cut_from + len(piece), piece,
                    words[first : last + 1], local)
        )  # fmt: skip
    return pieces


# A phrase of several words also matches when its content words stand this close in any order
# ("age of the video" for "video age"), within the phrase's length plus this slack.
LOOSE_SLACK = 3

# In a term, "k" or "n" after a metric stands for a number: "recall@k" matches "recall@1000".
_NUMBER_SLOTS = frozenset({"k", "n"})


# The particles of phrasal verbs in rubric terms, and the pronouns that stand between a verb and
# its particle ("turn it into", "optimise that for").
_PARTICLES = frozenset(tokens("into to for with up down out in on at over off by from"))
_OBJECT_PRONOUNS = tuple(tokens("it that this them these those"))


@dataclass(frozen=True, slots=True)
class Phrase:
    """A rubric term, tokenised once: its words, and the words a match must find first."""

    words: tuple[str, ...]
    content: tuple[str, ...]
    # With fewer than two real words ("a/b test" keeps only "test"), only the exact words in
    # order mean the same thing; with two or more, they may stand in any order, close together.
    loose: bool
    needed: tuple[str, ...]  # looked up in the index before any span is checked

    @classmethod
    def of(cls, text: str) -> Phrase:
        words = tuple(tokens(text))
        # Single letters ("a/b", "p@k") say little alone: they only count in the exact phrase.
        content = tuple(dict.fromkeys(w for w in words if len(w) > 1 and w not in STOPWORDS))
        loose = len(content) >= 2
        needed = content if loose else tuple(w for w in words if w not in _NUMBER_SLOTS) or words
        return cls(words, content, loose, needed)

    @classmethod
    def variants(cls, text: str) -> tuple[Phrase, ...]:
        """The phrase, and for a verb with its particle ("translate into", "optimise for", "map
        to") the same with an object pronoun between them, as people say it: "translate that
        into", "optimise it for", "map them to"."""
        phrase = cls.of(text)
        verb, *rest = phrase.words or ("",)
        if phrase.loose or len(rest) != 1 or rest[0] not in _PARTICLES or (verb,) != phrase.content:
            return (phrase,)
        return (phrase, *(cls((verb, p, rest[0]), phrase.content, False, phrase.needed)
                          for p in _OBJECT_PRONOUNS))  # fmt: skip

    def fits(self, words: tuple[str, ...]) -> bool:
        return len(words) == len(self.words) and all(
            want == got or (want in _NUMBER_SLOTS and got.isdigit())
            for want, got in zip(self.words, words, strict=True)
        )


class PhraseIndex:
    """Where each word stands in a list of segments, so finding a phrase costs a few lookups."""

    def __init__(self, segments: list[Segment]):
        self.where: dict[str, dict[int, list[int]]] = {}
        for i, segment in enumerate(segments):
            for position, word in enumerate(segment.words):
                self.where.setdefault(word, {}).setdefault(i, []).append(position)
        self.segments = segments

    def find(self, phrase: Phrase) -> dict[int, tuple[int, int]]:
        """`{segment index: (first word, last word)}` for each segment holding the phrase."""
        needed = (
            phrase.content
            if phrase.loose
            else [w for w in phrase.words if w not in _NUMBER_SLOTS] or phrase.words
        )
        postings = []
        for word in needed:
            hits = self.where.get(word)
            if hits is None:
                return {}
            postings.append(hits)
        postings.sort(key=len)
        candidates = set(postings[0]).intersection(*postings[1:])
        found: dict[int, tuple[int, int]] = {}
        for i in candidates:
            span = self._loose_span(phrase, i) if phrase.loose else self._exact_span(phrase, i)
            if span is not None:
                found[i] = span
        return found

    def _exact_span(self, phrase: Phrase, i: int) -> tuple[int, int] | None:
        """Tried only where the phrase's first real word stands (a number slot matches any)."""
        words, n = self.segments[i].words, len(phrase.words)
        anchor = next((j for j, w in enumerate(phrase.words) if w not in _NUMBER_SLOTS), 0)
        for position in self.where[phrase.words[anchor]][i]:
            start = position - anchor
            if start >= 0 and phrase.fits(words[start : start + n]):
                return start, start + n - 1
        return None

    def _loose_span(self, phrase: Phrase, i: int) -> tuple[int, int] | None:
        """The smallest window holding every content word, if it is short enough."""
        marks = sorted(
            (position, word) for word in phrase.content for position in self.where[word][i]
        )
        need, counts, best = len(phrase.content), {}, None
        left = 0
        for position, word in marks:
            counts[word] = counts.get(word, 0) + 1
            while len(counts) == need:
                start = marks[left][0]
                if best is None or position - start < best[1] - best[0]:
                    best = (start, position)
                gone = marks[left][1]
                counts[gone] -= 1
                if not counts[gone]:
                    del counts[gone]
                left += 1
        if best is None or best[1] - best[0] + 1 > len(phrase.words) + LOOSE_SLACK:
            return None
        return best
