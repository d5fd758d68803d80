"""Small factories for test data: plain functions with sensible defaults."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import User

from interviews.models import Attempt, Question
from interviews.services import attempt_start
from tests.answers import STRONG_AD_ANSWER

__all__ = ["STRONG_AD_ANSWER", "make_attempt", "make_user"]

_counter = itertools.count(1)
PASSWORD = "a-long-test-password-42"


def make_user(username: str | None = None) -> User:
    return User.objects.create_user(username or f"user{next(_counter)}", password=PASSWORD)


def make_attempt(user: User, question: Question, texts: dict[str, str] | None = None) -> Attempt:
    attempt = attempt_start(user=user, question=question)
    for stage, text in (texts or {}).items():
        attempt.responses.filter(stage=stage).update(text=text, version=1)
    return attempt
