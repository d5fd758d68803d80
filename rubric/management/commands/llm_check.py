"""Send one tiny structured request to the configured LLM endpoint and report what works."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rubric.llm_client import LLMFailed, LLMRetryLater, chat

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["answer"],
    "properties": {"answer": {"type": "integer"}},
}


class Command(BaseCommand):
    help = "Check the LLM endpoint: model, latency and whether structured output works (exit 0 only if it does)."

    def handle(self, *args, **options) -> None:
        if not settings.LLM_ENABLED:
            raise CommandError(
                "LLM feedback is off: set OPENAI_API_KEY (and LLM_BASE_URL for a local server)."
            )
        endpoint = settings.LLM_BASE_URL or "https://api.openai.com/v1"
        self.stdout.write(f"endpoint: {endpoint}\nmodel:    {settings.LLM_MODEL}")
        request = {
            "model": settings.LLM_MODEL,
            "messages": [{"role": "user", "content": "What is 2 + 3? Answer as JSON."}],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "check", "strict": True, "schema": SCHEMA},
            },
            "temperature": 0,
        }
        try:
            reply = chat(request)
        except (LLMRetryLater, LLMFailed) as exc:
            raise CommandError(f"request failed: {exc}") from None
        self.stdout.write(
            f"answered: {reply.model} in {reply.latency_ms} ms ({reply.tokens_in}+{reply.tokens_out} tokens)"
        )
        try:
            ok = json.loads(reply.content or "") == {"answer": 5}
        except json.JSONDecodeError:
            ok = False
        if not ok:
            raise CommandError(f"structured output does NOT work: got {str(reply.content)[:200]!r}")
        self.stdout.write(self.style.SUCCESS("structured output works"))
