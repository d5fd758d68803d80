"""Calling an OpenAI-compatible chat-completions endpoint with the official client.

Errors are sorted into two kinds the task understands: worth retrying later (timeouts,
429 with its Retry-After, 5xx, a dropped connection) and final (everything else).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import openai
from django.conf import settings


class LLMRetryLater(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class LLMFailed(Exception):
    """A final answer: the request is refused or the model declined."""


@dataclass
class LLMReply:
    content: str | None
    refusal: str | None
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: int


def _client(timeout: float | None = None) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=settings.OPENAI_API_KEY or "not-needed",
        base_url=settings.LLM_BASE_URL or None,
        timeout=timeout or settings.LLM_TIMEOUT_SECONDS,
        max_retries=0,  # retries belong to the Celery task, which respects Retry-After
    )


def _retry_after(error: openai.APIStatusError) -> float | None:
    value = error.response.headers.get("retry-after") if error.response is not None else None
    try:
        return min(float(value), 600.0) if value is not None else None
    except ValueError:
        return None


def chat(request: dict[str, Any], timeout: float | None = None) -> LLMReply:
    started = time.perf_counter()
    try:
        completion = _client(timeout).chat.completions.create(**request)
    except openai.APITimeoutError:
        raise LLMRetryLater("The feedback service timed out.") from None
    except openai.RateLimitError as error:
        raise LLMRetryLater(
            "The feedback service is rate limiting us.", _retry_after(error)
        ) from None
    except openai.APIConnectionError:
        raise LLMRetryLater("Could not reach the feedback service.") from None
    except openai.APIStatusError as error:
        if error.status_code >= 500:
            raise LLMRetryLater(
                f"The feedback service failed ({error.status_code}).", _retry_after(error)
            ) from None
        raise LLMFailed(
            f"The feedback service refused the request ({error.status_code})."
        ) from None
    latency_ms = round((time.perf_counter() - started) * 1000)
    if not completion.choices:
        raise LLMRetryLater("The feedback service returned no answer.")
    message = completion.choices[0].message
    usage = completion.usage
    return LLMReply(
        content=message.content,
        refusal=getattr(message, "refusal", None),
        model=completion.model or request["model"],
        tokens_in=usage.prompt_tokens if usage else 0,
        tokens_out=usage.completion_tokens if usage else 0,
        latency_ms=latency_ms,
    )
