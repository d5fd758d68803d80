"""The question bank's data model and its validation.

Rubric files are YAML; `parse_bank` turns `{file name: parsed YAML}` into frozen
dataclasses and names the file, the field and the fault when something is wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from rubric.calibration import ScoreScale
from rubric.diagram import ComponentKind, RoleGroup, Vocabulary
from rubric.stages import COMPETENCIES, DEFAULT_BUDGET_MINUTES, DIAGRAM, GRADED_STAGES, STAGES
from rubric.text import MAX_NGRAM, STOPWORDS, Phrase, PhraseIndex, segments, tokens

KINDS = ("concept", "quantitative", "tradeoff", "diagram")
DIFFICULTIES = ("easy", "medium", "hard")
MAX_LEVEL = 3
BASE_FILE = "base.yaml"
COMPONENTS_FILE = "components.yaml"
THESAURUS_FILE = "thesaurus.yaml"  # optional
SCORING_FILE = "scoring.yaml"  # optional: the fitted score scale
PROBES_DIR = "probes/"  # optional: probes/<slug>.yaml (and probes/base.yaml) per question
MAX_PROBES = 2
MAX_THESAURUS_WORDS = 6


class RubricError(ValueError):
    """A rubric file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Concept:
    name: str
    terms: tuple[str, ...]
    # Other ways to say a term, from the bank's thesaurus (`thesaurus.yaml`).
    synonyms: tuple[str, ...] = ()

    @cached_property
    def phrases(self) -> tuple[Phrase, ...]:
        unique = dict.fromkeys(p for t in (*self.terms, *self.synonyms) for p in Phrase.variants(t))
        return tuple(p for p in unique if p.words)


@dataclass(frozen=True)
class DiagramCheck:
    """One structural fact a strong diagram shows; exactly one of the shapes is set.

    Each name is a role or a group of roles from components.yaml: `component` (a component that
    plays it and is connected), `path` (a directed walk through them in order, passing other
    components on the way), `linked` (the same, in either direction), `loop` (a directed cycle
    through them) or `hub`/`hub_users` (one component linked to one of each).
    """

    name: str
    component: str | None = None
    path: tuple[str, ...] = ()
    loop: tuple[str, ...] = ()
    hub: str | None = None
    hub_users: tuple[str, ...] = ()
    linked: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    stage: str
    title: str
    weight: int
    kind: str
    scope: tuple[str, ...]
    missing: str
    tip: str
    competencies: tuple[str, ...]
    source: str
    min_concepts: int = 0
    concepts: tuple[Concept, ...] = ()
    checks: tuple[DiagramCheck, ...] = ()
    # Follow-up questions an interviewer asks when this criterion is still unmet (probes/*.yaml).
    probes: tuple[str, ...] = ()
    # Diagram criteria: words that show a board is about this question ("entity", "mention").
    # A question's own diagram criterion names them; `Bank.criteria_for` hands them to the shared
    # diagram criteria, which count as mentions only on a board that shows none of them.
    about: tuple[str, ...] = ()
    # On a shared diagram criterion: the question's own diagram checks. A board that passes all
    # of them is about the question even if it never names its domain.
    about_checks: tuple[DiagramCheck, ...] = ()
    # What a top-level answer to this criterion reads like, shown on the results page; without
    # one, the page derives it from the question's strong-answer outline (rubric/examples.py).
    example: str = ""

    @cached_property
    def advice_names(self) -> frozenset[int]:
        """The concepts (by number) that the fixed advice line `missing` names. The engine leaves
        the line out once the answer has explained one of them, so the advice never tells a
        candidate to do what their quoted evidence already does."""
        index = PhraseIndex(segments(self.stage, self.missing))
        return frozenset(
            n for n, c in enumerate(self.concepts) if any(index.find(p) for p in c.phrases)
        )


@dataclass(frozen=True)
class Curveball:
    """A mid-interview change of requirements, and what a strong candidate does with it."""

    at_minute: int
    change: str
    strong_response: str


@dataclass(frozen=True)
class Clarification:
    q: str
    a: str


@dataclass(frozen=True)
class QuestionSpec:
    slug: str
    title: str
    difficulty: str
    tags: tuple[str, ...]
    summary: str
    prompt: str
    scale_hints: tuple[str, ...]
    clarifications: tuple[Clarification, ...]
    budgets: Mapping[str, int]
    guiding_questions: Mapping[str, tuple[str, ...]]
    hints: Mapping[str, tuple[str, ...]]
    strong_answer: str
    criteria: tuple[CriterionSpec, ...]
    curveball: Curveball | None = None


@dataclass(frozen=True)
class Bank:
    """Every question with its criteria, plus the base criteria that apply to all."""

    version: str
    base: tuple[CriterionSpec, ...]
    questions: Mapping[str, QuestionSpec]
    vocabulary: Vocabulary
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    scale: ScoreScale = ScoreScale()

    def criteria_for(self, slug: str | None) -> tuple[CriterionSpec, ...]:
        """Base criteria plus the question's own; `None` (a custom question) gets the base.

        The shared diagram criteria carry the question's `about` words, so a board drawn for
        another problem (a recommender for an entity-linking question) earns only mentions.
        """
        if slug is None:
            return self.base
        own = self.questions[slug].criteria
        about = tuple(dict.fromkeys(w for c in own if c.kind == "diagram" for w in c.about))
        checks = tuple(ch for c in own if c.kind == "diagram" for ch in c.checks)
        base = tuple(
            replace(c, about=about, about_checks=checks) if c.kind == "diagram" and about else c
            for c in self.base
        )
        return base + own

    @cached_property
    def _generic_words(self) -> frozenset[str]:
        """What every ML design says: the base rubric's terms and synonyms, the board's parts."""
        phrases = [t for c in self.base for con in c.concepts for t in (*con.terms, *con.synonyms)]
        phrases += [t for kind in self.vocabulary.kinds for t in kind.terms]
        return frozenset(w for phrase in phrases for w in tokens(phrase))

    @cached_property
    def _own_words(self) -> dict[str, frozenset[str]]:
        out = {}
        for slug, spec in self.questions.items():
            text = [spec.title, spec.summary, spec.prompt]
            text += [f"{c.q} {c.a}" for c in spec.clarifications]
            text += [
                t for c in spec.criteria for con in c.concepts for t in (*con.terms, *con.synonyms)
            ]
            words = {w for w in tokens(" ".join(text)) if len(w) > 2 and not w.isdigit()}
            out[slug] = frozenset(words - STOPWORDS - self._generic_words)
        return out

    def topic(self, slug: str | None) -> Topic | None:
        """The words that belong to this question, to ML designs in general and to each other
        question; None for a custom question (nothing to compare with)."""
        if slug is None:
            return None
        own = self._own_words[slug]
        others = tuple(words for other, words in self._own_words.items() if other != slug)
        return Topic(own=own, generic=self._generic_words, others=others)


@dataclass(frozen=True)
class Topic:
    own: frozenset[str]  # this question's words
    generic: frozenset[str]  # words any ML design uses
    others: tuple[frozenset[str], ...] = ()  # every other bank question's own words


def content_version(raw: Mapping[str, Any]) -> str:
    """A short content hash: the same files always give the same version."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class _Reader:
    """Typed field access that reports `file: path.to.field: problem`."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, path: str, problem: str) -> RubricError:
        return RubricError(f"{self.file}: {path}: {problem}")

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected a mapping, got {type(value).__name__}")
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str, max_len: int = 4000) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}{key}", "required text is missing or empty")
        if len(value) > max_len:
            raise self.fail(f"{path}{key}", f"longer than {max_len} characters")
        return value.strip()

    def texts(
        self, data: Mapping[str, Any], key: str, path: str, *, minimum: int = 1
    ) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or len(value) < minimum:
            raise self.fail(f"{path}{key}", f"expected a list of at least {minimum} text item(s)")
        for i, item in enumerate(value):
            if not isinstance(item, str | int | float) or not str(item).strip():
                raise self.fail(f"{path}{key}[{i}]", "expected non-empty text")
        return tuple(str(item).strip() for item in value)

    def integer(self, data: Mapping[str, Any], key: str, path: str, lo: int, hi: int) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise self.fail(
                f"{path}{key}", f"expected a whole number from {lo} to {hi}, got {value!r}"
            )
        return value

    def choice(self, data: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...]) -> str:
        value = data.get(key)
        if value not in choices:
            raise self.fail(f"{path}{key}", f"{value!r} is not one of {', '.join(choices)}")
        return value

    def per_stage(self, data: Mapping[str, Any], key: str, path: str) -> dict[str, tuple[str, ...]]:
        value = self.mapping(data.get(key), f"{path}{key}")
        unknown = set(value) - set(STAGES)
        if unknown:
            raise self.fail(f"{path}{key}", f"unknown stage(s): {', '.join(sorted(unknown))}")
        return {stage: self.texts(value, stage, f"{path}{key}.") for stage in STAGES}


def _parse_check(reader: _Reader, data: Any, path: str, kinds: set[str]) -> DiagramCheck:
    data = reader.mapping(data, path)
    name = reader.text(data, "name", f"{path}.", 120)
    shapes = [key for key in ("component", "path", "linked", "loop", "shared") if key in data]
    if len(shapes) != 1:
        raise reader.fail(path, "give exactly one of component, path, linked, loop or shared")

    def kind_list(value: Any, where: str, minimum: int) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) < minimum:
            raise reader.fail(where, f"expected a list of at least {minimum} roles")
        for i, kind in enumerate(value):
            if kind not in kinds:
                raise reader.fail(
                    f"{where}[{i}]", f"{kind!r} is not a role or group in {COMPONENTS_FILE}"
                )
        return tuple(value)

    shape = shapes[0]
    if shape == "component":
        return DiagramCheck(
            name, component=kind_list([data["component"]], f"{path}.component", 1)[0]
        )
    if shape in ("path", "loop", "linked"):
        return DiagramCheck(name, **{shape: kind_list(data[shape], f"{path}.{shape}", 2)})
    shared = reader.mapping(data["shared"], f"{path}.shared")
    hub = kind_list([shared.get("hub")], f"{path}.shared.hub", 1)[0]
    return DiagramCheck(
        name, hub=hub, hub_users=kind_list(shared.get("by"), f"{path}.shared.by", 2)
    )


def _parse_criterion(
    reader: _Reader, data: Any, path: str, source: str, kinds: set[str]
) -> CriterionSpec:
    data = reader.mapping(data, path)
    path += "."
    kind = reader.choice(data, "kind", path, KINDS)
    stage = reader.choice(data, "stage", path, (*GRADED_STAGES, DIAGRAM))
    if (kind == "diagram") != (stage == DIAGRAM):
        raise reader.fail(f"{path}stage", "diagram criteria, and only they, have stage: diagram")
    scope_raw = data.get("scope", [stage] if stage in STAGES else "all")
    if kind == "diagram":
        scope = ()
    elif scope_raw == "all":
        scope = STAGES
    elif isinstance(scope_raw, list) and scope_raw and all(s in STAGES for s in scope_raw):
        scope = tuple(scope_raw)
    else:
        raise reader.fail(
            f"{path}scope", f"expected `all` or a list of stages from {', '.join(STAGES)}"
        )
    if stage == "scale" and scope_raw != "all":
        raise reader.fail(f"{path}scope", "a cross-cutting (scale) criterion must have scope: all")
    competencies = reader.texts(data, "competencies", path)
    for i, name in enumerate(competencies):
        if name not in COMPETENCIES:
            raise reader.fail(
                f"{path}competencies[{i}]", f"{name!r} is not one of {', '.join(COMPETENCIES)}"
            )
    concepts: tuple[Concept, ...] = ()
    checks: tuple[DiagramCheck, ...] = ()
    about: tuple[str, ...] = ()
    min_concepts = 0
    if kind == "diagram":
        raw_checks = data.get("checks")
        if not isinstance(raw_checks, list) or not 1 <= len(raw_checks) <= 8:
            raise reader.fail(f"{path}checks", "a diagram criterion needs 1 to 8 checks")
        checks = tuple(
            _parse_check(reader, item, f"{path}checks[{i}]", kinds)
            for i, item in enumerate(raw_checks)
        )
        min_concepts = reader.integer(data, "min_checks", path, 1, len(checks))
        about = reader.texts(data, "about", path) if "about" in data else ()
        for i, word in enumerate(about):
            if not tokens(word) or len(tokens(word)) > MAX_NGRAM:
                raise reader.fail(f"{path}about[{i}]", f"{word!r} must be 1 to {MAX_NGRAM} words")
    elif kind == "concept":
        raw_concepts = data.get("concepts")
        if not isinstance(raw_concepts, list) or not 1 <= len(raw_concepts) <= 12:
            raise reader.fail(f"{path}concepts", "a concept criterion needs 1 to 12 concept groups")
        concepts = tuple(
            _parse_concept(reader, item, f"{path}concepts[{i}]")
            for i, item in enumerate(raw_concepts)
        )
        min_concepts = reader.integer(data, "min_concepts", path, 1, len(concepts))
    elif "concepts" in data or "checks" in data:
        raise reader.fail(
            f"{path}concepts", f"a {kind} criterion detects its evidence itself; remove concepts"
        )
    return CriterionSpec(
        id=reader.text(data, "id", path, 80),
        stage=stage,
        title=reader.text(data, "title", path, 120),
        weight=reader.integer(data, "weight", path, 1, 3),
        kind=kind,
        scope=scope,
        missing=reader.text(data, "missing", path, 400),
        tip=reader.text(data, "tip", path, 300),
        example=reader.text(data, "example", path, 600) if "example" in data else "",
        competencies=competencies,
        source=source,
        min_concepts=min_concepts,
        concepts=concepts,
        checks=checks,
        about=about,
    )


def _parse_concept(reader: _Reader, data: Any, path: str) -> Concept:
    data = reader.mapping(data, path)
    terms = reader.texts(data, "terms", f"{path}.")
    for i, term in enumerate(terms):
        if not tokens(term):
            raise reader.fail(f"{path}.terms[{i}]", f"{term!r} has no words to match")
        if len(tokens(term)) > MAX_NGRAM:
            raise reader.fail(f"{path}.terms[{i}]", f"{term!r} is longer than {MAX_NGRAM} words")
    return Concept(name=reader.text(data, "name", f"{path}.", 80), terms=terms)


def _parse_criteria(
    reader: _Reader, data: Mapping[str, Any], source: str, seen: set[str], kinds: set[str]
) -> tuple[CriterionSpec, ...]:
    raw = data.get("criteria")
    if not isinstance(raw, list) or not raw:
        raise reader.fail("criteria", "expected a non-empty list of criteria")
    parsed = []
    for i, item in enumerate(raw):
        criterion = _parse_criterion(reader, item, f"criteria[{i}]", source, kinds)
        if criterion.id in seen:
            raise reader.fail(f"criteria[{i}].id", f"duplicate id {criterion.id!r}")
        seen.add(criterion.id)
        parsed.append(criterion)
    return tuple(parsed)


def _parse_question(file: str, data: Any, base_ids: set[str], kinds: set[str]) -> QuestionSpec:
    reader = _Reader(file)
    data = reader.mapping(data, "(top level)")
    slug = reader.text(data, "slug", "", 60)
    expected = file.rsplit("/", 1)[-1].removesuffix(".yaml")
    if slug != expected:
        raise reader.fail("slug", f"{slug!r} must match the file name ({expected!r})")
    budgets_raw = reader.mapping(data.get("budgets", DEFAULT_BUDGET_MINUTES), "budgets")
    budgets = {stage: reader.integer(budgets_raw, stage, "budgets.", 1, 30) for stage in STAGES}
    clarifications = []
    for i, item in enumerate(data.get("clarifications") or []):
        item = reader.mapping(item, f"clarifications[{i}]")
        path = f"clarifications[{i}]."
        clarifications.append(
            Clarification(reader.text(item, "q", path, 300), reader.text(item, "a", path, 600))
        )
    return QuestionSpec(
        slug=slug,
        title=reader.text(data, "title", "", 100),
        difficulty=reader.choice(data, "difficulty", "", DIFFICULTIES),
        tags=reader.texts(data, "tags", ""),
        summary=reader.text(data, "summary", "", 160),
        prompt=reader.text(data, "prompt", "", 2000),
        scale_hints=reader.texts(data, "scale_hints", "", minimum=0)
        if "scale_hints" in data
        else (),
        clarifications=tuple(clarifications),
        budgets=budgets,
        guiding_questions=reader.per_stage(data, "guiding_questions", ""),
        hints=reader.per_stage(data, "hints", ""),
        strong_answer=reader.text(data, "strong_answer", "", 8000),
        criteria=_parse_criteria(reader, data, slug, set(base_ids), kinds),
    )


def _parse_vocabulary(data: Any) -> Vocabulary:
    reader = _Reader(COMPONENTS_FILE)
    top = reader.mapping(data, "(top level)")
    items = top.get("components")
    if not isinstance(items, list) or not items:
        raise reader.fail("components", "expected a non-empty list")
    kinds = []
    for i, item in enumerate(items):
        item = reader.mapping(item, f"components[{i}]")
        path = f"components[{i}]."

        def optional(key: str, item: Mapping[str, Any] = item, path: str = path) -> tuple[str, ...]:
            return reader.texts(item, key, path, minimum=0) if key in item else ()

        kinds.append(
            ComponentKind(
                reader.text(item, "kind", path, 40),
                reader.text(item, "label", path, 60),
                reader.texts(item, "terms", path),
                tech=optional("tech"),
                weak=optional("weak"),
                implies=optional("implies"),
                absorbs=optional("absorbs"),
                does=reader.text(item, "does", path, 80) if "does" in item else "",
                noun=reader.text(item, "noun", path, 80) if "noun" in item else "",
                verbs=optional("verbs"),
            )
        )
    names = {k.kind for k in kinds}
    if len(names) != len(kinds):
        raise reader.fail("components", "every kind must be listed once")
    for i, kind in enumerate(kinds):
        for key in ("implies", "absorbs"):
            for role in getattr(kind, key):
                if role not in names:
                    raise reader.fail(f"components[{i}].{key}", f"{role!r} is not a kind")
    also: dict[str, tuple[str, ...]] = {}
    for phrase, roles in reader.mapping(top.get("also") or {}, "also").items():
        if not isinstance(roles, list) or any(r not in names for r in roles):
            raise reader.fail(f"also.{phrase}", "expected a list of kinds")
        also[str(phrase)] = tuple(roles)
    groups = []
    for i, item in enumerate(top.get("groups") or []):
        item = reader.mapping(item, f"groups[{i}]")
        path = f"groups[{i}]."
        group = RoleGroup(
            reader.text(item, "name", path, 40),
            reader.text(item, "noun", path, 120),
            reader.texts(item, "roles", path),
        )
        if group.name in names:
            raise reader.fail(f"{path}name", f"{group.name!r} is already a kind")
        for j, role in enumerate(group.roles):
            if role not in names:
                raise reader.fail(f"{path}roles[{j}]", f"{role!r} is not a kind")
        groups.append(group)
    corrections = reader.texts(top, "corrections", "", minimum=0) if "corrections" in top else ()
    for i, role in enumerate(corrections):
        if role not in names:
            raise reader.fail(f"corrections[{i}]", f"{role!r} is not a kind")
    stores = reader.texts(top, "stores", "", minimum=0) if "stores" in top else ()
    for i, role in enumerate(stores):
        if role not in names:
            raise reader.fail(f"stores[{i}]", f"{role!r} is not a kind")
    contextual = reader.texts(top, "contextual", "", minimum=0) if "contextual" in top else ()
    for i, role in enumerate(contextual):
        if role not in names:
            raise reader.fail(f"contextual[{i}]", f"{role!r} is not a kind")
    return Vocabulary.build(
        kinds,
        also=also,
        groups=groups,
        corrections=corrections,
        stores=stores,
        contextual=contextual,
    )


Thesaurus = Mapping[tuple[str, ...], tuple[str, ...]]


def _parse_thesaurus(data: Any) -> Thesaurus:
    """`{a phrase's words: every phrase of its groups}`; phrases are matched by their tokens."""
    if data is None:
        return {}
    reader = _Reader(THESAURUS_FILE)
    groups = reader.mapping(data, "(top level)").get("groups")
    if not isinstance(groups, list):
        raise reader.fail("groups", "expected a list of phrase lists")
    found: dict[tuple[str, ...], list[str]] = {}
    for i, group in enumerate(groups):
        if not isinstance(group, list) or len(group) < 2:
            raise reader.fail(f"groups[{i}]", "expected a list of at least two phrases")
        for j, phrase in enumerate(group):
            words = tuple(tokens(phrase)) if isinstance(phrase, str) else ()
            if not words or len(words) > MAX_THESAURUS_WORDS:
                raise reader.fail(
                    f"groups[{i}][{j}]", f"expected a phrase of 1 to {MAX_THESAURUS_WORDS} words"
                )
        for phrase in group:
            found.setdefault(tuple(tokens(phrase)), []).extend(group)
    return {words: tuple(dict.fromkeys(phrases)) for words, phrases in found.items()}


def _with_synonyms(
    criteria: tuple[CriterionSpec, ...], thesaurus: Thesaurus
) -> tuple[CriterionSpec, ...]:
    if not thesaurus:
        return criteria
    widened = []
    for criterion in criteria:
        concepts = tuple(
            replace(
                concept,
                synonyms=tuple(
                    dict.fromkeys(
                        phrase
                        for term in concept.terms
                        for phrase in thesaurus.get(tuple(tokens(term)), ())
                    )
                ),
            )
            for concept in criterion.concepts
        )
        widened.append(replace(criterion, concepts=concepts))
    return tuple(widened)


def parse_bank(raw: Mapping[str, Any]) -> Bank:
    """Validate `{relative file name: parsed YAML}` into a `Bank`.

    `components.yaml` names the whiteboard's component kinds, `base.yaml` holds the shared
    criteria, and `questions/<slug>.yaml` one question each.
    """
    for required in (COMPONENTS_FILE, BASE_FILE):
        if required not in raw:
            raise RubricError(f"{required}: missing: this rubric file is required")
    vocabulary = _parse_vocabulary(raw[COMPONENTS_FILE])
    thesaurus = _parse_thesaurus(raw.get(THESAURUS_FILE))
    kinds = {k.kind for k in vocabulary.kinds} | set(vocabulary.groups)
    base_reader = _Reader(BASE_FILE)
    base_data = base_reader.mapping(raw[BASE_FILE], "(top level)")
    base = _with_synonyms(_parse_criteria(base_reader, base_data, "base", set(), kinds), thesaurus)
    base = _criteria_with_probes(base, raw.get(f"{PROBES_DIR}base.yaml"), f"{PROBES_DIR}base.yaml")
    base_ids = {c.id for c in base}
    questions: dict[str, QuestionSpec] = {}
    for file in sorted(raw):
        if file in (BASE_FILE, COMPONENTS_FILE, THESAURUS_FILE, SCORING_FILE) or file.startswith(
            PROBES_DIR
        ):
            continue
        if not file.startswith("questions/"):
            raise RubricError(
                f"{file}: unexpected file: expected base.yaml, components.yaml or questions/<slug>.yaml"
            )
        spec = _parse_question(file, raw[file], base_ids, kinds)
        spec = replace(spec, criteria=_with_synonyms(spec.criteria, thesaurus))
        questions[spec.slug] = _with_probes(spec, raw.get(f"{PROBES_DIR}{spec.slug}.yaml"))
    for file in raw:
        slug = file.removeprefix(PROBES_DIR).removesuffix(".yaml")
        if file.startswith(PROBES_DIR) and slug != "base" and slug not in questions:
            raise RubricError(f"{file}: no question has the slug {slug!r}")
    return Bank(
        version=content_version(raw),
        base=base,
        questions=questions,
        vocabulary=vocabulary,
        raw=raw,
        scale=_parse_scale(raw.get(SCORING_FILE)),
    )


def _criteria_with_probes(
    criteria: tuple[CriterionSpec, ...], data: Any, file: str
) -> tuple[CriterionSpec, ...]:
    if data is None:
        return criteria
    reader = _Reader(file)
    probes = reader.mapping(reader.mapping(data, "(top level)").get("probes", {}), "probes")
    known = {c.id for c in criteria}
    for key in probes:
        if key not in known:
            raise reader.fail(f"probes.{key}", "no criterion of this question has that id")
    out = []
    for c in criteria:
        if c.id in probes:
            found = reader.texts(probes, c.id, "probes.")
            if len(found) > MAX_PROBES or any(len(p) > 300 for p in found):
                raise reader.fail(
                    f"probes.{c.id}", f"1 to {MAX_PROBES} probes of at most 300 characters"
                )
            c = replace(c, probes=found)
        out.append(c)
    return tuple(out)


def _with_probes(spec: QuestionSpec, data: Any) -> QuestionSpec:
    if data is None:
        return spec
    file = f"{PROBES_DIR}{spec.slug}.yaml"
    reader = _Reader(file)
    top = reader.mapping(data, "(top level)")
    curveball = None
    if "curveball" in top:
        item = reader.mapping(top["curveball"], "curveball")
        curveball = Curveball(
            at_minute=reader.integer(item, "at_minute", "curveball.", 5, 40),
            change=reader.text(item, "change", "curveball.", 500),
            strong_response=reader.text(item, "strong_response", "curveball.", 800),
        )
    return replace(
        spec, criteria=_criteria_with_probes(spec.criteria, top, file), curveball=curveball
    )


def _parse_scale(data: Any) -> ScoreScale:
    if data is None:
        return ScoreScale()
    reader = _Reader(SCORING_FILE)
    cuts = reader.mapping(data, "(top level)").get("raw_level_cutoffs")
    if (
        not isinstance(cuts, list)
        or len(cuts) != 4
        or not all(isinstance(c, int | float) and 0 < c < 100 for c in cuts)
        or sorted(cuts) != cuts
    ):
        raise reader.fail("raw_level_cutoffs", "expected four increasing numbers between 0 and 100")
    return ScoreScale(tuple(float(c) for c in cuts))
