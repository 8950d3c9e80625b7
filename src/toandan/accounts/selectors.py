from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def user_has_any_role(user: AbstractBaseUser | AnonymousUser, roles: Iterable[str]) -> bool:
    raise NotImplementedError
