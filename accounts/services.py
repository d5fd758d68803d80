"""Writes of the accounts app that several paths share."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from accounts.models import UsernameSkeleton
from accounts.usernames import skeleton

log = logging.getLogger(__name__)


def username_skeleton_record(sender, instance, **kwargs) -> None:
    """Keep the user's skeleton current (post_save of the user model, whoever saves it).

    A clash (an admin creating a look-alike, two sign-ups racing) leaves the newer user without
    a skeleton instead of failing the save; sign-up checks for it and refuses (accounts.views).
    """
    try:
        with transaction.atomic():
            UsernameSkeleton.objects.update_or_create(
                user=instance, defaults={"skeleton": skeleton(instance.get_username())}
            )
    except IntegrityError:
        UsernameSkeleton.objects.filter(user=instance).delete()
        log.warning("username %r looks like another user's", instance.get_username())
