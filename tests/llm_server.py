"""A local HTTP server that speaks the OpenAI chat-completions protocol, scripted per test.

The real `openai` client talks to it over loopback, so transport, errors and parsing are
exercised for real; only the model is fake.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Queue behaviours with `script(...)`; each request takes the next one (default: "good")."""

    def __init__(self) -> None:
        self.behaviours: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []
        self.answer: Any = None  # JSON the "good" behaviour returns; a callable gets the request
        self.slow_seconds = 3.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def script(self, *behaviours: str) -> None:
        self.behaviours.extend(behaviours)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                fake.requests.append(
                    {"path": self.path, "body": request, "auth": self.headers.get("Authorization")}
                )
                behaviour = fake.behaviours.popleft() if fake.behaviours else "good"
                if behaviour == "429":
                    return self._send(
                        429,
                        {"error": {"message": "slow down", "type": "rate_limit"}},
                        {"Retry-After": "0"},
                    )
                if behaviour == "500":
                    return self._send(500, {"error": {"message": "boom", "type": "server_error"}})
                if behaviour == "400":
                    return self._send(
                        400, {"error": {"message": "bad request", "type": "invalid_request_error"}}
                    )
                if behaviour == "slow":
                    time.sleep(fake.slow_seconds)
                answer = fake.answer(request) if callable(fake.answer) else fake.answer
                content: str | None = json.dumps(answer)
                refusal = None
                if behaviour == "malformed":
                    content = '{"criteria": [ this is not json'
                elif behaviour == "schema":
                    content = json.dumps({"criteria": "nope"})
                elif behaviour == "refusal":
                    content, refusal = None, "I can't help with that."
                self._send(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                    "model": request.get("model", "fake-model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content, "refusal": refusal}}],
                    "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500},
                })  # fmt: skip

        return Handler


def verdicts_for(
    request: dict[str, Any], verdict: str = "explained", quote: str | None = None
) -> dict[str, Any]:
    """A schema-valid answer judging every criterion the request's schema lists."""
    schema = request["response_format"]["json_schema"]["schema"]
    ids = schema["properties"]["criteria"]["items"]["properties"]["id"]["enum"]
    return {
        "criteria": [
            {
                "id": i,
                "verdict": verdict,
                "rationale": f"Judged {i}.",
                "evidence": [quote] if quote else [],
            }
            for i in ids
        ],
        "summary": "Solid structure; <b>needs numbers</b>.",
        "next_steps": ["Quantify the traffic.", "Name the label source.", "Plan the A/B test."],
        "follow_up_questions": ["How would you handle cold start?"],
    }
