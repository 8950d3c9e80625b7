"""Identity under lock (issue 4 item 7); being written."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from toandan.tips.models import Tip


def can_request_reveal(user: AbstractBaseUser | AnonymousUser, tip: Tip) -> bool:
    """Nobody, until the reveal procedure is in."""
    return False
