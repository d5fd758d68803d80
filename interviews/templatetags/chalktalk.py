from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.safestring import mark_safe

from interviews.markdown import render_markdown, render_outline
from rubric.stages import STAGE_LABELS

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - sanitised by nh3


@register.filter
def outline(text: str) -> str:
    """A strong-answer outline: headings each followed by their bullet list."""
    return mark_safe(render_outline(text or ""))  # noqa: S308 - sanitised by nh3


@register.filter
def stage_label(key: str) -> str:
    return STAGE_LABELS.get(key, key)


@register.filter
def minutes_seconds(value) -> str:
    """`timedelta` or seconds → `12:05` (or `1:02:05` past an hour)."""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value or 0)
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def player_clock(seconds) -> str:
    """Seconds → `75:05`: the replay player's clock, minutes past an hour included."""
    whole = max(int(seconds or 0), 0)
    return f"{whole // 60}:{whole % 60:02d}"


@register.filter
def score_tone(score) -> str:
    """A colour family for a 0-100 score."""
    if score is None:
        return "muted"
    if score >= 65:
        return "good"
    if score >= 45:
        return "fair"
    return "poor"


@register.filter
def level_tone(level: int) -> str:
    return ("poor", "fair", "good", "great")[max(0, min(int(level), 3))]
