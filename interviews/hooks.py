"""Where practice lets other parts of the product take an attempt over, without knowing them.

A live interview runs on a practice attempt; `live` answers `attempt_elsewhere` for the attempts it
runs and listens to `follow_up_replied` (see `live.apps`). Practice asks through `elsewhere_for`,
announces through the signals, and never imports `live`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal

from interviews.models import Attempt


@dataclass(frozen=True)
class Elsewhere:
    """The page that runs an attempt instead of the practice page."""

    url: str
    label: str  # a link's text, e.g. "Interviewer's scorecard"
    is_open: bool  # still running there: practice's own submit, hints and delete are off
    refusal: str  # what to tell someone who tries one of those while it is open


# Sent with `attempt=`; a receiver returns an `Elsewhere` for attempts it runs, else None.
attempt_elsewhere = Signal()

# Sent with `attempt=` and `follow_up=` once a written reply to a follow-up question is stored
# (inside the saving transaction: a receiver that pushes it somewhere waits for the commit).
follow_up_replied = Signal()


def elsewhere_for(attempt: Attempt) -> Elsewhere | None:
    if attempt.mode == Attempt.Mode.SOLO:
        return None  # the hot paths of solo practice ask nobody
    for _receiver, answer in attempt_elsewhere.send(sender=Attempt, attempt=attempt):
        if answer is not None:
            return answer
    return None


def running_elsewhere(attempt: Attempt) -> Elsewhere | None:
    place = elsewhere_for(attempt)
    return place if place is not None and place.is_open else None
