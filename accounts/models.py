"""Rows the accounts app keeps: failed-login counts (see `accounts.throttle`)."""

from __future__ import annotations

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
