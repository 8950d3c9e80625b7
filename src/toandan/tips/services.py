"""Writes of the tips app: intake, receipts, follow-up and replies.

INTERFACE DRAFT: signatures and contracts are fixed; bodies are being implemented.
Every write runs in one transaction together with its audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit
from toandan.tips.models import Category, Channel, Tip, TipMessage


@dataclass(frozen=True)
class UploadData:
    """A file as received, before checks: its declared name and its bytes."""

    name: str
    data: bytes
    # The citizen may choose to keep the GPS position of a photo (off by default).
    keep_location: bool = False


@dataclass(frozen=True)
class TipInput:
    category: Category
    description: str
    province: AdminUnit
    commune: AdminUnit | None = None  # None = "I do not know the commune"
    address: str = ""  # optional address or landmark
    occurred_at: dt.datetime | None = None  # exact, when known
    occurred_on: dt.date | None = None  # approximate: between these dates
    occurred_until: dt.date | None = None
    occurred_text: str = ""  # approximate, in the tipster's words ("tối thứ Bảy tuần trước")
    people: str = ""  # people involved (optional)
    vehicles: str = ""  # vehicles involved (optional)
    victim_request: str = ""  # VictimRequest value, for categories that ask (Art. 155)
    union_branch: OrgUnit | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    attachments: Sequence[UploadData] = field(default_factory=tuple)


@dataclass(frozen=True)
class SubmittedTip:
    tip: Tip
    # Formatted receipt, digits in groups of four ("1234 5678 9012 3456 7890"). Shown once;
    # never stored.
    receipt: str


class TipRejectedError(Exception):
    """Input the service refuses; `errors` maps a field name ("" for the whole tip) to
    messages already translated for the person who sent it."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class ReceiptRejectedError(Exception):
    """Unknown or wrong receipt, or too many attempts: the same error for all three, so a
    guesser learns nothing. `retry_after` seconds must pass before the next attempt counts."""

    def __init__(self, retry_after: int = 0) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def tip_submit(*, data: TipInput, channel: str = Channel.WEB) -> SubmittedTip:
    """A citizen's tip (web, API, Open311): validate, encrypt, route, register, notify.

    BLTTHS Art. 144–146: no tip may be refused; each is entered in the receiving unit's intake
    register with a number that has no gaps.
    """
    raise NotImplementedError


def tip_submit_by_staff(
    *, actor: AbstractBaseUser, data: TipInput, channel: str, reason: str = ""
) -> SubmittedTip:
    """A tip received by phone, in person or by mail and entered by an officer (Art. 146:
    oral tips are recorded too). The receipt is STAFF_ISSUED: the tipster replaces it on first
    use, so the officer who handed it over cannot open the tip as the tipster afterwards."""
    raise NotImplementedError


def followup_open(*, receipt: str, client_key: str) -> Tip:
    """The tip a receipt opens. Throttled with growing delays per client key and overall;
    raises ReceiptRejectedError alike for unknown, wrong and throttled receipts."""
    raise NotImplementedError


def receipt_replace(*, tip: Tip) -> str:
    """Give the tipster a receipt of their own in place of a staff-issued one; returns it
    formatted, once. The old receipt stops working in the same transaction."""
    raise NotImplementedError


def tipster_reply(*, tip: Tip, body: str, attachments: Sequence[UploadData] = ()) -> TipMessage:
    """The tipster answers the officer's questions from the follow-up page or the API."""
    raise NotImplementedError


def tip_message_to_tipster(*, actor: AbstractBaseUser, tip: Tip, body: str) -> TipMessage:
    """An officer asks the tipster a question; the tipster sees it on the follow-up page."""
    raise NotImplementedError
