"""The criterion that grades how an answer adapts to the question's curveball.

Built from the curveball's `strong_response` alone, so every question gets one without writing
more rubric: each clause of the strong response ("models the delay before conversions arrive")
becomes a concept, named by the pairs of neighbouring content words in it ("delay conversions",
"conversions arrive"), which the engine's loose phrase matching finds in the candidate's reply.
Graded only on the reply to the curveball, and only for attempts where it was delivered.
"""

from __future__ import annotations

import re

from rubric.schema import Concept, CriterionSpec, Curveball
from rubric.text import STOPWORDS, tokens

CRITERION_ID = "adapts-to-curveball"
WEIGHT = 2
MAX_CONCEPTS = 6
# Words of the strong response that describe the candidate rather than the design.
_FRAMING = frozenset(
    tokens("strong candidate candidates would moves expects instead rather much more")
)
_WORD = re.compile(r"[\w'-]+")
_LEAD = re.compile(r"^(?:and |but |then )?(?:a strong candidate |they )?(?:would )?", re.IGNORECASE)
_CLAUSE_BREAKS = re.compile(r"[,;:.]\s+|\s+(?:and|but|while|because|then)\s+")


def curveball_criterion(curveball: Curveball, stage: str) -> CriterionSpec:
    """A concept criterion of `stage`: at least two of the strong response's ideas, reasoned."""
    concepts = _concepts(curveball.strong_response)
    return CriterionSpec(
        id=CRITERION_ID,
        stage=stage,
        title="Adapts the design to the change of requirements",
        weight=WEIGHT,
        kind="concept",
        scope=(stage,),
        missing="Say what the change breaks in your design and what you would do instead.",
        tip=curveball.strong_response,
        competencies=("problem-solving", "communication"),
        source="curveball",
        min_concepts=min(2, len(concepts)),
        concepts=concepts,
    )


def _concepts(strong_response: str) -> tuple[Concept, ...]:
    concepts = []
    for clause in _CLAUSE_BREAKS.split(strong_response):
        words = [w for w in _WORD.findall(clause.lower()) if _is_content(w)]
        pairs = tuple(dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)))
        pairs = pairs or tuple(w for w in words if "-" in w)  # "first-party" says it alone
        name = _LEAD.sub("", clause.strip()).rstrip(".")
        if pairs and name:
            concepts.append(Concept(name=name, terms=pairs))
    return tuple(concepts[:MAX_CONCEPTS])


def _is_content(word: str) -> bool:
    stems = tokens(word)
    return bool(stems) and all(
        s not in STOPWORDS and s not in _FRAMING and len(s) > 2 for s in stems
    )
