"""Roles that read tips or reveal tipsters are given by two administrators.

A police officer or leader opens what tipsters sent; a leader or an identity custodian may
reveal who sent it (BLTTHS Art. 56: the tipster is a protected person). If one administrator
could give such a role, a single account — or whoever steals it — could give itself police
leader at the national unit and read every tip. So, like an identity reveal
(`toandan.tips.reveal`), a role of GRANT_APPROVAL_ROLES is given in two steps:

1. an administrator, the command line (`users import`) or any code asks (`role_grant_request`):
   a pending grant, audited; the police leaders over the unit and the other administrators are
   told;
2. another administrator approves or refuses it (`role_grant_decide`, the "Role grants" admin
   page): never the one who asked, never the person the role is for. Only then is the role
   assignment made, audited with both names.

Demo data and tests give roles through `role_bootstrap`: the system actor, audited as
AccountsAction.ROLE_BOOTSTRAP. No page, API or command of the product calls it; code that runs on
the server can write to the database anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.accounts.audit_actions import AccountsAction
from toandan.accounts.models import (
    GRANT_APPROVAL_ROLES,
    GrantStatus,
    Role,
    RoleAssignment,
    RoleGrant,
    User,
)
from toandan.accounts.notices import notify_role_grants_requested
from toandan.accounts.selectors import user_has_any_role
from toandan.audit.services import audit_record
from toandan.orgs.models import OrgUnit

Actor = AbstractBaseUser | AnonymousUser | None

NOTE_MAX = 500


class RoleGrantRefusedError(Exception):
    """The decision is not allowed; `message` tells the administrator why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def needs_second_approval(role: str) -> bool:
    return role in GRANT_APPROVAL_ROLES


def is_administrator(user: Actor) -> bool:
    """An active superuser or holder of the system administrator role."""
    return (
        user is not None
        and user.is_authenticated
        and bool(getattr(user, "is_active", False))
        and user_has_any_role(user, {Role.SYSTEM_ADMIN.value})
    )


def _requester(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _grant_data(grant: RoleGrant) -> dict[str, object]:
    return {
        "user": grant.user.username,
        "role": grant.role,
        "org_unit": grant.org_unit.code,
        "valid_from": grant.valid_from.isoformat(),
        "valid_to": grant.valid_to.isoformat() if grant.valid_to else None,
        "grant": grant.pk,
    }


@transaction.atomic
def role_grant_request(
    *,
    actor: Actor,
    user: User,
    role: str,
    org_unit: OrgUnit,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    reason: str = "",
) -> RoleGrant:
    """Ask to give `user` a role that reads tips or reveals tipsters: a pending grant (the
    same one if it is already pending), audited as AccountsAction.ROLE_GRANT_REQUEST; the police
    leaders over the unit and the other administrators are told."""
    if not needs_second_approval(role):
        msg = f"{role} is given at once: use role_assign"
        raise ValueError(msg)
    pending = RoleGrant.objects.filter(
        user=user, role=role, org_unit=org_unit, status=GrantStatus.PENDING
    ).first()
    if pending is not None:
        return pending
    grant = RoleGrant(
        user=user,
        role=role,
        org_unit=org_unit,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        reason=reason[:500],
        requested_by=_requester(actor),
    )
    # The same rules as the assignment it would become (a police role in a police unit…).
    RoleAssignment(
        user=user, role=role, org_unit=org_unit, valid_from=grant.valid_from, valid_to=valid_to
    ).full_clean(validate_unique=False, validate_constraints=False)
    grant.full_clean()
    grant.save()
    audit_record(
        actor=actor,
        action=AccountsAction.ROLE_GRANT_REQUEST,
        target=grant,
        reason=reason,
        data=_grant_data(grant),
    )
    notify_role_grants_requested([grant])
    return grant


@transaction.atomic
def role_grants_request_bulk(
    *,
    actor: Actor,
    wanted: Sequence[tuple[User, str, OrgUnit]],
    valid_from: dt.date,
    reason: str,
) -> int:
    """`role_grant_request` for many (user, role, unit) at once, already checked (the import
    checks every row first): inserted in bulk, one audit event each, one notification per
    person told. Returns how many grants are pending for them (new or already asked)."""
    pending = {
        (g.user_id, g.role, g.org_unit_id)
        for g in RoleGrant.objects.filter(
            status=GrantStatus.PENDING, user__in={user for user, _r, _u in wanted}
        )
    }
    new: list[RoleGrant] = []
    seen = set(pending)
    for user, role, org_unit in wanted:
        if not needs_second_approval(role):
            msg = f"{role} is given at once: use role_assign"
            raise ValueError(msg)
        key = (user.pk, role, org_unit.pk)
        if key in seen:
            continue
        seen.add(key)
        new.append(
            RoleGrant(
                user=user,
                role=role,
                org_unit=org_unit,
                valid_from=valid_from,
                reason=reason[:500],
                requested_by=_requester(actor),
            )
        )
    # PostgreSQL and SQLite return the new ids, which the audit events name.
    created = RoleGrant.objects.bulk_create(new, batch_size=500)
    for grant in created:
        audit_record(
            actor=actor,
            action=AccountsAction.ROLE_GRANT_REQUEST,
            target=grant,
            reason=reason,
            data=_grant_data(grant),
        )
    if created:
        notify_role_grants_requested(created)
    return len({(u.pk, r, o.pk) for u, r, o in wanted})


def role_grant_decide(
    *,
    actor: Actor,
    grant: RoleGrant,
    approve: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> RoleGrant:
    """Another administrator approves (the role assignment is made) or refuses a pending
    grant. Audited as AccountsAction.ROLE_GRANT_APPROVE or AccountsAction.ROLE_GRANT_REFUSE."""
    now = now or timezone.now()
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise RoleGrantRefusedError(
            _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX}
        )
    with transaction.atomic():
        locked = (
            RoleGrant.objects.select_for_update(of=("self",))
            .select_related("user", "org_unit", "requested_by")
            .get(pk=grant.pk)
        )
        if not is_administrator(actor) or actor is None:
            raise RoleGrantRefusedError(_("Only a system administrator can decide on a role."))
        if actor.pk == locked.requested_by_id:
            raise RoleGrantRefusedError(
                _("You asked for this role: another administrator must approve it.")
            )
        if actor.pk == locked.user_id:
            raise RoleGrantRefusedError(
                _("This role is for you: another administrator must approve it.")
            )
        if locked.status != GrantStatus.PENDING:
            raise RoleGrantRefusedError(_("This role has already been decided."))
        decider = cast("User", actor)
        locked.status = GrantStatus.APPROVED if approve else GrantStatus.REFUSED
        locked.decided_by = decider
        locked.decided_at = now
        locked.decision_note = note
        if approve:
            locked.assignment = _assignment_open(
                actor=decider,
                user=locked.user,
                role=locked.role,
                org_unit=locked.org_unit,
                valid_from=locked.valid_from,
                valid_to=locked.valid_to,
                action=AccountsAction.ROLE_ASSIGN,
                reason=locked.reason,
                extra={
                    "grant": locked.pk,
                    "requested_by": locked.requested_by.username if locked.requested_by else None,
                },
            )
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "assignment"]
        )
        audit_record(
            actor=decider,
            action=AccountsAction.ROLE_GRANT_APPROVE
            if approve
            else AccountsAction.ROLE_GRANT_REFUSE,
            target=locked,
            reason=note,
            data=_grant_data(locked),
        )
    return locked


def _assignment_open(
    *,
    actor: Actor,
    user: User,
    role: str,
    org_unit: OrgUnit,
    valid_from: dt.date,
    valid_to: dt.date | None,
    action: AccountsAction,
    reason: str,
    extra: dict[str, object] | None = None,
) -> RoleAssignment:
    existing = RoleAssignment.objects.filter(
        user=user, role=role, org_unit=org_unit, valid_to__isnull=True
    ).first()
    if existing is not None:
        return existing
    assignment = RoleAssignment(
        user=user, role=role, org_unit=org_unit, valid_from=valid_from, valid_to=valid_to
    )
    assignment.full_clean()
    assignment.save()
    audit_record(
        actor=actor,
        action=action,
        target=assignment,
        reason=reason,
        data={"user": user.username, "role": role, "org_unit": org_unit.code, **(extra or {})},
    )
    return assignment


@transaction.atomic
def role_bootstrap(
    *,
    user: User,
    role: str,
    org_unit: OrgUnit,
    reason: str,
    valid_from: dt.date | None = None,
) -> RoleAssignment:
    """The system actor gives a role at once, for demo data and tests: audited as
    AccountsAction.ROLE_BOOTSTRAP with no actor. Never called by a page, the API or a command
    an administrator runs on accounts (see the module's docstring)."""
    if not reason:
        raise ValidationError({"reason": "a bootstrap grant says why"})
    return _assignment_open(
        actor=None,
        user=user,
        role=role,
        org_unit=org_unit,
        valid_from=valid_from or timezone.localdate(),
        valid_to=None,
        action=AccountsAction.ROLE_BOOTSTRAP,
        reason=reason,
    )
