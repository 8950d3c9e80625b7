"""Identity under lock: who may see who sent a tip, and how.

BLTTHS Art. 56 and Chapter XXXIV: a tipster is a protected person; Decree 13/2023 Art. 2(4):
crime data held by the police is sensitive personal data. So the tipster's contact details
(a separate table with its own data key, `TipsterContact`) are opened only here:

1. a police leader or a designated identity custodian whose jurisdiction covers the unit that
   has the tip asks, with a written reason (`reveal_request`);
2. when TOANDAN_REVEAL_SECOND_APPROVAL is on, another such officer approves or refuses it
   (`reveal_decide`); otherwise the request is approved at once;
3. the officer who asked, and only they, reads the details while the approval is valid
   (TOANDAN_REVEAL_VALID_HOURS), each reading an audit event with the request's reason
   (`reveal_read`);
4. the leaders of the tip's unit and of the requester's unit are told, and see every reveal
   with its reason and number of readings (`reveals_for_unit`).

A reveal is recorded against the unit that had the tip (`ContactReveal.unit`): the requester's
unit is that unit or one above it, so both sets of leaders find it in their jurisdiction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.accounts.models import REVEAL_ROLES, Role, User
from toandan.accounts.selectors import (
    active_role_assignments,
    filter_by_jurisdiction,
    user_has_any_role,
)
from toandan.audit.services import audit_record
from toandan.orgs.models import OrgUnit
from toandan.tips import crypto, policies
from toandan.tips.audit_actions import TipsAction
from toandan.tips.models import (
    ContactReveal,
    RevealStatus,
    Tip,
    TipAction,
    TipsterContact,
)

AnyUser = AbstractBaseUser | AnonymousUser

REASON_MIN = 10
REASON_MAX = 2000
NOTE_MAX = 500


class RevealRefusedError(Exception):
    """The request, decision or reading is not allowed; `message` tells the officer why."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RevealNotFoundError(Exception):
    """The user may not act on this tip or reveal (and is not told whether it exists)."""


# --- Who may ---------------------------------------------------------------------------------


def requester_units(user: AnyUser, unit: OrgUnit) -> list[OrgUnit]:
    """The units where the user holds a reveal role over `unit` (most local first): whose
    leaders must also see what the user revealed."""
    return [
        assignment.org_unit
        for assignment in active_role_assignments(user, REVEAL_ROLES).order_by("-org_unit__depth")
        if unit.path.startswith(assignment.org_unit.path)
    ]


def _acting_unit(user: AnyUser, unit: OrgUnit) -> OrgUnit | None:
    units = requester_units(user, unit)
    return units[0] if units else None


# --- Reads -----------------------------------------------------------------------------------


def tip_for_reveal(*, user: AnyUser, reference: str) -> Tip | None:
    """The tip with this reference if the user holds a reveal role over the unit that has it,
    else None (no hint either way)."""
    tip = (
        Tip.objects.select_related("responsible_unit", "category")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if tip is None or not policies.may_reveal_in_unit(user, tip.responsible_unit):
        return None
    return tip


def _reveals() -> QuerySet[ContactReveal]:
    return ContactReveal.objects.select_related(
        "tip", "unit", "requested_by", "decided_by"
    ).order_by("-created_at", "-id")


def reveal_get_for(*, user: AnyUser, pk: int) -> ContactReveal | None:
    """A reveal the user asked for, or one over a unit in their reveal jurisdiction."""
    reveal = _reveals().filter(pk=pk).first()
    if reveal is None or not policies.may_see_reveal(user, reveal):
        return None
    return reveal


def reveals_for_unit(user: AnyUser) -> QuerySet[ContactReveal]:
    """Every reveal over a unit in the user's police-leader jurisdiction (who asked, when, the
    tip's register number, the reason, the status and how many times it was read), and the
    user's own requests. The leader sees them all: that is the check on the power to reveal."""
    if not user.is_authenticated:
        return ContactReveal.objects.none()
    over_units = filter_by_jurisdiction(
        user, _reveals(), None, org_unit_field="unit", roles={Role.POLICE_LEADER.value}
    )
    return over_units | _reveals().filter(requested_by_id=user.pk)


def reveals_awaiting_decision(user: AnyUser) -> QuerySet[ContactReveal]:
    """Pending requests of other officers that this user may approve or refuse."""
    if not user.is_authenticated:
        return ContactReveal.objects.none()
    pending = _reveals().filter(status=RevealStatus.PENDING).exclude(requested_by_id=user.pk)
    return filter_by_jurisdiction(user, pending, None, org_unit_field="unit", roles=REVEAL_ROLES)


# --- Writes ----------------------------------------------------------------------------------


def _user(actor: AnyUser) -> AbstractBaseUser:
    if not isinstance(actor, AbstractBaseUser) or not actor.is_authenticated:
        raise RevealNotFoundError
    return actor


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise RevealRefusedError(
            _(
                "Write why you need to know who sent this tip (at least %(n)d characters). "
                "The reason is recorded and shown to your unit's leaders."
            )
            % {"n": REASON_MIN},
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise RevealRefusedError(
            _("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX},
            field="reason",
        )
    return reason


def _valid_until(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(hours=int(settings.TOANDAN_REVEAL_VALID_HOURS))


def reveal_request(
    *, actor: AnyUser, tip: Tip, reason: str, now: dt.datetime | None = None
) -> ContactReveal:
    """Ask to see who sent the tip (BLTTHS Art. 56: the tipster is a protected person).

    Only a police leader or an identity custodian over the unit that has the tip, with a
    written reason. Approved at once, or pending a second officer's approval when
    TOANDAN_REVEAL_SECOND_APPROVAL is on. Audited as TipsAction.CONTACT_REVEAL_REQUEST."""
    user = _user(actor)
    now = now or timezone.now()
    if not user_has_any_role(user, REVEAL_ROLES):
        raise RevealRefusedError(
            _(
                "Only a police leader or a designated identity custodian can ask to see who "
                "sent a tip."
            )
        )
    unit = tip.responsible_unit
    if unit is None or not policies.may_reveal_in_unit(user, unit):
        raise RevealNotFoundError
    if not tip.has_contact:
        raise RevealRefusedError(
            _("The tipster left no contact details: there is nothing to reveal.")
        )
    reason = _clean_reason(reason)
    second_approval = bool(settings.TOANDAN_REVEAL_SECOND_APPROVAL)
    with transaction.atomic():
        reveal = ContactReveal(
            tip=tip,
            unit=unit,
            requested_by=cast("User", user),
            reason=reason,
            status=RevealStatus.PENDING if second_approval else RevealStatus.APPROVED,
            created_at=now,
            decided_at=None if second_approval else now,
            valid_until=None if second_approval else _valid_until(now),
        )
        reveal.full_clean()
        reveal.save()
        audit_record(
            actor=user,
            action=TipsAction.CONTACT_REVEAL_REQUEST,
            target=tip,
            reason=reason,
            data={"reference": tip.reference, "reveal": reveal.pk, "status": reveal.status},
        )
        if second_approval:
            from toandan.tips.handling import notices

            notices.notify_reveal_requested(reveal)
    return reveal


def reveal_decide(
    *,
    actor: AnyUser,
    reveal: ContactReveal,
    approve: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> ContactReveal:
    """The second officer's decision on a pending request: another leader or custodian over
    the same unit; never the officer who asked. A refusal needs a note. Audited."""
    user = _user(actor)
    now = now or timezone.now()
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise RevealRefusedError(
            _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX}, field="note"
        )
    if not approve and not note:
        raise RevealRefusedError(_("Write why the request is refused."), field="note")
    with transaction.atomic():
        locked = (
            ContactReveal.objects.select_for_update(of=("self",))
            .select_related("tip", "unit")
            .filter(pk=reveal.pk)
            .first()
        )
        if locked is None:
            raise RevealNotFoundError
        if locked.requested_by_id == user.pk:
            raise RevealRefusedError(
                _("You cannot decide on your own request: another officer must approve it.")
            )
        if not policies.may_reveal_in_unit(user, locked.unit):
            raise RevealNotFoundError
        if locked.status != RevealStatus.PENDING:
            raise RevealRefusedError(_("This request has already been decided."))
        locked.status = RevealStatus.APPROVED if approve else RevealStatus.REFUSED
        locked.decided_by = cast("User", user)
        locked.decided_at = now
        locked.decision_note = note
        locked.valid_until = _valid_until(now) if approve else None
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "valid_until"]
        )
        audit_record(
            actor=user,
            action=TipsAction.CONTACT_REVEAL_APPROVE
            if approve
            else TipsAction.CONTACT_REVEAL_REFUSE,
            target=locked.tip,
            reason=note,
            data={"reference": locked.tip.reference, "reveal": locked.pk},
        )
    return locked


def reveal_read(
    *, actor: AnyUser, reveal: ContactReveal, now: dt.datetime | None = None
) -> dict[str, str]:
    """The tipster's contact details, decrypted, for the officer who asked, while the approval
    is valid. Each reading is an audit event (TipsAction.CONTACT_VIEW) carrying the request's
    reason; the first also enters the tip's history and tells the leaders."""
    user = _user(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            ContactReveal.objects.select_for_update(of=("self",))
            .select_related("tip", "unit", "requested_by")
            .filter(pk=reveal.pk)
            .first()
        )
        if locked is None or not policies.may_see_reveal(user, locked):
            raise RevealNotFoundError
        if locked.requested_by_id != user.pk:
            raise RevealRefusedError(_("Only the officer who asked can see the contact details."))
        if not policies.may_reveal_in_unit(user, locked.unit):
            raise RevealRefusedError(
                _("You no longer hold a role that allows revealing this tipster's identity.")
            )
        if locked.status == RevealStatus.PENDING:
            raise RevealRefusedError(_("This request is waiting for a second officer's approval."))
        if locked.status != RevealStatus.APPROVED:
            raise RevealRefusedError(_("This request was refused."))
        if locked.valid_until is None or now >= locked.valid_until:
            raise RevealRefusedError(
                _("This approval has expired: make a new request if you still need it.")
            )
        tip = locked.tip
        contact = TipsterContact.objects.filter(tip=tip).first()
        if contact is None:
            raise RevealRefusedError(_("The tipster's contact details are no longer kept."))
        data_key = crypto.unwrap(contact.kek_id, contact.wrapped_key, tip.reference)
        value: Any = crypto.open_json(
            data_key, contact.content, crypto.aad(tip.reference, "contact")
        )
        first = locked.views == 0
        ContactReveal.objects.filter(pk=locked.pk).update(views=F("views") + 1)
        locked.views += 1
        audit_record(
            actor=user,
            action=TipsAction.CONTACT_VIEW,
            target=tip,
            reason=locked.reason,
            data={"reference": tip.reference, "reveal": locked.pk, "views": locked.views},
        )
        if first:
            from toandan.tips.handling import notices
            from toandan.tips.handling.timeline import event_record

            # No contact detail and no reason in the history: officers of every unit on the tip
            # read it; the reason stays with the reveal, for the leaders.
            event_record(
                tip=tip,
                action=TipAction.REVEAL,
                actor=user,
                now=now,
                from_status=tip.status,
                to_status=tip.status,
                unit=_acting_unit(user, locked.unit),
                data={"reveal": locked.pk},
            )
            notices.notify_identity_revealed(locked)
    return {str(key): str(item) for key, item in dict(value).items() if item}
