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

from rubric.diagram import (
    LEG_HOPS,
    LINK_HOPS,
    Finding,
    Graph,
    Progress,
    Vocabulary,
    board_mentions,
    loop_walk,
    scene_graph,
    shared_hub,
    walk,
)
from rubric.scene import clean_scene
from rubric.schema import MAX_LEVEL, CriterionSpec, DiagramCheck
from rubric.stages import DIAGRAM, GRADED_STAGES, STAGES
from rubric.text import Segment, segments

MAX_QUOTES = 3
MAX_QUOTE_CHARS = 280

# Words that show a sentence is reasoning rather than a list of terms.
# Words that connect terms into a claim; a run of terms with none of them is a list, not reasoning.
_CONNECTORS = frozenset(
    "because so since therefore which that if when would will should could must need to by for "
    "otherwise then mean means while whereas than instead avoid prevent help let allow make keep "
    "we i it this they our with within per into of from as at on in is are be not no only each "
    "every after before until both use using get".split()
)
# Symbols people use in terse notes to state a relation ("ids → embeddings", "label = click").
_RELATION = re.compile(r"→|->|=>|=|:|≈|~|\bvs\b|\bx\b")
# A segment naming this many rubric concepts with fewer words each than this is a pile of terms.
_DENSE_HITS, _DENSE_WORDS_PER_HIT = 5, 3.0
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
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

    def to_dict(self) -> dict[str, Any]:
        stages: dict[str, Any] = {}
        for stage in GRADED_STAGES:
            rows = [c.to_dict() for c in self.criteria if c.stage == stage]
            if rows:
                stages[stage] = {"score": self.stage_scores[stage], "criteria": rows}
        diagram = {
            "score": self.stage_scores.get(DIAGRAM, 0),
            "criteria": [c.to_dict() for c in self.criteria if c.stage == DIAGRAM],
            **self.graph,
        }
        return {"score": self.score, "band": self.band, "stages": stages, "diagram": diagram}


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
    grams: frozenset[tuple[str, ...]]
    reasoned: bool
    justified: bool
    weighs_options: bool
    decides: bool


def _is_keyword_pile(segment: Segment) -> bool:
    """Terms separated by commas or slashes with hardly a connecting word, and no number or relation.

    Parentheses qualify a term ("counters (smoothed)") rather than make a list, so they are
    dropped before counting the items.
    """
    text = re.sub(r"\([^)]*\)", " ", segment.text)
    chunks = [c for c in re.split(r"[,/;|•·]+|\s+\+\s+", text) if c.strip()]
    if len(chunks) < 3 or len(segment.words) / len(chunks) > 3.5:
        return False
    qualified = (
        "(" in segment.text or _ANY_NUMBER.search(segment.text) or _RELATION.search(segment.text)
    )
    connectors = sum(1 for w in segment.words if w in _CONNECTORS)
    # "time of day" inside a list is still a list: a few stray connectors do not make a claim.
    return not qualified and connectors < 0.1 * len(segment.words)


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
            words = segment.words
            reasoned = (
                len(words) >= 5
                and not _is_keyword_pile(segment)
                and (
                    any(w in _CONNECTORS for w in words)
                    or bool(_RELATION.search(segment.text))
                    or bool(_ANY_NUMBER.search(segment.text))
                )
            )
            text = segment.text
            weighs = bool(_TRADEOFF.search(text))
            decides = bool(_DECISION.search(text))
            justified = weighs or decides or bool(_ANY_NUMBER.search(text))
            sentences.append(
                _Sentence(
                    segment=segment,
                    grams=frozenset(segment.ngrams()),
                    reasoned=reasoned,
                    justified=justified,
                    weighs_options=weighs,
                    decides=decides,
                )
            )
    return sentences


def _demote_dense_piles(
    sentences: list[_Sentence], criteria: Sequence[CriterionSpec]
) -> list[_Sentence]:
    """A sentence naming many rubric concepts in few words ("we use CTR, DeepFM, a feature store
    and A/B tests") is a list dressed as a sentence: it counts as mentioning, not reasoning."""
    groups = [c.term_tokens for criterion in criteria for c in criterion.concepts]
    demoted = []
    for sentence in sentences:
        if sentence.reasoned:
            hits = sum(1 for terms in groups if any(t in sentence.grams for t in terms))
            if hits >= _DENSE_HITS and len(sentence.segment.words) / hits < _DENSE_WORDS_PER_HIT:
                sentence = replace(sentence, reasoned=False)
        demoted.append(sentence)
    return demoted


def _quote(segment: Segment) -> str:
    """The segment itself, or its first MAX_QUOTE_CHARS ending at a word: still a substring."""
    text = segment.text
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_QUOTE_CHARS)
    return text[: cut if cut > 0 else MAX_QUOTE_CHARS].rstrip(" ,;:")


def _evidence(sentences: Iterable[_Sentence]) -> tuple[list[str], list[str]]:
    quotes: list[str] = []
    stages: list[str] = []
    for sentence in sentences:
        quote = _quote(sentence.segment)
        if quote not in quotes:
            quotes.append(quote)
            stages.append(sentence.segment.stage)
        if len(quotes) == MAX_QUOTES:
            break
    return quotes, stages


def _best_first(sentences: Iterable[_Sentence]) -> list[_Sentence]:
    return sorted(sentences, key=lambda s: (not s.reasoned, not s.justified))


# --- one function per criterion kind ----------------------------------------


def _grade_concept(criterion: CriterionSpec, sentences: Sequence[_Sentence]) -> CriterionOutcome:
    reasoned_groups: set[int] = set()
    mentioned_groups: set[int] = set()
    justified = False
    hits: list[_Sentence] = []
    for sentence in sentences:
        matched = False
        for index, concept in enumerate(criterion.concepts):
            if any(term in sentence.grams for term in concept.term_tokens):
                matched = True
                mentioned_groups.add(index)
                if sentence.reasoned:
                    reasoned_groups.add(index)
        if matched:
            hits.append(sentence)
            justified = justified or (sentence.reasoned and sentence.justified)

    need = criterion.min_concepts
    if not mentioned_groups:
        level = 0
    elif len(reasoned_groups) < need:
        level = 1
    elif justified and len(reasoned_groups) >= min(need + 1, len(criterion.concepts)):
        level = 3
    else:
        level = 2

    unexplained = [c.name for i, c in enumerate(criterion.concepts) if i not in reasoned_groups]
    missing_parts = []
    if level < MAX_LEVEL:
        listed = [criterion.concepts[i].name for i in sorted(mentioned_groups - reasoned_groups)]
        absent = [c.name for i, c in enumerate(criterion.concepts) if i not in mentioned_groups]
        if absent:
            missing_parts.append("Not covered: " + ", ".join(absent) + ".")
        if listed:
            missing_parts.append("Named but not explained: " + ", ".join(listed) + ".")
        if level == 2 and not unexplained:
            missing_parts.append("Back it with a number, a trade-off or a decision.")
        missing_parts.append(criterion.missing)
    return _result(criterion, level, _best_first(hits), " ".join(missing_parts))


def _grade_quantitative(
    criterion: CriterionSpec, sentences: Sequence[_Sentence]
) -> CriterionOutcome:
    with_units = [s for s in sentences if _NUMBER_WITH_UNIT.search(s.segment.text)]
    reasoned = [s for s in with_units if s.reasoned]
    derived = [
        s
        for s in reasoned
        if len(_ANY_NUMBER.findall(s.segment.text)) >= 2 and _DERIVATION.search(s.segment.text)
    ]
    count = sum(len(_NUMBER_WITH_UNIT.findall(s.segment.text)) for s in reasoned)
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
        + [s for s in reasoned if s not in derived]
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
    graph: Graph, names: Sequence[str], progress: Progress, *, linked: bool = False
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
    "concept": _grade_concept,
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


def grade(
    criteria: Sequence[CriterionSpec], answer: Answer, vocabulary: Vocabulary | None = None
) -> GradeResult:
    """Grade `answer` against `criteria`, reading the whiteboard with `vocabulary`.

    Same input, same output.
    """
    vocabulary = vocabulary or Vocabulary()
    sentences = _demote_dense_piles(_read_answer(answer), criteria)
    graph = scene_graph(answer.whiteboard, vocabulary)
    results: list[CriterionOutcome] = []
    for criterion in criteria:
        if criterion.kind == "diagram":
            # No board at all (`whiteboard: null`, e.g. a text-only answer file) is not assessed;
            # an empty board is, and scores 0.
            if answer.whiteboard is not None:
                results.append(_grade_diagram(criterion, graph))
            continue
        in_scope = [s for s in sentences if s.segment.stage in criterion.scope]
        results.append(_GRADERS[criterion.kind](criterion, in_scope))
    stage_scores = {
        stage: _weighted_score([r for r in results if r.stage == stage])
        for stage in (*GRADED_STAGES, DIAGRAM)
    }
    score = _weighted_score(results)
    return GradeResult(
        score=score,
        band=hire_band(score),
        stage_scores=stage_scores,
        criteria=results,
        graph=graph.to_dict(vocabulary),
    )
