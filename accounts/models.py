"""Rows the accounts app keeps: failed-login counts (see `accounts.throttle`) and each
username's look-alike skeleton (see `accounts.usernames`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoginFailureWindow(models.Model):
    """Failed logins for one username or one client address, counted until `expires_at`.

    In the database rather than the cache: a throttle whose counts vanish with Redis fails open.
    """

    key = models.CharField(max_length=100, unique=True)
    failures = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} until {self.expires_at:%H:%M:%S}"


class UsernameSkeleton(models.Model):
    """What a user's name looks like (`accounts.usernames.skeleton`), unique across users, so
    "саndidate" in Cyrillic cannot sign up beside "candidate". Kept by a post_save signal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    skeleton = models.CharField(max_length=150, unique=True)

    def __str__(self) -> str:
        return self.skeleton
