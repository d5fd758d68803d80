"""The grade never contradicts its own evidence (properties checked over the bank).

Answers come from the calibration set (tests/data/calibration.jsonl, 11 questions) and from every
question's own strong-answer outline (all 30), and are varied by adding or removing sentences;
every criterion's level, evidence and "missing" must stay consistent.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rubric.bank_files import load_bank
from rubric.engine import Answer, grade, grade_for
from rubric.examples import outline_sections
from rubric.stages import STAGES
from rubric.text import PhraseIndex, segments

BANK = load_bank()
ROWS = [json.loads(line) for line in (Path(__file__).parent / "data" / "calibration.jsonl").open()]
ANSWERS = [r for r in ROWS if r["type"] not in ("empty",)]


def _outline_answer(slug):
    """The question's strong-answer outline as an answer: its notes under each stage (the
    outline's "Scale" notes go with serving)."""
    stages = {}
    for section, lines in outline_sections(BANK.questions[slug].strong_answer).items():
        stage = section if section in STAGES else "serving"
        stages[stage] = (stages.get(stage, "") + "\n" + "\n".join(f"- {x}" for x in lines)).strip()
    return {"id": f"{slug}-outline", "question": slug, "type": "outline", "stages": stages}


OUTLINES = [_outline_answer(slug) for slug in sorted(BANK.questions)]
EVERY = ANSWERS + OUTLINES


def _grade(row, stages=None):
    return grade_for(BANK, row["question"], Answer(stages=stages or row["stages"]))


def _names(concepts, text):
    """The concepts whose phrases the grader finds in `text`."""
    index = PhraseIndex(segments("goals", text))
    return {c.name for c in concepts if any(index.find(p) for p in c.phrases)}


def _concept_criteria(row):
    return {c.id: c for c in BANK.criteria_for(row["question"]) if c.kind == "concept"}


@pytest.mark.parametrize("row", EVERY, ids=lambda r: r["id"])
def test_missing_never_names_a_concept_the_answer_or_the_evidence_names(row):
    specs = _concept_criteria(row)
    whole = "\n".join(row["stages"].get(s) or "" for s in STAGES)
    for outcome in _grade(row).criteria:
        spec = specs.get(outcome.id)
        if spec is None:
            continue
        # "Not covered: …" or, where the grader is unsure, "Not recognised (…): …" lists them.
        head = (
            outcome.missing.split(".")[0]
            if ("covered:" in outcome.missing or "recognised" in outcome.missing)
            else ""
        )
        absent = {c.name for c in spec.concepts if f" {c.name}" in head}
        named = _names(spec.concepts, whole)
        assert not absent & named, (outcome.id, absent & named)
        for quote in outcome.evidence:
            assert not absent & _names(spec.concepts, quote), (outcome.id, quote)


@pytest.mark.parametrize("row", EVERY, ids=lambda r: r["id"])
def test_every_quote_contains_what_earned_it(row):
    specs = _concept_criteria(row)
    for outcome in _grade(row).criteria:
        spec = specs.get(outcome.id)
        if spec is None:
            continue
        for quote, stage in zip(outcome.evidence, outcome.evidence_stages, strict=True):
            assert quote in row["stages"][stage]
            assert _names(spec.concepts, quote), (outcome.id, quote)


@pytest.mark.parametrize("row", EVERY, ids=lambda r: r["id"])
def test_every_quote_earns_its_criterion_on_its_own(row):
    """Whatever the criterion's kind (concepts, numbers for scale, trade-offs): the quoted words,
    graded alone in the stage they come from, still earn the criterion something."""
    specs = {c.id: c for c in BANK.criteria_for(row["question"]) if c.kind != "diagram"}
    checked = 0
    for outcome in _grade(row).criteria:
        spec = specs.get(outcome.id)
        for quote, stage in zip(outcome.evidence, outcome.evidence_stages, strict=True):
            alone = grade([spec], Answer(stages={stage: quote})).criteria[0]
            assert alone.level >= 1, (outcome.id, quote)
            checked += 1
    assert checked >= 3, "every answer here quotes something"


@pytest.mark.parametrize("row", EVERY, ids=lambda r: r["id"])
def test_the_advice_never_asks_for_what_the_answer_already_explains(row):
    """The criterion's fixed advice line shows only while every concept it names is still listed
    as not covered or not explained; once the answer explains one, the line is left out."""
    specs = _concept_criteria(row)
    shown = 0
    for outcome in _grade(row).criteria:
        spec = specs.get(outcome.id)
        if spec is None or not outcome.missing:
            continue
        listed = outcome.missing.replace(spec.missing, "")
        unexplained = {c.name for c in spec.concepts if c.name in listed}
        named_by_advice = {spec.concepts[n].name for n in spec.advice_names}
        if spec.missing in outcome.missing:
            shown += 1
            assert named_by_advice <= unexplained, (outcome.id, named_by_advice - unexplained)
        else:
            assert named_by_advice - unexplained, (outcome.id, "advice left out for no reason")


def _reasoned_pool():
    pool = []
    for row in ROWS:
        if row["type"] in ("strong", "paraphrased"):
            for stage, text in row["stages"].items():
                pool += [s.text for s in segments(stage, text or "") if len(s.words) >= 8]
    return pool


POOL = _reasoned_pool()


@pytest.mark.parametrize("row", ANSWERS[::3] + OUTLINES, ids=lambda r: r["id"])
def test_adding_a_reasoned_sentence_never_lowers_a_level(row):
    before = {c.id: c.level for c in _grade(row).criteria}
    rng = random.Random(row["id"])
    for _ in range(8):
        stage = rng.choice(STAGES)
        extra = rng.choice(POOL)
        stages = {**row["stages"], stage: ((row["stages"].get(stage) or "") + "\n" + extra)}
        after = {c.id: c.level for c in _grade(row, stages).criteria}
        lowered = {k: (before[k], after[k]) for k in before if after[k] < before[k]}
        assert not lowered, (stage, extra, lowered)


@pytest.mark.parametrize("row", ANSWERS[1::3] + OUTLINES, ids=lambda r: r["id"])
def test_deleting_an_evidence_sentence_never_raises_a_level(row):
    result = _grade(row)
    before = {c.id: c.level for c in result.criteria}
    quoted = [
        (q, s) for c in result.criteria for q, s in zip(c.evidence, c.evidence_stages, strict=True)
    ]
    for quote, stage in quoted[:6]:
        for segment in segments(stage, row["stages"][stage]):
            if quote in segment.text or segment.text in quote:
                text = row["stages"][stage]
                stages = {**row["stages"], stage: text[: segment.start] + text[segment.end :]}
                after = {c.id: c.level for c in _grade(row, stages).criteria}
                raised = {k: (before[k], after[k]) for k in before if after[k] > before[k]}
                assert not raised, (quote, raised)
                break


def test_an_answer_to_another_problem_is_capped_and_flagged():
    off = [r for r in ROWS if r["type"] == "off-topic"]
    flagged = [r["id"] for r in off if _grade(r).off_topic]
    assert len(flagged) >= len(off) - 1, flagged
    for row in ROWS:
        if row["level"] >= 2:
            assert not _grade(row).off_topic, row["id"]


def test_plain_words_earn_what_the_term_would():
    spec = next(
        c for c in BANK.criteria_for("video-recommendation") if c.id == "exposure-bias-correction"
    )
    term = "We add a randomised exploration slice of traffic so the model can learn beyond what it showed."
    plain = "A small share of traffic gets randomized order, so we learn what people like beyond what we showed."
    levels = [
        next(
            c.level
            for c in grade_for(BANK, "video-recommendation", Answer(stages={"data": t})).criteria
            if c.id == spec.id
        )
        for t in (term, plain)
    ]
    assert levels[1] >= levels[0] >= 1, levels


def test_an_answer_that_skips_stages_stops_at_lean_no_hire():
    strong = next(r for r in ROWS if r["type"] == "strong")
    skipped = {**strong["stages"], "serving": "", "online": "todo"}
    full, partial = _grade(strong), _grade(strong, skipped)
    assert full.level_cap is None and full.score >= 80
    assert partial.thin_stages == ["serving", "online"] and partial.level_cap == 2
    assert partial.score <= 49 and partial.band in ("lean no hire", "no hire")
    text_bars = {k: v for k, v in partial.stage_scores.items() if k != "diagram"}
    assert all(v <= 49 for v in text_bars.values()), "no text bar contradicts the cap"


@pytest.mark.parametrize("joiner", [" ", " and ", ", ", "; "])
@pytest.mark.parametrize("slug", ["fraud-detection", "ad-click-prediction", "llm-chatbot"])
def test_a_salad_of_the_rubrics_own_terms_stays_below_hire(slug, joiner):
    terms = [con.terms[0] for c in BANK.criteria_for(slug) for con in c.concepts]
    rng = random.Random(slug + joiner)
    stages = {}
    for stage in STAGES:
        picked = [rng.choice(terms) for _ in range(60)]  # a long run-on too
        stages[stage] = "We use " + joiner.join(picked) + " because it matters 10x."
    result = grade_for(BANK, slug, Answer(stages=stages, whiteboard={"elements": []}))
    assert result.score < 50, (result.score, result.band)


def _not_covered(outcome, spec) -> str:
    """The part of "missing" that lists concepts as absent (neither "Named but not explained"
    nor the criterion's own advice, which is the same whatever the answer says)."""
    text = outcome.missing.replace(spec.missing, "")
    for head in ("Not covered:", "(if you said it in other words, the grader may have missed it):"):
        if head in text:
            return text.split(head, 1)[1].split("Named but not explained:")[0]
    return ""


@pytest.mark.parametrize("slug", sorted(BANK.questions))
def test_every_term_of_the_bank_is_credited_where_it_is_said(slug):
    """Over the whole bank: a reasoned sentence with any term of a concept never leaves that
    concept "Not covered", and the criterion's quote holds the term."""
    checked = 0
    for spec in _concept_criteria({"question": slug}).values():
        stage = next(s for s in spec.scope if s in STAGES)
        for concept in spec.concepts:
            for term in concept.terms:
                sentence = f"We rely on {term} here, because it decides what the model learns."
                answer = Answer(stages={stage: sentence})
                outcome = next(c for c in grade_for(BANK, slug, answer).criteria if c.id == spec.id)
                assert outcome.level >= 1, (spec.id, term)
                assert concept.name not in _not_covered(outcome, spec), (
                    spec.id,
                    term,
                    outcome.missing,
                )
                assert outcome.evidence == [sentence], (spec.id, term)
                checked += 1
    assert checked >= 100  # every question has concept criteria with many terms


def test_the_complaints_in_issue_14_are_credited_where_they_are_said():
    """A decent video-recommendation answer, as the issue quotes it: no criterion calls missing
    the concept its quoted sentence names."""
    sentences = {
        "goals": "The business goal is long-term satisfaction, not clicks. I'd translate that into an "
        "ML objective: rank videos by predicted satisfying watch time because it tracks value better.",
        "data": "We log impressions, plus 1% of traffic with randomised order so we can correct for "
        "position bias.",
        "features": "Users are an embedding of the last 50 videos watched (averaged); videos carry "
        "upload age so fresh uploads are not buried.",
        "model": "We use recall@1000 for retrieval and AUC and NDCG@20 for the ranker.",
    }
    result = grade_for(BANK, "video-recommendation", Answer.from_dict({"stages": sentences}))
    specs = _concept_criteria({"question": "video-recommendation"})
    expected = {
        "business-to-ml-objective": ("link between the two", "translate that into"),
        "exposure-bias-correction": ("randomised exploration slice", "1% of traffic"),
        "user-video-representations": ("history embeddings", "last 50 videos"),
        "recsys-offline-metrics": ("retrieval metrics", "recall@1000"),
    }
    for criterion, (concept, said) in expected.items():
        outcome = next(c for c in result.criteria if c.id == criterion)
        assert outcome.level >= 2, (criterion, outcome.level)
        assert concept not in _not_covered(outcome, specs[criterion]), (criterion, outcome.missing)
        assert any(said in quote for quote in outcome.evidence), (criterion, outcome.evidence)
    representations = next(c for c in result.criteria if c.id == "user-video-representations")
    assert "freshness feature" not in _not_covered(representations, specs[representations.id])
