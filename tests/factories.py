"""Small factories for test data: plain functions with sensible defaults."""

from __future__ import annotations

import itertools
import secrets

from django.contrib.auth.models import User

from interviews.models import Attempt, Question
from interviews.services import attempt_start
from tests.answers import STRONG_AD_ANSWER

__all__ = ["STRONG_AD_ANSWER", "make_attempt", "make_user", "session_cookies"]

_counter = itertools.count(1)
PASSWORD = "a-long-test-password-42"


def make_user(username: str | None = None) -> User:
    return User.objects.create_user(username or f"user{next(_counter)}", password=PASSWORD)


def session_cookies(user: User) -> dict[str, str]:
    """Cookies of a logged-in browser (session and CSRF), made directly in the database."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # an unmasked 32-character secret is accepted as is
    return {settings.SESSION_COOKIE_NAME: session.session_key, "csrftoken": csrf}


def make_attempt(user: User, question: Question, texts: dict[str, str] | None = None) -> Attempt:
    attempt = attempt_start(user=user, question=question)
    for stage, text in (texts or {}).items():
        attempt.responses.filter(stage=stage).update(text=text, version=1)
    return attempt
