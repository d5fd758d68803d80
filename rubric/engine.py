"""The grading engine: rubric + answer in, graded result out.

Pure and deterministic: no ORM, no settings, no network. Each criterion gets a
level 0-3 from evidence in the candidate's own words:

0 absent · 1 mentioned (or only listed in a pile of keywords) ·
2 explained in reasoned sentences · 3 explained and justified with a number,
a trade-off or a decision.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rubric.calibration import ScoreScale
from rubric.diagram import (
    LEG_HOPS,
    LINK_HOPS,
    Finding,
    Graph,
    Vocabulary,
    WalkProgress,
    board_mentions,
    loop_walk,
    scene_graph,
    shared_hub,
    walk,
)
from rubric.scene import clean_scene
from rubric.schema import MAX_LEVEL, Bank, CriterionSpec, DiagramCheck, Topic
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGES
from rubric.text import STOPWORDS, PhraseIndex, Segment, segments, tokens

# Bumped whenever the engine's reading changes, so a stored grade names both the rubric version
# and the engine that applied it (a grade is reproducible from the pair).
ENGINE_VERSION = "2026-12-02"

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 280

# Words that connect terms into a claim; a run of terms with none of them is a list, not reasoning.
# Stemmed like the answer's words, so "because" and "makes" are found.
_CONNECTORS = frozenset(
    tokens(
        "because so since therefore which that if when would will should could must need to by for "
        "otherwise then mean means while whereas than instead avoid prevent help let allow make keep "
        "we i it this they our with within per into of from as at on in is are be not no only each "
        "every after before until both use using used get"
    )
)
# Words that make a claim of a long run of words; forty words without any is a run of terms.
_CLAIM_WORDS = frozenset(
    tokens(
        "because so since therefore which if when would will should could must means then "
        "while whereas than instead otherwise unless until"
    )
)
_LONG_RUN_WORDS = 40
# Symbols people use in terse notes to state a relation ("ids → embeddings", "label = click").
_RELATION = re.compile(r"→|->|=>|=|:|≈|~|\bvs\b|\bx\b")
# A segment naming this many rubric concepts with fewer words each than this is a pile of terms.
_DENSE_HITS, _DENSE_WORDS_PER_HIT, _DENSE_MAX_CONNECTORS = 5, 3.0, 3
_TRADEOFF = re.compile(
    r"\btrade-?offs?\b|\binstead of\b|\brather than\b|\bversus\b|\bvs\.?\s|\bcompared (?:to|with)\b"
    r"|\bat the cost of\b|\bdownsides?\b|\bdrawbacks?\b|\bon the other hand\b|\bhowever\b"
    r"|\bbut\b|\bcheaper\b|\bslower\b|\bfaster\b|\bsimpler\b|\bcostlier\b|\bworse\b|\bbetter\b",
    re.IGNORECASE,
)
_DECISION = re.compile(
    r"\b(?:i|we)(?:'d| would| will|'ll)? (?:choose|pick|go with|use|start with|prefer|opt for|keep|stick with)\b"
    r"|\bso (?:i|we)(?:'d| would| will|'ll)?\b|\bdecid(?:e|ed|ing)\b|\bmy choice\b|\bthe choice is\b",
    re.IGNORECASE,
)
_UNIT = (
    r"(?:k|m|b|bn|mm|million|millions|billion|billions|thousand|thousands|hundred|%|percent|ms|"
    r"milliseconds?|s|secs?|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?|"
    r"qps|rps|tps|kb|mb|gb|tb|pb|bytes?|users?|requests?|queries|items?|videos?|ads?|events?|"
    r"transactions?|examples?|rows?|dims?|dimensions?|features?|machines?|gpus?|servers?|x)"
)
_NUMBER_WITH_UNIT = re.compile(
    rf"(?<![\w.])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s?{_UNIT}(?![a-z])", re.IGNORECASE
)
# Units that size a system (traffic, latency, data, hardware). Time windows ("3 days", "2 weeks")
# and percentages are numbers too, but they do not size anything: alone they earn a mention.
_SCALE_UNIT = (
    r"(?:k|m|b|bn|million|millions|billion|billions|thousand|thousands|ms|milliseconds?|s|secs?|"
    r"seconds?|qps|rps|tps|kb|mb|gb|tb|pb|bytes?|users?|requests?|queries|items?|videos?|ads?|"
    r"events?|transactions?|examples?|rows?|dims?|dimensions?|machines?|gpus?|servers?)"
)
_NUMBER_WITH_SCALE = re.compile(
    rf"(?<![\w.])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s?{_SCALE_UNIT}(?![a-z])", re.IGNORECASE
)
_ANY_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?")
_DERIVATION = re.compile(
    r"[×*/÷=≈~]|\bper\b|\btimes\b|\bwhich is\b|\bthat is\b|\bso about\b|\broughly\b"
)


@dataclass(frozen=True)
class Answer:
    """A candidate's answer: text per stage (missing stages count as empty)."""

    stages: Mapping[str, str]
    whiteboard: Mapping[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        stages = data.get("stages") or {}
        if not isinstance(stages, Mapping):
            raise ValueError("`stages` must be an object mapping stage keys to text")
        cleaned: dict[str, str] = {}
        for key, value in stages.items():
            if key not in STAGES:
                raise ValueError(f"unknown stage {key!r}; expected one of {', '.join(STAGES)}")
            if value is not None and not isinstance(value, str):
                raise ValueError(f"stage {key!r} must be text")
            cleaned[key] = value or ""
        return cls(stages=cleaned, whiteboard=clean_scene(data.get("whiteboard")))


@dataclass
class CriterionOutcome:
    id: str
    stage: str
    title: str
    kind: str
    weight: int
    level: int
    evidence: list[str]
    evidence_stages: list[str]
    missing: str
    tip: str
    competencies: list[str]
    max_level: int = MAX_LEVEL
    # The grader found little to go on in text that says a lot (plain words it may not know):
    # the page says so beside the level instead of stating "Not covered".
    unsure: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unsure": self.unsure,
            "title": self.title,
            "kind": self.kind,
            "weight": self.weight,
            "level": self.level,
            "max_level": self.max_level,
            "evidence": self.evidence,
            "evidence_stages": self.evidence_stages,
            "missing": self.missing,
            "tip": self.tip,
            "competencies": self.competencies,
        }


@dataclass
class GradeResult:
    score: int
    band: str
    stage_scores: dict[str, int]
    criteria: list[CriterionOutcome] = field(default_factory=list)
    graph: dict[str, Any] = field(default_factory=lambda: {"components": [], "edges": []})
    raw_score: int = 0  # share of the rubric's points, before the calibrated scale
    off_topic: bool = False  # the answer hardly touches this question: capped, and said so
    thin_stages: list[str] = field(default_factory=list)  # stages left (nearly) empty
    # Per stage, what the interviewer would ask next: {"criterion", "question"} or None.
    follow_ups: dict[str, dict[str, str] | None] = field(default_factory=dict)

    @property
    def level_cap(self) -> int | None:
        """The highest level the answer can reach whatever its points (None: no cap)."""
        if self.off_topic:
            return 0
        if len(self.thin_stages) >= MAX_THIN_STAGES:
            return 2
        return None

    def to_dict(self) -> dict[str, Any]:
        stages: dict[str, Any] = {}
        for stage in GRADED_STAGES:
            rows = [c.to_dict() for c in self.criteria if c.stage == stage]
            if rows:
                stages[stage] = {
                    "score": self.stage_scores[stage],
                    "criteria": rows,
                    "follow_up": self.follow_ups.get(stage),
                }
        diagram = {
            "score": self.stage_scores.get(DIAGRAM, 0),
            "criteria": [c.to_dict() for c in self.criteria if c.stage == DIAGRAM],
            **self.graph,
        }
        return {"score": self.score, "band": self.band, "raw_score": self.raw_score,
                "off_topic": self.off_topic, "thin_stages": self.thin_stages, "stages": stages,
                "diagram": diagram}  # fmt: skip


def hire_band(score: int) -> str:
    """The hiring signal an interviewer would attach to an overall score."""
    for threshold, band in (
        (80, "strong hire"),
        (65, "hire"),
        (50, "lean hire"),
        (35, "lean no hire"),
    ):
        if score >= threshold:
            return band
    return "no hire"


# --- reading the answer ------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    segment: Segment
    reasoned: bool
    justified: bool
    weighs_options: bool
    decides: bool


def _is_keyword_pile(segment: Segment) -> bool:
    """Terms separated by commas or slashes with hardly a connecting word.

    Parentheses qualify a term ("counters (smoothed)") rather than make a list, so they are
    dropped before counting the items; a short list that carries a number or a relation is a
    terse note, but a long run of short items is a pile whatever decorates it.
    """
    text = re.sub(r"\([^)]*\)", " ", segment.text)
    chunks = [c for c in re.split(r"[,/;|•·]+|\s+\+\s+", text) if c.strip()]
    if len(chunks) < 3 or len(segment.words) / len(chunks) > 3.5:
        return False
    connectors = sum(1 for w in segment.words if w in _CONNECTORS)
    # "time of day" inside a list is still a list: a few stray connectors do not make a claim.
    if connectors >= 0.1 * len(segment.words):
        return False
    if len(chunks) >= _LONG_PILE_ITEMS:
        return True
    return not (
        "(" in segment.text or _ANY_NUMBER.search(segment.text) or _RELATION.search(segment.text)
    )


_LONG_PILE_ITEMS = 7


def _is_reasoned(segment: Segment) -> bool:
    """A claim rather than a list or a question: connecting words, a relation or a number.

    Hurried notes count when they state a relation ("label = click within 30 min",
    "ids -> embeddings (64d)"), so three words with a relation or a number are enough.
    """
    words, text = segment.words, segment.text
    if text.rstrip().endswith("?") or _is_keyword_pile(segment):
        return False  # a question to the interviewer asks; it does not explain
    if len(words) >= _LONG_RUN_WORDS and not any(w in _CLAIM_WORDS for w in words):
        return False  # forty words and not one "because", "so" or "which": a run of terms
    related = bool(_RELATION.search(text)) or bool(_ANY_NUMBER.search(text))
    if len(words) >= 5:
        return related or any(w in _CONNECTORS for w in words)
    return len(words) >= 3 and related


def _read_answer(answer: Answer) -> list[_Sentence]:
    """Segment every stage; text repeated from an earlier place counts only once."""
    seen: set[tuple[str, ...]] = set()
    sentences: list[_Sentence] = []
    for stage in STAGES:
        for segment in segments(stage, answer.stages.get(stage, "")):
            if len(segment.words) >= 4:
                if segment.words in seen:
                    continue
                seen.add(segment.words)
            text = segment.text
            weighs = bool(_TRADEOFF.search(text))
            decides = bool(_DECISION.search(text))
            sentences.append(
                _Sentence(
                    segment=segment,
                    reasoned=_is_reasoned(segment),
                    justified=weighs or decides or bool(_ANY_NUMBER.search(text)),
                    weighs_options=weighs,
                    decides=decides,
                )
            )
    return sentences


# {concept: {sentence index: (first word, last word) of the match}}, per concept criterion.
_Matches = dict[int, dict[int, tuple[int, int]]]


def _find_concepts(
    sentences: list[_Sentence], criteria: Sequence[CriterionSpec]
) -> tuple[dict[str, _Matches], dict[int, set[tuple[int, int]]]]:
    """Every place each concept of each criterion is named, anywhere in the answer.

    "Missing" and the evidence are both read off these matches, so a criterion can never call
    a concept missing that a sentence of the answer names.
    """
    index = PhraseIndex([s.segment for s in sentences])
    found: dict[str, _Matches] = {}
    every: dict[int, set[tuple[int, int]]] = {}  # each sentence's matched spans, of every phrase
    for criterion in criteria:
        per_concept: _Matches = {}
        for number, concept in enumerate(criterion.concepts):
            places: dict[int, tuple[int, int]] = {}
            for phrase in concept.phrases:
                for i, span in index.find(phrase).items():
                    every.setdefault(i, set()).add(span)
                    if i not in places or span[1] - span[0] < places[i][1] - places[i][0]:
                        places[i] = span
            if places:
                per_concept[number] = places
        found[criterion.id] = per_concept
    return found, every


def _demote_dense_piles(
    sentences: list[_Sentence], every: dict[int, set[tuple[int, int]]]
) -> list[_Sentence]:
    """A sentence naming many rubric concepts in few words, with hardly a connecting word ("we
    use CTR, DeepFM, a feature store and A/B tests"), is a list dressed as a sentence: it counts
    as mentioning, not reasoning. Overlapping matches (a term and its synonyms) count once."""
    demoted = []
    for i, s in enumerate(sentences):
        terms, covered = _coverage(every.get(i, set()))
        words = s.segment.words
        listed = (
            terms >= _DENSE_HITS
            and len(words) / terms < _DENSE_WORDS_PER_HIT
            and sum(1 for w in words if w in _CONNECTORS) < _DENSE_MAX_CONNECTORS
        )
        # Terms strung together ("privacy and fraud probability and model registry and …")
        # leave hardly a word of their own between them, however many "because"s close the run.
        # A word of a matched term counts as the term's wherever it stands (terms repeat).
        term_words = {words[j] for j in covered}
        own_words = sum(
            1
            for w in words
            if w not in term_words and len(w) > 2 and not w.isdigit()
            and w not in STOPWORDS and w not in _CONNECTORS
        )  # fmt: skip
        salad = terms >= _DENSE_HITS and own_words < terms / 2
        if s.reasoned and (listed or salad):
            s = replace(s, reasoned=False)
        demoted.append(s)
    return demoted


def _coverage(spans: set[tuple[int, int]]) -> tuple[int, set[int]]:
    """How many separate stretches of words the matches make (overlapping ones merge), and the
    positions of the words they cover."""
    count, reach, covered = 0, -1, set()
    for start, end in sorted(spans):
        if start > reach:
            count += 1
        covered.update(range(start, end + 1))
        reach = max(reach, end)
    return count, covered


def _quote(segment: Segment, span: tuple[int, int] | None = None) -> str:
    """The segment, or MAX_QUOTE_CHARS of it around the matched words, cut at words: always a
    substring of the answer, and always holding what earned the credit."""
    text = segment.text
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    if span is None or not segment.spans:
        first, last = 0, 0
    else:
        first, last = segment.spans[span[0]][0], segment.spans[span[1]][1]
    # From a little before the match, as far on as fits: the explanation follows the term.
    start = max(0, last - MAX_QUOTE_CHARS, min(first - 40, len(text) - MAX_QUOTE_CHARS))
    if start:
        cut = text.find(" ", start)
        start = cut + 1 if 0 <= cut < first else start
    end = min(len(text), start + MAX_QUOTE_CHARS)
    if end < len(text):
        cut = text.rfind(" ", last, end)
        end = cut if cut > 0 else end
    return text[start:end].strip(" ,;:")


def _evidence(
    sentences: Iterable[_Sentence], spans: Mapping[int, tuple[int, int]] | None = None
) -> tuple[list[str], list[str]]:
    quotes: list[str] = []
    stages: list[str] = []
    for sentence in sentences:
        span = spans.get(id(sentence)) if spans else None
        quote = _quote(sentence.segment, span)
        if quote not in quotes:
            quotes.append(quote)
            stages.append(sentence.segment.stage)
        if len(quotes) == MAX_QUOTES:
            break
    return quotes, stages


# --- one function per criterion kind ----------------------------------------


def _grade_concept(
    criterion: CriterionSpec, sentences: Sequence[_Sentence], matches: _Matches
) -> CriterionOutcome:
    """Levels from where the criterion's concepts are named (anywhere: an interviewer credits a
    point wherever it is made) and whether those sentences reason."""
    reasoned_groups = {
        n for n, places in matches.items() if any(sentences[i].reasoned for i in places)
    }
    mentioned_groups = set(matches)
    hit_ids = sorted({i for places in matches.values() for i in places})
    justified = any(sentences[i].reasoned and sentences[i].justified for i in hit_ids)

    need = criterion.min_concepts
    if not mentioned_groups:
        level = 0
    elif len(reasoned_groups) < need:
        level = 1
    elif justified and len(reasoned_groups) >= min(need + 1, len(criterion.concepts)):
        level = 3
    else:
        level = 2

    missing_parts = []
    if level < MAX_LEVEL:
        listed = [criterion.concepts[i].name for i in sorted(mentioned_groups - reasoned_groups)]
        absent = [c.name for i, c in enumerate(criterion.concepts) if i not in mentioned_groups]
        if absent:
            missing_parts.append("Not covered: " + ", ".join(absent) + ".")
        if listed:
            missing_parts.append("Named but not explained: " + ", ".join(listed) + ".")
        if level == 2 and len(reasoned_groups) == len(criterion.concepts):
            missing_parts.append("Back it with a number, a trade-off or a decision.")
        if not criterion.advice_names & reasoned_groups:
            missing_parts.append(criterion.missing)

    # Evidence: the sentences that earned the level, the most concepts and reasoning first,
    # each quoted around the words that matched.
    span_of: dict[int, tuple[int, int]] = {}
    groups_in: dict[int, int] = {}
    for places in matches.values():
        for i, span in places.items():
            groups_in[i] = groups_in.get(i, 0) + 1
            span_of.setdefault(i, span)
    in_scope = set(criterion.scope)
    ordered = sorted(
        hit_ids,
        key=lambda i: (
            not sentences[i].reasoned,
            -groups_in[i],
            sentences[i].segment.stage not in in_scope,
            not sentences[i].justified,
            i,
        ),
    )
    chosen = [sentences[i] for i in ordered]
    quotes, quote_stages = (
        _evidence(chosen, {id(sentences[i]): span_of[i] for i in ordered}) if level else ([], [])
    )
    return _criterion_result(criterion, level, quotes, quote_stages, " ".join(missing_parts))


def _grade_quantitative(
    criterion: CriterionSpec, sentences: Sequence[_Sentence]
) -> CriterionOutcome:
    with_units = [s for s in sentences if _NUMBER_WITH_UNIT.search(s.segment.text)]
    reasoned = [s for s in with_units if s.reasoned]
    sizing = [s for s in reasoned if _NUMBER_WITH_SCALE.search(s.segment.text)]
    derived = [
        s
        for s in sizing
        if len(_ANY_NUMBER.findall(s.segment.text)) >= 2 and _DERIVATION.search(s.segment.text)
    ]
    count = sum(len(_NUMBER_WITH_SCALE.findall(s.segment.text)) for s in sizing)
    if not with_units:
        level = 0
    elif count < 3:
        level = 1
    elif not derived:
        level = 2
    else:
        level = 3
    ordered = (
        derived
        + [s for s in sizing if s not in derived]
        + [s for s in reasoned if s not in sizing]
        + [s for s in with_units if not s.reasoned]
    )
    missing = "" if level == MAX_LEVEL else criterion.missing
    return _result(criterion, level, ordered, missing)


def _grade_tradeoff(criterion: CriterionSpec, sentences: Sequence[_Sentence]) -> CriterionOutcome:
    weighed = [s for s in sentences if s.reasoned and s.weighs_options]
    decided = [s for s in weighed if s.decides]
    decisions_only = [s for s in sentences if s.reasoned and s.decides and not s.weighs_options]
    if not weighed and not decisions_only:
        level = 0
    elif len(weighed) < 2:
        level = 1
    elif len(weighed) < 3 or not decided:
        level = 2
    else:
        level = 3
    missing = "" if level == MAX_LEVEL else criterion.missing
    return _result(
        criterion,
        level,
        decided + [s for s in weighed if s not in decided] + decisions_only,
        missing,
    )


def _describe(graph: Graph, node_ids: Sequence[str], edge_ids: Sequence[str] = ()) -> str:
    """A walk in the board's own labels: `“Rec API” → “Event Log (Kafka)” —logs→ “Trainer”`.

    Element ids stay out of the text (the candidate reads it); they travel in the findings.
    """
    labels = {e.id: e.label for e in graph.edges}
    out = f"“{graph.nodes[node_ids[0]].label}”" if node_ids else ""
    for i, node_id in enumerate(node_ids[1:]):
        label = labels.get(edge_ids[i], "") if i < len(edge_ids) else ""
        out += f" —{label}→ " if label else " → "
        out += f"“{graph.nodes[node_id].label}”"
    return out


def _player(graph: Graph, played: tuple[str, str], step: str, *, your: bool = True) -> str:
    """`your “Ranker” serves predictions` for the element that played a step."""
    vocabulary = graph.vocabulary
    accepted = vocabulary.roles_named(step)
    what, element_id = played
    if what == "edge":
        edge = next(e for e in graph.edges if e.id == element_id)
        role = next((r for r in edge.roles if r in accepted), step)
        return f"{'your ' if your else ''}arrow labelled “{edge.label}” says it {vocabulary.does(role)}"
    node = graph.nodes[element_id]
    role = next((r for r in node.roles if r in accepted), step)
    how = {"area": f" (it sits in “{node.area}”)", "said": " (you said so)"}.get(
        node.sources.get(role, ""), ""
    )
    return f"{'your ' if your else ''}“{node.label}” {vocabulary.does(role)}{how}"


def _label_of(graph: Graph, played: tuple[str, str]) -> str:
    what, element_id = played
    if what == "node":
        return f"“{graph.nodes[element_id].label}”"
    edge = next(e for e in graph.edges if e.id == element_id)
    return f"“{graph.nodes[edge.target].label}”"


def _explain_progress(
    graph: Graph, names: Sequence[str], progress: WalkProgress, *, linked: bool = False
) -> str:
    vocabulary = graph.vocabulary
    if progress.reached == 0:
        return f"no box on your board is {vocabulary.noun(names[0])}"
    played = progress.steps
    said = _player(graph, played[0], names[0])
    if len(played) > 1:
        said += ", and reaches " + ", ".join(_label_of(graph, p) for p in played[1:])
    if progress.reached >= len(names):  # a loop with every step played but no way back
        return f"{said}, but nothing leads from {_label_of(graph, played[-1])} back to {_label_of(graph, played[0])}"
    wanted = names[progress.reached]
    exists = graph.with_roles(vocabulary.roles_named(wanted))
    there = (
        f" (your “{exists[0].label}” is one, but it is not reached)"
        if exists
        else ", and your board has none"
    )
    if linked:
        return f"{said}, but it is not connected to {vocabulary.noun(wanted)}{there}"
    return f"{said}; no arrow leads from it to {vocabulary.noun(wanted)}{there}"


def _why(graph: Graph, names: Sequence[str], steps: Sequence[tuple[str, str]]) -> str:
    return ", ".join(
        _player(graph, played, name, your=i == 0)
        for i, (played, name) in enumerate(zip(steps, names, strict=False))
    )


def _check_walk(graph: Graph, check: DiagramCheck) -> Finding:
    """Run one check on the board and say, in the board's labels, what it found or lacks."""
    vocabulary = graph.vocabulary
    if check.component:
        roles = vocabulary.roles_named(check.component)
        found = graph.with_roles(roles)
        connected = graph.connected()
        group = vocabulary.groups.get(check.component)
        order = {role: i for i, role in enumerate(group.roles if group else (check.component,))}
        # The clearest example first: for "a store of training data", a warehouse before a log.
        linked = sorted(
            (n for n in found if n.id in connected),
            key=lambda n: min(order.get(r, len(order)) for r in n.roles),
        )
        if linked:
            played = ("node", linked[0].id)
            return Finding(
                "", check.name, True, _player(graph, played, check.component), [linked[0].id]
            )
        if found:
            text = f"your “{found[0].label}” is {vocabulary.noun(check.component)}, but no arrow connects it to the rest of the design"
            return Finding("", check.name, False, text, [found[0].id])
        return Finding(
            "", check.name, False, f"no box on your board is {vocabulary.noun(check.component)}"
        )
    if check.hub:
        users = [vocabulary.roles_named(u) for u in check.hub_users]
        found, elements, reach = shared_hub(graph, vocabulary.roles_named(check.hub), users)
        if found:
            text = f"{_describe(graph, [found[0]])} feeds " + " and ".join(
                f"“{graph.nodes[u].label}”" for u in found[1:]
            )
            return Finding("", check.name, True, text, elements)
        hubs = graph.with_roles(vocabulary.roles_named(check.hub))
        wanted = " and ".join(vocabulary.noun(u) for u in check.hub_users)
        if not hubs:
            return Finding(
                "", check.name, False, f"no box on your board is {vocabulary.noun(check.hub)}"
            )
        how = "only one of" if reach else "neither"
        return Finding("", check.name, False,
                       f"your “{hubs[0].label}” is {vocabulary.noun(check.hub)}, but it is linked to {how} {wanted}",
                       [hubs[0].id])  # fmt: skip
    names = check.path or check.linked or check.loop
    steps = [vocabulary.roles_named(name) for name in names]
    if check.loop:
        found_walk, progress = loop_walk(graph, steps)
    else:
        found_walk, progress = walk(
            graph,
            steps,
            mode="undirected" if check.linked else "stores",
            hops=LINK_HOPS if check.linked else LEG_HOPS,
        )
    if found_walk:
        text = f"{_describe(graph, found_walk.nodes, found_walk.edges)} — {_why(graph, names, found_walk.steps)}"
        return Finding("", check.name, True, text, found_walk.elements())
    elements = [element_id for _, element_id in progress.steps]
    return Finding("", check.name, False,
                   _explain_progress(graph, names, progress, linked=bool(check.linked)), elements)  # fmt: skip


def _board_is_about(graph: Graph, criterion: CriterionSpec) -> bool:
    """Whether the board is a design for this question: it names one of the question's own
    words, or it shows every one of the question's own diagram checks."""
    if not criterion.about:
        return True
    key = ("about", criterion.about)
    if key not in graph._cache:
        graph._cache[key] = board_mentions(graph, criterion.about) is not None or all(
            _check_walk(graph, check).met for check in criterion.about_checks
        )
    return graph._cache[key]


def _grade_diagram(criterion: CriterionSpec, graph: Graph) -> CriterionOutcome:
    evidence: list[str] = []
    absent: list[str] = []
    for check in criterion.checks:
        finding = _check_walk(graph, check)
        finding.criterion = criterion.id
        graph.findings.append(finding)
        if finding.met:
            evidence.append(f"{check.name}: {finding.text}")
        else:
            absent.append(f"{check.name} — {finding.text}")
    met, need = len(evidence), criterion.min_concepts
    if not met:
        level = 0
    elif met < need:
        level = 1
    elif met < len(criterion.checks):
        level = 2
    else:
        level = MAX_LEVEL
    missing = (
        "" if level == MAX_LEVEL else f"Not on the board: {'; '.join(absent)}. {criterion.missing}"
    )
    if level > 1 and criterion.source == "base" and not _board_is_about(graph, criterion):
        # A shared check passed on a board that shows nothing of this question (a recommender
        # drawn for an entity-linking question): it counts as a mention, not as this design.
        level = 1
        examples = ", ".join(f"“{w}”" for w in criterion.about[:4])
        missing = (
            f"Your board shows none of this question's own parts (such as {examples}), so this "
            f"shared check counts as a mention only. {missing}"
        )
    return _criterion_result(criterion, level, evidence, [DIAGRAM] * len(evidence), missing)


_GRADERS = {
    "quantitative": _grade_quantitative,
    "tradeoff": _grade_tradeoff,
}


def _result(
    criterion: CriterionSpec, level: int, ordered: Sequence[_Sentence], missing: str
) -> CriterionOutcome:
    quotes, quote_stages = _evidence(ordered) if level else ([], [])
    return _criterion_result(criterion, level, quotes, quote_stages, missing)


def _criterion_result(
    criterion: CriterionSpec,
    level: int,
    evidence: list[str],
    evidence_stages: list[str],
    missing: str,
) -> CriterionOutcome:
    return CriterionOutcome(
        id=criterion.id,
        stage=criterion.stage,
        title=criterion.title,
        kind=criterion.kind,
        weight=criterion.weight,
        level=level,
        evidence=evidence,
        evidence_stages=evidence_stages,
        missing=missing.strip(),
        tip=criterion.tip if level < MAX_LEVEL else "",
        competencies=list(criterion.competencies),
    )


# What each level is worth in a score. Naming a concept without explaining it is weak evidence
# in an interview, so level 1 earns a quarter, not a third; explaining it earns most of the credit.
LEVEL_VALUE = (0.0, 0.25, 0.7, 1.0)


def level_value(level: int) -> float:
    return LEVEL_VALUE[max(0, min(level, MAX_LEVEL))]


def _weighted_score(results: Sequence[CriterionOutcome]) -> int:
    total = sum(r.weight for r in results)
    if not total:
        return 0
    return round(100 * sum(r.weight * level_value(r.level) for r in results) / total)


# An answer to another problem: at least OFF_TOPIC_MIN_WORDS content words, of which few are
# the question's own (at most OFF_TOPIC_MAX_OWN of them, OFF_TOPIC_MAX_OWN_SHARE of the text),
# and either many are nobody's (another domain: OFF_TOPIC_MIN_FOREIGN_SHARE, where a generic
# answer is made of what every ML design says) or they are another bank question's own words
# (OFF_TOPIC_MIN_RIVAL_SHARE of the text, and RIVAL_RATIO times this question's share).
# Fixed on the calibration and development sets.
OFF_TOPIC_MIN_WORDS, OFF_TOPIC_MAX_OWN = 100, 20
OFF_TOPIC_MAX_OWN_SHARE, OFF_TOPIC_MIN_FOREIGN_SHARE = 0.2, 0.26
OFF_TOPIC_MIN_RIVAL_SHARE, RIVAL_RATIO = 0.13, 2.0
OFF_TOPIC_CAP = 5  # an answer to another problem earns about what an empty one does


def is_off_topic(answer: Answer, topic: Topic | None) -> bool:
    if topic is None:
        return False
    words = [
        w
        for text in answer.stages.values()
        for w in tokens(text or "")
        if w not in STOPWORDS and len(w) > 2 and not w.isdigit()
    ]
    if len(words) < OFF_TOPIC_MIN_WORDS:
        return False
    own = [w for w in words if w in topic.own]
    own_share = len(own) / len(words)
    if len(set(own)) > OFF_TOPIC_MAX_OWN or own_share > OFF_TOPIC_MAX_OWN_SHARE:
        return False
    foreign = sum(1 for w in words if w not in topic.own and w not in topic.generic)
    if foreign / len(words) >= OFF_TOPIC_MIN_FOREIGN_SHARE:
        return True
    rival = max((sum(1 for w in words if w in o) / len(words) for o in topic.others), default=0)
    return rival >= OFF_TOPIC_MIN_RIVAL_SHARE and rival >= RIVAL_RATIO * own_share


# An interviewer does not pass an answer that skips stages: with two or more stages under this
# many words, the answer is at most level 2, shown no higher than "lean no hire".
THIN_STAGE_WORDS, MAX_THIN_STAGES = 12, 2
INCOMPLETE_CAP = 49  # hire_band: lean hire starts at 50


# Reasoned text in the criterion's stages of at least this many words, with the criterion still at
# level 0 or 1, may say it in words the grader does not know: the page says "Grader unsure". At 40
# (60 before) it covers 83% of such criteria in terse strong notes (51% before) and every one in
# plain-language answers, and none in keyword piles (calibration and dev sets).
UNSURE_MIN_WORDS = 40


def _mark_unsure(
    results: list[tuple[CriterionOutcome, tuple[str, ...]]], sentences: Sequence[_Sentence]
) -> None:
    reasoned_words: dict[str, int] = {}
    for s in sentences:
        if s.reasoned:
            stage = s.segment.stage
            reasoned_words[stage] = reasoned_words.get(stage, 0) + len(s.segment.words)
    for r, criterion_scope in results:
        if r.kind == "concept" and r.level <= 1:
            said = sum(reasoned_words.get(stage, 0) for stage in criterion_scope)
            if said >= UNSURE_MIN_WORDS:
                r.unsure = True
                r.missing = r.missing.replace(
                    "Not covered:",
                    "Not recognised (if you said it in other words, the grader may have missed it):",
                    1,
                )


def unmet_criteria(
    criteria: Sequence[CriterionSpec], results: Sequence[CriterionOutcome], stage: str
) -> list[CriterionSpec]:
    """The stage's criteria below the top level, weakest first (lowest level, then heaviest,
    then the rubric's order): what an interviewer probes, in that order."""
    levels = {r.id: r.level for r in results}
    unmet = [
        (levels[c.id], -c.weight, i, c)
        for i, c in enumerate(criteria)
        if c.stage == stage and c.id in levels and levels[c.id] < MAX_LEVEL
    ]
    return [row[-1] for row in sorted(unmet, key=lambda row: row[:3])]


def follow_up(
    criteria: Sequence[CriterionSpec],
    results: Sequence[CriterionOutcome],
    stage: str,
    asked: frozenset[str] = frozenset(),
) -> dict[str, str] | None:
    """The probe for the stage's weakest unmet criterion (lowest level, then heaviest, then the
    rubric's order), skipping probes already `asked`; None when nothing is left to probe."""
    for criterion in unmet_criteria(criteria, results, stage):
        for question in criterion.probes:
            if question not in asked:
                return {"criterion": criterion.id, "question": question}
    return None


def grade_for(
    bank: Bank,
    slug: str | None,
    answer: Answer,
    curveball: tuple[CriterionSpec, str] | None = None,
) -> GradeResult:
    """Grade an answer to a bank question (None: a custom question, base rubric only)."""
    return grade(
        bank.criteria_for(slug),
        answer,
        bank.vocabulary,
        topic=bank.topic(slug),
        scale=bank.scale,
        curveball=curveball,
    )


def grade(
    criteria: Sequence[CriterionSpec],
    answer: Answer,
    vocabulary: Vocabulary | None = None,
    *,
    topic: Topic | None = None,
    scale: ScoreScale | None = None,
    curveball: tuple[CriterionSpec, str] | None = None,
) -> GradeResult:
    """Grade `answer` against `criteria`, reading the whiteboard with `vocabulary`; `topic` (the
    question's own words) recognises an answer to another problem, `scale` maps the raw score
    onto the calibrated one people see; `curveball` (its criterion and the candidate's reply, for
    an attempt where it was delivered) is graded on that reply alone.

    Same input, same output.
    """
    vocabulary = vocabulary or Vocabulary()
    scale = scale or ScoreScale()
    sentences = _read_answer(answer)
    found, every = _find_concepts(sentences, [c for c in criteria if c.kind == "concept"])
    sentences = _demote_dense_piles(sentences, every)
    graph = scene_graph(answer.whiteboard, vocabulary)
    results: list[CriterionOutcome] = []
    scopes = []
    for criterion in criteria:
        if criterion.kind == "diagram":
            # No board at all (`whiteboard: null`, e.g. a text-only answer file) is not assessed;
            # an empty board is, and scores 0.
            if answer.whiteboard is not None:
                results.append(_grade_diagram(criterion, graph))
                scopes.append(())
            continue
        if criterion.kind == "concept":
            results.append(_grade_concept(criterion, sentences, found[criterion.id]))
        else:
            in_scope = [s for s in sentences if s.segment.stage in criterion.scope]
            results.append(_GRADERS[criterion.kind](criterion, in_scope))
        scopes.append(criterion.scope)
    if curveball is not None:
        spec, reply = curveball
        replied = _read_answer(Answer(stages={spec.stage: reply}, whiteboard=None))
        matches, _ = _find_concepts(replied, [spec])
        results.append(_grade_concept(spec, replied, matches[spec.id]))
        scopes.append(spec.scope)
    off_topic = is_off_topic(answer, topic)
    if not off_topic:  # "you may have said it in other words" means nothing off the question
        _mark_unsure(list(zip(results, scopes, strict=True)), sentences)
    raw = _weighted_score(results)
    stage_scores = {
        stage: scale.display(_weighted_score([r for r in results if r.stage == stage]))
        for stage in (*GRADED_STAGES, DIAGRAM)
    }
    result = GradeResult(
        score=scale.display(raw),
        band="",
        stage_scores=stage_scores,
        criteria=results,
        graph=graph.to_dict(vocabulary),
        raw_score=raw,
        off_topic=off_topic,
        thin_stages=[
            s for s in STAGES if len(tokens(answer.stages.get(s) or "")) < THIN_STAGE_WORDS
        ],
    )
    result.follow_ups = {stage: follow_up(criteria, results, stage) for stage in GRADED_STAGES}
    cap = (
        OFF_TOPIC_CAP
        if result.off_topic
        else INCOMPLETE_CAP
        if result.level_cap is not None
        else None
    )
    if cap is not None:
        # The text's stage bars are capped too, so no bar contradicts the headline; the board is
        # judged on its own (its criteria already know whether it is about this question).
        result.score = min(result.score, cap)
        result.stage_scores = {
            k: v if k == DIAGRAM else min(v, cap) for k, v in result.stage_scores.items()
        }
    result.band = hire_band(result.score)
    return result
