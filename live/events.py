"""What goes out on a live session's websockets, and to whom.

Every session has three channel-layer groups: everyone in the room, the interviewer's sockets and
the candidate's sockets. Interviewer-only data (notes, scorecard, the candidate's live text) is
only ever sent to the interviewer group, and each consumer drops an event whose audience is not
its role as well (see `consumers.LiveSessionConsumer.live_event`).

Events are sent after the transaction that caused them commits, so a socket never shows a state
that could still roll back.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Literal

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

Audience = Literal["all", "interviewer", "candidate"]
log = logging.getLogger(__name__)


def group_name(session_id: int, audience: Audience) -> str:
    return f"live-{session_id}" if audience == "all" else f"live-{session_id}-{audience}"


def login_group(session_key: str) -> str:
    """Every live socket opened with one browser login (hashed: the key is a credential)."""
    return "live-login-" + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def close_login_sockets(session_key: str) -> None:
    """The login is over (logout, account deleted): close the sockets it opened, now."""
    try:
        async_to_sync(get_channel_layer().group_send)(
            login_group(session_key), {"type": "live.signed_out"}
        )
    except Exception:  # each socket also re-checks its login on every message it receives
        log.warning("live: could not close the sockets of a login that ended", exc_info=True)


def layer_message(
    audience: Audience, *, data: dict[str, Any] | None = None, html: str | None = None
) -> dict[str, Any]:
    """A channel-layer message for `LiveSessionConsumer.live_event`: JSON data or an htmx fragment."""
    return {"type": "live.event", "audience": audience, "data": data, "html": html}


def send_after_commit(
    session_id: int,
    audience: Audience,
    *,
    data: dict[str, Any] | None = None,
    html: str | None = None,
) -> None:
    message = layer_message(audience, data=data, html=html)
    transaction.on_commit(lambda: _send(group_name(session_id, audience), message))


def _send(group: str, message: dict[str, Any]) -> None:
    # The write has committed: a channel layer outage costs the live view, never the data.
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        log.warning(
            "live: could not send %s to %s", message["data"] or "html", group, exc_info=True
        )
