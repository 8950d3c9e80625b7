"""What commendation (awards) may ask of tips: a valuable tip's facts for a nomination, and a
message to its anonymous sender through the receipt.

Nothing here says who sent a tip: the identity stays sealed (only an identity custodian, through
the reveal controls, may see it, with a reason). The nomination names "the sender of tip X";
the commendation reaches the sender on the follow-up page the receipt opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from toandan.accounts.models import POLICE_ROLES, Role, User
from toandan.accounts.selectors import (
    can_access_org_unit,
    user_has_any_role,
    user_jurisdiction,
)
from toandan.audit.services import audit_record
from toandan.tips import crypto
from toandan.tips.audit_actions import TipsAction
from toandan.tips.handling import timeline
from toandan.tips.models import MessageDirection, Tip, TipAction, TipMessage, TipStatus
from toandan.tips.selectors import tip_data_key

LINK_MAX = 200


class TipNotAvailableError(Exception):
    """No such tip, or the caller may not see it: the same answer for both."""


class TipNotNominableError(Exception):
    """The tip exists and the caller may see it, but it cannot be nominated (`reason`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TipForNomination:
    tip_id: int
    reference: str
    unit_id: int  # the police unit that handled the tip (responsible, else receiving)
    province_id: int  # the province (geo.AdminUnit id) where it happened
    concluded_on: dt.date | None
    valuable: bool


def _leader_covers(user: Any, tip: Tip) -> bool:
    reach = user_jurisdiction(user, {Role.POLICE_LEADER})
    units = [u for u in (tip.responsible_unit, tip.register_unit) if u is not None]
    return any(reach.covers_org_path(unit.path) for unit in units)


def _handles(user: Any, tip: Tip) -> bool:
    """Police of the unit handling the tip or of the unit it was forwarded to."""
    units = [u for u in (tip.responsible_unit, tip.pending_unit) if u is not None]
    return any(can_access_org_unit(user, unit, POLICE_ROLES) for unit in units)


def valuable_tip_for_nomination(user: Any, reference: str) -> TipForNomination:
    """A concluded tip marked valuable, for a police leader whose units handled it.

    Raises TipNotAvailableError when the tip is unknown or outside the leader's units (the
    same for both), TipNotNominableError when it is not concluded or not valuable."""
    if not getattr(user, "is_authenticated", False):
        raise TipNotAvailableError
    tip = (
        Tip.objects.select_related("responsible_unit", "register_unit")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    if tip is None or not _leader_covers(user, tip):
        raise TipNotAvailableError
    if tip.status != TipStatus.CONCLUDED or tip.concluded_at is None:
        raise TipNotNominableError("not_concluded")
    if not tip.valuable:
        raise TipNotNominableError("not_valuable")
    unit = tip.responsible_unit or tip.register_unit
    return TipForNomination(
        tip_id=tip.pk,
        reference=tip.reference,
        unit_id=unit.pk,
        province_id=tip.province_id,
        concluded_on=timezone.localdate(tip.concluded_at),
        valuable=True,
    )


def tipster_message_send(*, actor: Any, tip_id: int, text: str, link: str = "") -> None:
    """Write to the sender of a tip on their follow-up page (the receipt opens it), with an
    optional link to a page of this site (a certificate). For the police handling the tip, or
    for a campaign organiser delivering a commendation decided for that tip's sender.

    Audited like an officer's message; the history of the tip says a message was written,
    not what it said."""
    if not getattr(actor, "is_authenticated", False):
        raise TipNotAvailableError
    tip = Tip.objects.select_related("responsible_unit", "pending_unit").filter(pk=tip_id).first()
    if tip is None:
        raise TipNotAvailableError
    if not (_handles(actor, tip) or user_has_any_role(actor, {Role.CAMPAIGN_ORGANISER})):
        raise TipNotAvailableError
    body = (text or "").strip()
    link = (link or "").strip()
    if not body or (link and (not link.startswith("/") or link.startswith("//"))):
        msg = "a message needs a text, and a link must be a path of this site"
        raise ValueError(msg)
    if len(link) > LINK_MAX:
        msg = "the link is too long"
        raise ValueError(msg)
    direction = MessageDirection.TO_TIPSTER
    sealed = crypto.seal_text(
        tip_data_key(tip), body, crypto.aad(tip.reference, "message", str(direction))
    )
    now = timezone.now()
    with transaction.atomic():
        message = TipMessage.objects.create(
            tip=tip, direction=direction, author=cast("User", actor), body=sealed, link=link
        )
        timeline.event_record(
            tip=tip,
            action=TipAction.MESSAGE,
            actor=actor,
            now=now,
            from_status=tip.status,
            to_status=tip.status,
            unit=None,
            data={"message": message.pk, "commendation": True},
        )
        audit_record(
            actor=actor,
            action=TipsAction.TIP_MESSAGE,
            target=tip,
            data={"reference": tip.reference, "message": message.pk, "commendation": True},
        )
