"""Exceptions that several practice modules raise and the views translate."""

from __future__ import annotations


class AttemptLocked(Exception):
    """The attempt was submitted; its answers can no longer change."""
