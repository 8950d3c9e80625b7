"""Reads of the tips app: what the tipster sees, what Open311 may show, what staff may open.

Content is decrypted only here and in the services that write it. Staff read a tip's content
only through `tip_content` (and the other `*_for_staff` functions), which check the access
rule (`toandan.tips.policies.may_open_tip`) once for everyone:

    a police role (officer or leader) held in a unit whose subtree contains one of the units
    the tip is routed to (active routes).

Union cadres never see content, whatever their area: they hold no police role. Every staff
read of content is an audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy

from toandan.audit.services import audit_record
from toandan.core.process_cache import ProcessCache
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.orgs.models import OrgUnit
from toandan.tips import crypto, policies
from toandan.tips.audit_actions import TipsAction
from toandan.tips.download import download_name
from toandan.tips.models import (
    Category,
    MessageDirection,
    ReceiptKind,
    RouteRole,
    Tip,
    TipAttachment,
    TipMessage,
    TipRoute,
    TipStatus,
    TipsterContact,
)

AnyUser = AbstractBaseUser | AnonymousUser

CLOSED_STATUSES = frozenset({TipStatus.CONCLUDED.value, TipStatus.MERGED.value})


# --- Reference data kept per process (`toandan.core.process_cache`) -----------------------------


def _load_category(code: str) -> Category | None:
    return Category.objects.filter(code=code, active=True).first()


_categories: ProcessCache[str, Category] = ProcessCache(
    "tips.category", _load_category, senders=[Category]
)


def active_category(code: str) -> Category | None:
    """The active category with this code (`theft`), or None."""
    return _categories.get(code.strip())


def _load_place(key: tuple[str, str | int]) -> AdminUnit | None:
    level, value = key
    places = AdminUnit.objects.filter(generation=Generation.CURRENT, level=level)
    if isinstance(value, int):
        return places.filter(pk=value).first()
    return places.filter(code=value).first()


_places: ProcessCache[tuple[str, str | int], AdminUnit] = ProcessCache(
    "tips.place", _load_place, senders=[AdminUnit]
)


def current_province(value: str | int) -> AdminUnit | None:
    """A province of today's 34, by official code ("01") or id. Whether it is valid on a
    given day is for the caller to check."""
    return _places.get((Level.PROVINCE, value.strip() if isinstance(value, str) else value))


def current_commune(value: str | int) -> AdminUnit | None:
    """A commune of today's 3,321, by official code ("00070") or id."""
    return _places.get((Level.COMMUNE, value.strip() if isinstance(value, str) else value))


def tip_data_key(tip: Tip) -> bytes:
    """The tip's own data key, unwrapped with the KEK it names."""
    return crypto.unwrap(tip.kek_id, tip.wrapped_key, tip.reference)


def _content(tip: Tip, data_key: bytes) -> dict[str, Any]:
    value = crypto.open_json(data_key, tip.content, crypto.aad(tip.reference, "content"))
    # Underscored keys are the system's (tips.senders), never what the tip says.
    return (
        {k: v for k, v in value.items() if not k.startswith("_")} if isinstance(value, dict) else {}
    )


def _message_body(tip: Tip, message: TipMessage, data_key: bytes) -> str:
    return crypto.open_text(
        data_key, message.body, crypto.aad(tip.reference, "message", str(message.direction))
    )


def _attachment_name(tip: Tip, attachment: TipAttachment, data_key: bytes) -> str:
    # The name as shown and downloaded: no bidi or control characters, and the extension of
    # the type the file really is, so the officer opens what the file is (`toandan.tips.download`).
    name = crypto.open_text(
        data_key, attachment.name, crypto.aad(tip.reference, "name", attachment.storage_name)
    )
    return download_name(name, attachment.content_type)


# --- What the tipster sees -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicMessage:
    direction: str  # MessageDirection
    body: str
    created_at: dt.datetime
    attachments: tuple[str, ...]  # original file names
    link: str = ""  # a page of this site (a commendation's certificate)

    @property
    def from_police(self) -> bool:
        return self.direction == MessageDirection.TO_TIPSTER


@dataclass(frozen=True)
class PublicTipView:
    """What a receipt shows: no register number, no other unit's internal notes."""

    reference: str
    category_name: str
    category_code: str
    received_at: dt.datetime
    status: str  # TipStatus
    status_text: str  # plain Vietnamese (or English), naming the unit
    forwarded_to: tuple[str, ...]  # names of the units handling the tip
    # BLTTHS Art. 158: the tipster is told the result and its reason, and may complain.
    result: str
    result_reason: str
    messages: tuple[PublicMessage, ...]
    receipt_must_be_replaced: bool
    updated_at: dt.datetime

    @property
    def category(self) -> str:
        return self.category_name

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def _handling_units(tip: Tip, routes: list[TipRoute]) -> list[OrgUnit]:
    primary = [r for r in routes if r.role == RouteRole.PRIMARY]
    primary.sort(key=lambda r: (r.created_at, r.pk))
    units = [r.org_unit for r in primary]
    return units or [tip.register_unit]


_STATUS_TEXTS: dict[str, Any] = {
    TipStatus.RECEIVED: gettext_lazy(
        "%(unit)s received your tip and entered it in the intake register."
    ),
    TipStatus.CHECKING: gettext_lazy("%(unit)s is checking the information in your tip."),
    TipStatus.FORWARDED: gettext_lazy("Your tip was forwarded to %(unit)s, which is handling it."),
    TipStatus.RESOLVING: gettext_lazy("%(unit)s is resolving your tip and will decide on it."),
    TipStatus.SUSPENDED: gettext_lazy(
        "%(unit)s has suspended the resolution of your tip while it waits for something "
        "the law allows (BLTTHS Art. 148); it will resume."
    ),
    TipStatus.MERGED: gettext_lazy(
        "%(unit)s is handling your tip together with another tip about the same matter; "
        "answers come to you here."
    ),
    TipStatus.CONCLUDED: gettext_lazy(
        "%(unit)s has finished handling your tip. The result and its reason are below; "
        "you may complain about it (BLTTHS Art. 158)."
    ),
}


def status_text(status: str, unit_name: str) -> str:
    """The status in plain words, naming the unit that has the tip."""
    text = _STATUS_TEXTS.get(status, _STATUS_TEXTS[TipStatus.RECEIVED])
    return str(text) % {"unit": unit_name}


def tip_public_view(tip: Tip) -> PublicTipView:
    """The tip as its tipster may see it (after opening it with the receipt), decrypted."""
    data_key = tip_data_key(tip)
    content = _content(tip, data_key)
    routes = policies.active_routes(tip)
    units = _handling_units(tip, routes)
    attachments_by_message: dict[int, list[str]] = {}
    for attachment in tip.attachments.filter(message__isnull=False).order_by("created_at", "pk"):
        assert attachment.message_id is not None
        attachments_by_message.setdefault(attachment.message_id, []).append(
            _attachment_name(tip, attachment, data_key)
        )
    messages = tuple(
        PublicMessage(
            direction=message.direction,
            body=_message_body(tip, message, data_key),
            created_at=message.created_at,
            attachments=tuple(attachments_by_message.get(message.pk, ())),
            link=message.link,
        )
        for message in tip.messages.order_by("created_at", "pk")
    )
    status = tip.status
    text = status_text(status, units[-1].name)
    survivor = tip.merged_into if status == TipStatus.MERGED else None
    if survivor is not None:
        # Merged: the matter is handled on the surviving tip, so its tipster follows that
        # tip's progress and is told its result (Art. 158); the messages stay their own.
        units = _handling_units(survivor, policies.active_routes(survivor))
        status = survivor.status
        text = status_text(status, units[-1].name)
        if status not in CLOSED_STATUSES:
            text = f"{status_text(TipStatus.MERGED, units[-1].name)} {text}"
        content = _content(survivor, tip_data_key(survivor))
    return PublicTipView(
        reference=tip.reference,
        category_name=tip.category.localized_name(),
        category_code=tip.category.code,
        received_at=tip.received_at,
        status=status,
        status_text=text,
        forwarded_to=tuple(unit.name for unit in units),
        result=str(content.get("result", "")),
        result_reason=str(content.get("result_reason", "")),
        messages=messages,
        receipt_must_be_replaced=tip.receipt_kind == ReceiptKind.STAFF_ISSUED,
        updated_at=tip.updated_at,
    )


# --- What Open311 may show -----------------------------------------------------------------------


@dataclass(frozen=True)
class Open311TipView:
    """GeoReport v2 fields that are safe for anyone who knows the reference: never the text,
    the place or the contact details."""

    service_request_id: str
    status: str  # "open" | "closed"
    service_code: str
    service_name: str
    requested_datetime: dt.datetime
    updated_datetime: dt.datetime
    agency_responsible: str


def tip_open311_view(tip: Tip) -> Open311TipView:
    units = _handling_units(tip, policies.active_routes(tip))
    return Open311TipView(
        service_request_id=tip.reference,
        status="closed" if tip.status in CLOSED_STATUSES else "open",
        service_code=tip.category.code,
        service_name=tip.category.localized_name(),
        requested_datetime=tip.received_at,
        updated_datetime=tip.updated_at,
        agency_responsible=units[-1].name,
    )


# --- Staff ---------------------------------------------------------------------------------------


def _staff_tips() -> QuerySet[Tip]:
    return Tip.objects.select_related(
        "category", "register_unit", "province", "commune"
    ).prefetch_related(
        Prefetch(
            "routes",
            queryset=TipRoute.objects.filter(active=True).select_related("org_unit"),
        )
    )


def tip_get_for_staff(*, user: AnyUser, reference: str) -> Tip | None:
    """The tip with this reference if the user may open it, else None (no hint either way)."""
    tip = _staff_tips().filter(reference=reference.strip().upper()).first()
    if tip is None or not policies.may_open_tip(user, tip):
        return None
    return tip


def tip_get_by_number_for_staff(*, user: AnyUser, unit_id: int, year: int, seq: int) -> Tip | None:
    """The tip entered under this intake register number if the user may open it, else None."""
    tip = (
        _staff_tips().filter(register_unit_id=unit_id, register_year=year, register_seq=seq).first()
    )
    if tip is None or not policies.may_open_tip(user, tip):
        return None
    return tip


def _require_staff_access(user: AnyUser, tip: Tip) -> AbstractBaseUser:
    if not policies.may_open_tip(user, tip) or not isinstance(user, AbstractBaseUser):
        raise PermissionDenied
    return user


def tip_content(tip: Tip, *, actor: AnyUser) -> dict[str, Any]:
    """What the tip says, decrypted, for an officer who may open it. Audited: every reading of
    a tip's content is an event naming the officer."""
    user = _require_staff_access(actor, tip)
    content = _content(tip, tip_data_key(tip))
    with transaction.atomic():
        audit_record(
            actor=user,
            action=TipsAction.TIP_CONTENT_VIEW,
            target=tip,
            data={"reference": tip.reference},
        )
    return content


@dataclass(frozen=True)
class StaffMessage:
    direction: str
    body: str
    created_at: dt.datetime
    author: str  # the officer's name; "" for the tipster
    attachments: tuple[tuple[int, str], ...]  # (attachment id, original name)


def tip_messages_for_staff(tip: Tip, *, actor: AnyUser) -> list[StaffMessage]:
    """The questions and answers, decrypted, for an officer who may open the tip (audited)."""
    user = _require_staff_access(actor, tip)
    data_key = tip_data_key(tip)
    files: dict[int, list[tuple[int, str]]] = {}
    for attachment in tip.attachments.filter(message__isnull=False).order_by("created_at", "pk"):
        assert attachment.message_id is not None
        files.setdefault(attachment.message_id, []).append(
            (attachment.pk, _attachment_name(tip, attachment, data_key))
        )
    result = [
        StaffMessage(
            direction=message.direction,
            body=_message_body(tip, message, data_key),
            created_at=message.created_at,
            author=message.author.get_full_name() if message.author else "",
            attachments=tuple(files.get(message.pk, ())),
        )
        for message in tip.messages.select_related("author").order_by("created_at", "pk")
    ]
    with transaction.atomic():
        audit_record(
            actor=user,
            action=TipsAction.TIP_MESSAGES_VIEW,
            target=tip,
            data={"reference": tip.reference, "messages": len(result)},
        )
    return result


@dataclass(frozen=True)
class AttachmentData:
    name: str
    content_type: str
    data: bytes


def attachment_read(attachment: TipAttachment, tip: Tip) -> AttachmentData:
    """The decrypted file and its original name. No access check: callers are the staff
    function below and the tipster's own follow-up (the receipt is the access check)."""
    from toandan.tips.services import attachment_path

    data_key = tip_data_key(tip)
    sealed = attachment_path(attachment.storage_name).read_bytes()
    return AttachmentData(
        name=_attachment_name(tip, attachment, data_key),
        content_type=attachment.content_type,
        data=crypto.open_(
            data_key, sealed, crypto.aad(tip.reference, "file", attachment.storage_name)
        ),
    )


def tip_attachment_for_staff(attachment: TipAttachment, *, actor: AnyUser) -> AttachmentData:
    """An attachment of a tip the officer may open (audited)."""
    tip = attachment.tip
    user = _require_staff_access(actor, tip)
    data = attachment_read(attachment, tip)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=TipsAction.ATTACHMENT_VIEW,
            target=tip,
            data={"reference": tip.reference, "attachment": attachment.pk},
        )
    return data


def key_usage() -> dict[str, dict[str, int]]:
    """How many data keys each KEK wraps: {"tips": {kek_id: n}, "contacts": {kek_id: n}}."""
    return {
        "tips": {
            row["kek_id"]: row["n"]
            for row in Tip.objects.order_by().values("kek_id").annotate(n=Count("pk"))
        },
        "contacts": {
            row["kek_id"]: row["n"]
            for row in TipsterContact.objects.order_by().values("kek_id").annotate(n=Count("pk"))
        },
    }
