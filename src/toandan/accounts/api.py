"""JSON API of accounts: who am I."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from toandan.accounts.api_auth import ApiAuth
from toandan.accounts.models import User
from toandan.accounts.schemas import MeOut
from toandan.accounts.selectors import user_summary

router = Router(tags=["accounts"], auth=ApiAuth())


@router.get("/me", response=MeOut, summary="The calling account, its roles and units")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user_summary(user)
