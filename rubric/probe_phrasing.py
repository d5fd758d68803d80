"""Follow-ups phrased by the LLM from the candidate's own words, when one is configured.

The rubric chooses the criterion and the bank's probe; this only rewords it. It runs inside the
request that asks the follow-up, with a short timeout of its own: any fault (timeout, refusal,
malformed answer, a quote the candidate never wrote) returns the bank's probe at once.
"""

from __future__ import annotations

import logging

from django.conf import settings

from interviews.models import Question
from rubric import llm_client
from rubric.probe_prompt import ProbeRefused, build_probe_request, parse_probe
from rubric.schema import CriterionSpec
from rubric.stages import STAGE_LABELS

log = logging.getLogger(__name__)


def probe_phrase(
    *, question: Question, criterion: CriterionSpec, bank_probe: str, stage: str, stage_text: str
) -> str:
    """The probe to ask: phrased from `stage_text` by the model, or `bank_probe` itself."""
    if not settings.LLM_ENABLED or not stage_text.strip():
        return bank_probe
    request = build_probe_request(
        model=settings.LLM_MODEL,
        question_title=question.title,
        criterion_title=criterion.title,
        criterion_need=criterion.missing,
        bank_probe=bank_probe,
        stage_label=STAGE_LABELS[stage],
        stage_text=stage_text,
    )
    try:
        reply = llm_client.chat(request, timeout=settings.LLM_PROBE_TIMEOUT_SECONDS)
        if reply.refusal:
            raise ProbeRefused("the model declined")
        topic = f"{bank_probe} {criterion.title} {criterion.missing}"
        return parse_probe(reply.content, stage_text, topic).question
    except (llm_client.LLMRetryLater, llm_client.LLMFailed, ProbeRefused) as exc:
        log.info("follow-up: asking the bank's probe (%s)", exc)
    except Exception:  # a bug or an unexpected client error must not cost the follow-up
        log.exception("follow-up: phrasing failed; asking the bank's probe")
    return bank_probe
