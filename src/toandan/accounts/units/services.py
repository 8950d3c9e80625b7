"""Writes on the organisation tree that depend on who asks."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from toandan.accounts.policies import may_create_branch
from toandan.orgs.models import OrgUnit
from toandan.orgs.services import org_branch_add


@transaction.atomic
def org_branch_create(
    *, actor: AbstractBaseUser, parent: OrgUnit, name: str, reason: str = ""
) -> OrgUnit:
    """A commune Women's Union creates one of its branches (chi hội).

    Branches are below the commune in the Union's charter; the commune's cadres and leaders,
    and the Union's cadres and leaders above it, may create them.
    """
    if not may_create_branch(actor, parent):
        raise PermissionDenied
    return org_branch_add(actor=actor, parent=parent, name=name, reason=reason)
