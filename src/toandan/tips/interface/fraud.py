"""What antifraud may ask of tips: the identifiers found in a fraud tip, for an officer who may
handle it.

Extraction runs here, on the decrypted text and the text of the tip's plain-text attachments;
only the identifiers leave (kind, normalised value, how to show it), never the text, never
anything about the tipster. Reading is audited like any reading of a tip's content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from toandan.identifiers import Identifier
from toandan.identifiers.extract import extract
from toandan.tips.senders import reporter_keys

ATTACHMENT_TEXT_MAX = 100_000


@dataclass(frozen=True)
class FraudTipIdentifiers:
    tip_id: int
    reference: str
    unit_id: int  # the responsible unit (else the receiving one): the officers' jurisdiction
    unit_name: str
    province_code: str
    category_code: str
    channel: str
    received_at: dt.datetime
    identifiers: list[Identifier]
    # Opaque keys telling this tip's sender apart (contact, device cookie), equal for two
    # tips of one sender and meaningless elsewhere (`toandan.tips.senders`); empty when the
    # tip carries none (an anonymous tip by API, Open311 or phone).
    reporter_keys: tuple[str, ...] = ()


def fraud_tip_identifiers(
    user: AbstractBaseUser | AnonymousUser, tip_id: int
) -> FraudTipIdentifiers | None:
    """The identifiers of a fraud tip the user may open as a police officer; None if there is
    no such tip, the user may not open it, or it is not about fraud (no hint which)."""
    from toandan.tips import selectors
    from toandan.tips.models import CategoryGroup
    from toandan.tips.policies import may_open_tip

    tip = selectors._staff_tips().filter(pk=tip_id).first()
    if tip is None or not may_open_tip(user, tip):
        return None
    if tip.category.group != CategoryGroup.FRAUD:
        return None
    content = selectors.tip_content(tip, actor=user)
    texts = [str(value) for value in content.values() if value]
    for attachment in tip.attachments.all():
        if attachment.content_type.startswith("text/"):
            data = selectors.tip_attachment_for_staff(attachment, actor=user).data
            texts.append(data[:ATTACHMENT_TEXT_MAX].decode("utf-8", errors="replace"))
    found: list[Identifier] = []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        for identifier in extract(text):
            if identifier.key not in seen:
                seen.add(identifier.key)
                found.append(identifier)
    unit = tip.responsible_unit or tip.register_unit
    return FraudTipIdentifiers(
        tip_id=tip.pk,
        reference=tip.reference,
        unit_id=unit.pk,
        unit_name=unit.name,
        province_code=tip.province.code if tip.province_id else "",
        category_code=tip.category.code,
        channel=tip.channel,
        received_at=tip.received_at,
        identifiers=found,
        reporter_keys=reporter_keys(tip, "antifraud"),
    )


def fraud_tip_id(user: AbstractBaseUser | AnonymousUser, reference: str) -> int | None:
    """The id of the fraud tip with this reference if the user may open it, else None."""
    from toandan.tips import selectors
    from toandan.tips.models import CategoryGroup

    tip = selectors.tip_get_for_staff(user=user, reference=reference)
    if tip is None or tip.category.group != CategoryGroup.FRAUD:
        return None
    return int(tip.pk)


def channel_labels() -> dict[str, str]:
    """How a tip came in (code -> label in the current language), for counts by channel."""
    from toandan.tips.models import Channel

    return {str(code): str(label) for code, label in Channel.choices}
