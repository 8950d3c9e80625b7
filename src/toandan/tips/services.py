"""Writes of the tips app: intake, receipts, follow-up and replies.

Every write runs in one transaction together with its audit event. The slow, lock-free work
(checking files, hashing the receipt, encrypting) is done before the transaction starts, so
the intake register's row lock is held only for a few inserts.

What is stored in clear is what routing, counting and listing need (category, place, dates,
status, register number); what the tip says and who sent it are encrypted (`tips.crypto`), and
audit events name the tip, never its content.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from toandan.accounts.models import POLICE_ROLES, User
from toandan.accounts.selectors import active_role_assignments, user_has_any_role
from toandan.audit.services import (
    audit_head_lock_statement,
    audit_record,
    audit_record_together,
)
from toandan.core import ratelimit
from toandan.core.events import publish
from toandan.core.phones import normalise_phone
from toandan.core.sql import (
    Statement,
    execute_together_last_rows,
    insert_returning_pk,
    insert_statement,
    run_together,
)
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.media.files import UploadData
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.tips import crypto, policies
from toandan.tips.audit_actions import TipsAction
from toandan.tips.duplicates import fingerprints as duplicates
from toandan.tips.events import TIP_PURGED, TipsPurged
from toandan.tips.handling import notices, timeline
from toandan.tips.handling.routing import Route, received_directly, route_tip
from toandan.tips.intake import receipts
from toandan.tips.intake.register import (
    register_insert_statement,
    register_number,
    register_take,
    tip_id_statement,
)
from toandan.tips.keyring_check import keyring_checked
from toandan.tips.models import (
    STAFF_CHANNELS,
    Category,
    Channel,
    MessageDirection,
    ReceiptKind,
    Tip,
    TipAction,
    TipAttachment,
    TipMessage,
    TipRoute,
    TipsterContact,
    VictimRequest,
)
from toandan.tips.selectors import tip_data_key
from toandan.tips.senders import sealed_senders


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
    messages already translated for the person who sent it. `retry_after` (seconds) is set
    when nothing is wrong with the input but the server is too busy to take it now."""

    def __init__(self, errors: dict[str, list[str]], *, retry_after: int = 0) -> None:
        super().__init__(errors)
        self.errors = errors
        self.retry_after = retry_after


class ReceiptRejectedError(Exception):
    """Unknown or wrong receipt, or too many attempts: the same error for all three, so a
    guesser learns nothing. `retry_after` seconds must pass before the next attempt counts."""

    def __init__(self, retry_after: int = 0) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


# Limits of the short fields; the description, people and vehicles follow
# settings.TOANDAN_TIP_MAX_TEXT_CHARS.
NAME_MAX = 120
ADDRESS_MAX = 300
WHEN_TEXT_MAX = 200
PEOPLE_MAX = 2000
EMAIL_MAX = 254
INTAKE_NOTE_MAX = 1000
# A phone's clock may run a little fast; an event more than a century old is a typing error.
CLOCK_SLACK = dt.timedelta(minutes=10)
OLDEST_YEARS = 100

# Public references: random, so they reveal neither how many tips there are nor their order.
# No 0/O, 1/I: they are read over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 12  # 32^12 = 2^60


def reference_generate() -> str:
    # 32 letters: each takes exactly 5 random bits, so one read of the system's random source
    # gives all twelve without bias.
    bits = int.from_bytes(secrets.token_bytes((5 * REFERENCE_LENGTH + 7) // 8), "big")
    return "".join(REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(REFERENCE_LENGTH))


# --- Checking the input --------------------------------------------------------------------------


@dataclass(frozen=True)
class _CleanedUpload:
    upload: UploadData
    content_type: str
    data: bytes
    metadata_removed: bool
    kept_location: bool


@dataclass(frozen=True)
class _CheckedTip:
    victim_request: str
    contact: dict[str, str]
    files: list[_CleanedUpload]


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    def length(self, field_name: str, value: str, limit: int) -> None:
        if len(value) > limit:
            self.add(
                field_name,
                _("Keep it under %(max)s characters (now %(count)s).")
                % {
                    "max": number_format(limit, force_grouping=True),
                    "count": number_format(len(value), force_grouping=True),
                },
            )

    def raise_if_any(self) -> None:
        if self.errors:
            raise TipRejectedError(self.errors)


def _check_files(
    uploads: Sequence[UploadData], errors: _Errors, field_name: str = "attachments"
) -> list[_CleanedUpload]:
    """Count and total size first (cheap), then each file's bytes (`media.files`)."""
    if not uploads:
        return []
    max_count = int(settings.TOANDAN_TIP_MAX_ATTACHMENTS)
    if len(uploads) > max_count:
        errors.add(
            field_name,
            ngettext("Send at most %(max)s file.", "Send at most %(max)s files.", max_count)
            % {"max": max_count},
        )
        return []
    max_total = int(settings.TOANDAN_TIP_MAX_TOTAL_BYTES)
    if sum(len(upload.data) for upload in uploads) > max_total:
        errors.add(
            field_name,
            _("The files together are larger than %(size)s MB: send fewer or smaller files.")
            % {"size": f"{max_total / 1024 / 1024:g}"},
        )
        return []
    from toandan.media.files import (
        FilesBusyError,
        RejectedFileError,
        check_pixel_budget,
        clean_upload,
    )

    try:
        check_pixel_budget(uploads)
    except RejectedFileError as rejected:
        errors.add(field_name, rejected.message)
        return []
    cleaned: list[_CleanedUpload] = []
    for upload in uploads:
        try:
            clean = clean_upload(upload, max_bytes=int(settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES))
        except RejectedFileError as rejected:
            errors.add(field_name, rejected.message)
            continue
        except FilesBusyError as busy:
            # Nothing is wrong with the tip: the sender is asked to send it again shortly.
            raise TipRejectedError(
                {field_name: [busy.message]}, retry_after=busy.retry_after
            ) from None
        cleaned.append(
            _CleanedUpload(
                upload=upload,
                content_type=clean.content_type,
                data=clean.data,
                metadata_removed=clean.metadata_removed,
                kept_location=clean.kept_location,
            )
        )
    return cleaned


def _check_place(data: TipInput, today: dt.date, errors: _Errors) -> None:
    province = data.province
    if not (
        province.level == Level.PROVINCE
        and province.generation == Generation.CURRENT
        and province.is_valid_on(today)
    ):
        errors.add("province", _("Choose one of the current provinces."))
        return
    commune = data.commune
    if commune is None:
        return
    if commune.level != Level.COMMUNE or commune.parent_id != province.pk:
        errors.add(
            "commune",
            _("Choose a commune of %(province)s, or say that you do not know the commune.")
            % {"province": province.name},
        )
    elif commune.generation != Generation.CURRENT or not commune.is_valid_on(today):
        errors.add(
            "commune",
            _("This commune no longer exists since the 2025 reform: choose today's commune."),
        )


def _check_when(data: TipInput, now: dt.datetime, errors: _Errors) -> None:
    today = timezone.localdate(now)
    oldest = today.replace(year=today.year - OLDEST_YEARS)
    if data.occurred_at is not None:
        occurred_at = data.occurred_at
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > now + CLOCK_SLACK:
            errors.add("occurred_at", _("This time is in the future."))
        elif timezone.localdate(occurred_at) < oldest:
            errors.add("occurred_at", _("This date is too far in the past."))
    for name, day in (("occurred_on", data.occurred_on), ("occurred_until", data.occurred_until)):
        if day is None:
            continue
        if day > today:
            errors.add(name, _("This date is in the future."))
        elif day < oldest:
            errors.add(name, _("This date is too far in the past."))
    if (
        data.occurred_on is not None
        and data.occurred_until is not None
        and data.occurred_on > data.occurred_until
        and "occurred_until" not in errors.errors
    ):
        errors.add("occurred_until", _("The end of the period must not be before its start."))


def _check_contact(data: TipInput, errors: _Errors) -> dict[str, str]:
    name = data.contact_name.strip()
    phone_text = data.contact_phone.strip()
    email = data.contact_email.strip()
    errors.length("contact_name", name, NAME_MAX)
    phone = ""
    if phone_text:
        normalised = normalise_phone(phone_text)
        if normalised is None:
            errors.add(
                "contact_phone",
                _("Enter a phone number that can be called, for example 0912 345 678."),
            )
        else:
            phone = normalised
    if email:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors.add("contact_email", _("Enter a valid email address."))
        else:
            local, _at, domain = email.rpartition("@")
            email = f"{local}@{domain.lower()}"
    if not (name or phone or email):
        return {}
    return {"name": name, "phone": phone, "email": email}


def _check_union_branch(branch: OrgUnit | None, today: dt.date, errors: _Errors) -> None:
    if branch is None:
        return
    if not (
        branch.kind == OrgKind.WOMENS_UNION
        and branch.level == OrgLevel.BRANCH
        and branch.is_valid_on(today)
    ):
        errors.add("union_branch", _("Choose a Women's Union branch that exists today."))


def check_tip(data: TipInput, *, now: dt.datetime | None = None) -> _CheckedTip:
    """Every problem of a tip at once, as translated messages per field (TipRejectedError)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = _Errors()
    if not data.category.active:
        errors.add("category", _("This category is no longer used: choose another one."))
    description = data.description.strip()
    if not description:
        errors.add("description", _("Describe what happened."))
    max_text = int(settings.TOANDAN_TIP_MAX_TEXT_CHARS)
    errors.length("description", description, max_text)
    errors.length("address", data.address.strip(), ADDRESS_MAX)
    errors.length("occurred_text", data.occurred_text.strip(), WHEN_TEXT_MAX)
    errors.length("people", data.people.strip(), min(PEOPLE_MAX, max_text))
    errors.length("vehicles", data.vehicles.strip(), min(PEOPLE_MAX, max_text))
    _check_place(data, today, errors)
    _check_when(data, now, errors)
    victim_request = ""
    if data.category.asks_victim_request:
        if data.victim_request not in VictimRequest.values:
            errors.add(
                "victim_request",
                _(
                    "Say whether the victim asks for prosecution: for this offence the police "
                    "act only at the victim's request (BLTTHS Art. 155)."
                ),
            )
        else:
            victim_request = data.victim_request
    _check_union_branch(data.union_branch, today, errors)
    contact = _check_contact(data, errors)
    files = _check_files(data.attachments, errors)
    errors.raise_if_any()
    return _CheckedTip(victim_request=victim_request, contact=contact, files=files)


# --- Attachments on disk -------------------------------------------------------------------------


@dataclass(frozen=True)
class _SealedFile:
    storage_name: str
    content_type: str
    size: int
    name: bytes
    data: bytes
    metadata_removed: bool
    kept_location: bool


def attachment_path(storage_name: str) -> Path:
    """Where an encrypted attachment lives: random names, spread over 256 directories."""
    return Path(settings.TOANDAN_ATTACHMENTS_DIR) / storage_name[:2] / storage_name


def _seal_files(
    data_key: bytes, reference: str, files: Sequence[_CleanedUpload]
) -> list[_SealedFile]:
    sealed = []
    for file in files:
        storage_name = secrets.token_hex(16)
        sealed.append(
            _SealedFile(
                storage_name=storage_name,
                content_type=file.content_type,
                size=len(file.data),
                name=crypto.seal_text(
                    data_key, file.upload.name[:255], crypto.aad(reference, "name", storage_name)
                ),
                data=crypto.seal(data_key, file.data, crypto.aad(reference, "file", storage_name)),
                metadata_removed=file.metadata_removed,
                kept_location=file.kept_location,
            )
        )
    return sealed


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with path.open("xb") as handle:  # never overwrite: names are random
        path.chmod(0o600)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_files(files: Sequence[_SealedFile], written: list[Path]) -> None:
    """Write the encrypted files before the transaction (disk I/O must not hold the register
    lock). `written` collects the paths so the caller removes them if the tip is not stored;
    `attachments_sweep_orphans` catches what a crash leaves."""
    for file in files:
        path = attachment_path(file.storage_name)
        _write_file(path, file.data)
        written.append(path)


def _attachment_rows(tip: Tip, message: TipMessage | None, files: Sequence[_SealedFile]) -> None:
    TipAttachment.objects.bulk_create(_attachments(tip, message, files))


def _attachments(
    tip: Tip, message: TipMessage | None, files: Sequence[_SealedFile]
) -> list[TipAttachment]:
    return [
        TipAttachment(
            tip=tip,
            message=message,
            storage_name=file.storage_name,
            content_type=file.content_type,
            size=file.size,
            name=file.name,
            metadata_removed=file.metadata_removed,
            kept_location=file.kept_location,
        )
        for file in files
    ]


def _remove_files(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def attachments_remove(storage_names: Sequence[str]) -> None:
    _remove_files([attachment_path(name) for name in storage_names])


def attachments_sweep_orphans(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Remove encrypted files that no attachment row names: left behind when a transaction
    that had written them rolled back in a caller's outer transaction, or by a crash."""
    root = Path(settings.TOANDAN_ATTACHMENTS_DIR)
    if not root.is_dir():
        return 0
    cutoff = timezone.now().timestamp() - older_than.total_seconds()
    candidates = [
        path
        for path in root.glob("*/*")
        if path.is_file() and path.stat().st_mtime < cutoff and len(path.name) == 32
    ]
    removed = 0
    for start in range(0, len(candidates), 1000):
        chunk = candidates[start : start + 1000]
        known = set(
            TipAttachment.objects.filter(
                storage_name__in=[path.name for path in chunk]
            ).values_list("storage_name", flat=True)
        )
        for path in chunk:
            if path.name not in known:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


# --- Intake --------------------------------------------------------------------------------------


def tip_receive(
    *,
    data: TipInput,
    channel: str,
    entered_by: AbstractBaseUser | None = None,
    receipt_kind: str = ReceiptKind.CITIZEN,
    intake_note: str = "",
    receipt: str | None = None,
    reference: str | None = None,
    received_at: dt.datetime | None = None,
    receiving_unit: OrgUnit | None = None,
    sender_device: str = "",
    sender_client: str = "",
) -> SubmittedTip:
    """Record one tip: check, encrypt, route, enter in the intake register, notify.

    The common body of `tip_submit` and `tip_submit_by_staff`; the demo data passes a fixed
    receipt, reference and time so the README can show a follow-up.
    BLTTHS Art. 144–146: no tip may be refused; each gets the next number of the receiving
    unit's register, without gaps.
    """
    checked = check_tip(data)
    received_at = received_at or timezone.now()
    day = timezone.localdate(received_at)
    routing = route_tip(
        category=data.category, province=data.province, commune=data.commune, day=day
    )
    if receiving_unit is not None:
        with translation.override("vi"):
            channel_label = str(Channel(channel).label).lower()
        routing = received_directly(routing, unit=receiving_unit, channel_label=channel_label)
    digits = receipts.receipt_parse(receipt) if receipt else receipts.receipt_generate()
    if digits is None:
        msg = "the receipt given is not 20 digits"
        raise ValueError(msg)
    receipt_hash = receipts.hash_receipt(digits)
    reference = reference or reference_generate()

    # Never sealed under a keyring that is not the installation's (a restore without its file).
    envelope = crypto.new_envelope(reference, ring=keyring_checked())
    content = {
        "description": data.description.strip(),
        "address": data.address.strip(),
        "occurred_text": data.occurred_text.strip(),
        "people": data.people.strip(),
        "vehicles": data.vehicles.strip(),
        # Sealed with the content, never shown: tells two tips of one sender apart.
        **sealed_senders(checked.contact, sender_device, sender_client),
    }
    if intake_note:
        content["intake_note"] = intake_note.strip()[:INTAKE_NOTE_MAX]
    sealed_content = crypto.seal_json(envelope.data_key, content, crypto.aad(reference, "content"))
    # Compared for duplicates without the plaintext (keyed MinHash), computed outside the lock.
    fingerprint = duplicates.fingerprint_of(duplicates.fingerprint_text(content))
    contact_row: TipsterContact | None = None
    if checked.contact:
        # A separate data key: opening what the tip says never opens who said it.
        contact_envelope = crypto.new_envelope(reference)
        contact_row = TipsterContact(
            kek_id=contact_envelope.kek_id,
            wrapped_key=contact_envelope.wrapped_key,
            content=crypto.seal_json(
                contact_envelope.data_key, checked.contact, crypto.aad(reference, "contact")
            ),
        )
    sealed_files = _seal_files(envelope.data_key, reference, checked.files)
    occurred_at = data.occurred_at
    if occurred_at is not None and timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    # Who is told: asked now, so the query does not run under the register's lock.
    unit_routes = [
        notices.UnitRoute(route.org_unit.pk, route.org_unit.name, route.role)
        for route in routing.routes
    ]
    tip_id: int | None = None
    if connection.vendor == "postgresql":
        # With the tip's id, reserved from its sequence in the same round trip: the register
        # number, the tip and every row naming it then go in one (`_tip_store`).
        ids, police = execute_together_last_rows(
            [tip_id_statement(), notices.recipients_statement(unit_routes)]
        )
        tip_id = int(ids[0][0])
        recipients = notices.recipients_from_rows(unit_routes, police)
    else:
        recipients = notices.recipients_of(unit_routes)

    unit = routing.primary.org_unit
    rows = _TipRows(
        fields={
            "reference": reference,
            "receipt_hash": receipt_hash,
            "receipt_kind": receipt_kind,
            "channel": channel,
            "category": data.category,
            "province": data.province,
            "commune": data.commune,
            "occurred_at": occurred_at,
            "occurred_on": data.occurred_on,
            "occurred_until": data.occurred_until,
            "victim_request": checked.victim_request,
            "union_branch": data.union_branch,
            "has_contact": contact_row is not None,
            "register_unit": unit,
            "register_year": day.year,
            "register_seq": 0,  # taken in the transaction
            "register_number": "",
            "received_at": received_at,
            "entered_by": cast("User | None", entered_by),
            "kek_id": envelope.kek_id,
            "wrapped_key": envelope.wrapped_key,
            "content": sealed_content,
            "retention_until": day + dt.timedelta(days=int(settings.TOANDAN_TIP_RETENTION_DAYS)),
            "responsible_unit": unit,
            "clock_started_at": received_at,
        },
        routes=routing.routes,
        fingerprint=fingerprint,
        contact=contact_row,
        files=sealed_files,
        recipients=recipients,
    )
    written: list[Path] = []
    try:
        _write_files(sealed_files, written)
        try:
            tip = _tip_store(rows, tip_id=tip_id)
        except _RegisterBookMissingError:
            # The unit's first tip of the year: register_take opens the book.
            tip = _tip_store(rows, tip_id=None)
    except BaseException:
        _remove_files(written)
        raise
    return SubmittedTip(tip=tip, receipt=receipts.receipt_format(digits))


@dataclass(frozen=True)
class _TipRows:
    """What `tip_receive` writes, prepared before the transaction."""

    fields: dict[str, Any]  # the Tip's
    routes: Sequence[Route]
    fingerprint: duplicates.Fingerprint | None
    contact: TipsterContact | None
    files: Sequence[_SealedFile]
    recipients: Sequence[notices.UnitRecipient]


def _tip_store(rows: _TipRows, *, tip_id: int | None) -> Tip:
    """The intake transaction. With `tip_id` (PostgreSQL: reserved from the tips' sequence
    before it), the register number, the tip and its rows go in one round trip."""
    joined = tip_id is not None
    tip = Tip(pk=tip_id, **rows.fields)
    unit, year = tip.register_unit, tip.register_year
    timeline.set_deadline(tip, timeline.initial_forward_deadline(tip, unit, tip.received_at))
    # From the register number on, every tip to this unit waits for this transaction: only
    # inserts follow, and the audit event (whose chain lock every write of the platform
    # shares) comes last.
    with transaction.atomic():
        if joined:
            first = register_insert_statement(tip, unit, year)
        else:
            tip.register_seq, tip.register_number = register_take(unit, year)
            # Prepared without the ORM's per-field work (the tip has 50 columns).
            insert_returning_pk(tip)
        # The chain's head is locked with the tip's rows when no other write follows them
        # (notifications do): every write of the platform waits for that lock.
        lock_head = not rows.recipients
        statements = [
            *duplicates.fingerprint_statements(tip, rows.fingerprint),
            insert_statement(
                [
                    TipRoute(
                        tip=tip,
                        org_unit=route.org_unit,
                        role=route.role,
                        rule=route.rule,
                        reason=route.reason,
                    )
                    for route in rows.routes
                ]
            ),
            *_contact_and_attachment_rows(tip, rows.contact, rows.files),
            *([audit_head_lock_statement()] if lock_head else []),
        ]
        if joined:
            returned, head_rows = execute_together_last_rows([first, *statements])
            if not returned:
                raise _RegisterBookMissingError
            tip.register_seq = int(returned[0][0])
            tip.register_number = register_number(unit.code, year, tip.register_seq)
            tip._state.adding = False
            tip._state.db = connection.alias
        else:
            _returned, head_rows = execute_together_last_rows(statements)
        notices.notify_tip_received(tip, recipients=rows.recipients)
        # The audit event and the statistics' upserts leave in one round trip (neither reads
        # what the other writes): the register's lock is held for every one.
        with run_together():
            audit_record_together(
                head=(int(head_rows[0][0]), str(head_rows[0][1]))
                if lock_head and head_rows
                else None,
                actor=tip.entered_by,
                action=TipsAction.TIP_RECEIVE,
                target=tip,
                data={
                    "reference": tip.reference,
                    "channel": tip.channel,
                    "register_number": tip.register_number,
                    "receipt_kind": tip.receipt_kind,
                },
            )
            # After the audit event, as in every transition: one order of locks (the audit
            # chain's head, then the summary rows) everywhere, so they cannot deadlock.
            timeline.tip_changed(None, timeline.tip_facts(tip))
    return tip


class _RegisterBookMissingError(Exception):
    """The joined intake statement found no book for the unit and year: nothing was written."""


def _contact_and_attachment_rows(
    tip: Tip, contact_row: TipsterContact | None, files: Sequence[_SealedFile]
) -> list[Statement]:
    rows: list[Statement] = []
    if contact_row is not None:
        contact_row.tip = tip
        rows.append(insert_statement([contact_row]))
    if files:
        rows.append(insert_statement(_attachments(tip, None, files)))
    return rows


def tip_submit(
    *,
    data: TipInput,
    channel: str = Channel.WEB,
    sender_device: str = "",
    sender_client: str = "",
) -> SubmittedTip:
    """A citizen's tip (web, API, Open311): validate, encrypt, route, register, notify.
    `sender_device` (the web's device cookie) and `sender_client` (the API's address key of
    the day) tell its sender apart for anti-fraud (`toandan.tips.senders`).

    BLTTHS Art. 144–146: no tip may be refused; each is entered in the receiving unit's intake
    register with a number that has no gaps.
    """
    if channel in STAFF_CHANNELS:
        msg = f"channel {channel!r} is for tips entered by staff (tip_submit_by_staff)"
        raise ValueError(msg)
    return tip_receive(
        data=data, channel=channel, sender_device=sender_device, sender_client=sender_client
    )


def tip_submit_by_staff(
    *,
    actor: AbstractBaseUser,
    data: TipInput,
    channel: str,
    reason: str = "",
    received_at: dt.datetime | None = None,
) -> SubmittedTip:
    """A tip received by phone, in person or by mail and entered by an officer (Art. 146:
    oral tips are recorded too). The receipt is STAFF_ISSUED: the tipster replaces it on first
    use, so the officer who handed it over cannot open the tip as the tipster afterwards.

    The officer's own police unit received the tip: it goes in that unit's register at the
    time it was received (`received_at`, not the moment of typing), and that unit is
    responsible until it forwards the tip; the unit of the place gets an information copy.
    """
    if not user_has_any_role(actor, POLICE_ROLES):
        raise PermissionDenied
    if channel not in STAFF_CHANNELS:
        raise TipRejectedError(
            {"channel": [_("Choose how the tip was received: by phone, in person or by mail.")]}
        )
    if received_at is not None:
        if timezone.is_naive(received_at):
            received_at = timezone.make_aware(received_at)
        if received_at > timezone.now() + CLOCK_SLACK:
            raise TipRejectedError({"received_at": [_("This time is in the future.")]})
    return tip_receive(
        data=data,
        channel=channel,
        entered_by=actor,
        receipt_kind=ReceiptKind.STAFF_ISSUED,
        intake_note=reason,
        received_at=received_at,
        receiving_unit=_officer_police_unit(actor),
    )


def _officer_police_unit(actor: AbstractBaseUser) -> OrgUnit | None:
    """The police unit where the officer holds a police role; the most local one when there
    are several (a ward officer who also helps the province receives tips at the ward)."""
    assignments = active_role_assignments(actor, POLICE_ROLES).order_by("-org_unit__depth")
    first = assignments.first()
    return first.org_unit if first is not None else None


# --- Follow-up with the receipt ----------------------------------------------------------------


def followup_open(*, receipt: str, client_key: str, device_key: str = "") -> Tip:
    """The tip a receipt opens. Throttled with growing delays per device (`device_key`: the
    address with the browser's device cookie), per address (`client_key`) and overall; raises
    ReceiptRejectedError alike for unknown, wrong and throttled receipts. The per-device
    allowance is the tight one: people mistyping on the same Wi-Fi do not make each other wait
    until together they pass the address's allowance.

    Every attempt that is not throttled costs the same (one Argon2id hash and one indexed
    lookup), malformed receipts included. Attempts of one device run one at a time, so
    parallel guesses cannot all pass the check before the first failure is counted. A right
    receipt does not reset the count: a guesser holding one real receipt could otherwise clear
    their failures between guesses.
    """
    # A keyring that is not the installation's matches no receipt: fail loudly, count nothing.
    keyring_checked()
    wait = ratelimit.receipt_wait(client_key, device_key)
    if wait:
        raise ReceiptRejectedError(wait)
    per_device = ratelimit.receipt_throttles()[0]
    with per_device.exclusive(device_key or client_key) as ours:
        if not ours:
            raise ReceiptRejectedError(1)
        digits = receipts.receipt_parse(receipt)
        tip: Tip | None = None
        if digits is None:
            receipts.hash_anything(receipt)
        else:
            tip = (
                Tip.objects.select_related("category", "register_unit")
                .filter(receipt_hash=receipts.hash_receipt(digits))
                .first()
            )
        if tip is None:
            raise ReceiptRejectedError(ratelimit.receipt_failed(client_key, device_key))
    return tip


def receipt_replace(*, tip: Tip) -> str:
    """Give the tipster a receipt of their own in place of a staff-issued one; returns it
    formatted, once. The old receipt stops working in the same transaction."""
    digits = receipts.receipt_generate()
    receipt_hash = receipts.hash_receipt(digits)
    with transaction.atomic():
        previous = (
            Tip.objects.select_for_update().filter(pk=tip.pk).values_list("receipt_kind", flat=True)
        )
        previous_kind = previous.get()
        # update(), not save(): replacing the receipt is not news about the tip, so
        # `updated_at` (shown by Open311) stays as it was.
        Tip.objects.filter(pk=tip.pk).update(
            receipt_hash=receipt_hash, receipt_kind=ReceiptKind.CITIZEN
        )
        audit_record(
            actor=None,
            action=TipsAction.RECEIPT_REPLACE,
            target=tip,
            data={"reference": tip.reference, "previous_kind": previous_kind},
        )
    tip.receipt_hash = receipt_hash
    tip.receipt_kind = ReceiptKind.CITIZEN
    return receipts.receipt_format(digits)


def _check_body(body: str, errors: _Errors, *, required: bool) -> str:
    body = body.strip()
    if required and not body:
        errors.add("body", _("Write your message."))
    errors.length("body", body, int(settings.TOANDAN_TIP_MAX_TEXT_CHARS))
    return body


def tipster_reply(*, tip: Tip, body: str, attachments: Sequence[UploadData] = ()) -> TipMessage:
    """The tipster answers the officer's questions from the follow-up page or the API."""
    errors = _Errors()
    body = _check_body(body, errors, required=False)
    if not body and not attachments:
        errors.add("body", _("Write an answer or attach a file."))
    files = _check_files(attachments, errors)
    errors.raise_if_any()
    data_key = tip_data_key(tip)
    direction = MessageDirection.FROM_TIPSTER
    sealed_body = crypto.seal_text(
        data_key, body, crypto.aad(tip.reference, "message", str(direction))
    )
    sealed_files = _seal_files(data_key, tip.reference, files)
    written: list[Path] = []
    try:
        _write_files(sealed_files, written)
        with transaction.atomic():
            message = TipMessage.objects.create(tip=tip, direction=direction, body=sealed_body)
            _attachment_rows(tip, message, sealed_files)
            notices.notify_tipster_replied(tip)
            audit_record(
                actor=None,
                action=TipsAction.TIP_REPLY,
                target=tip,
                data={
                    "reference": tip.reference,
                    "message": message.pk,
                    "attachments": len(sealed_files),
                },
            )
    except BaseException:
        _remove_files(written)
        raise
    return message


def tip_message_to_tipster(*, actor: AbstractBaseUser, tip: Tip, body: str) -> TipMessage:
    """An officer asks the tipster a question; the tipster sees it on the follow-up page.

    Only police of the unit handling the tip (or the one it was forwarded to) may write: an
    information copy is read-only.
    """
    if not policies.may_handle(actor, tip):
        raise PermissionDenied
    errors = _Errors()
    body = _check_body(body, errors, required=True)
    errors.raise_if_any()
    direction = MessageDirection.TO_TIPSTER
    sealed_body = crypto.seal_text(
        tip_data_key(tip), body, crypto.aad(tip.reference, "message", str(direction))
    )
    now = timezone.now()
    with transaction.atomic():
        message = TipMessage.objects.create(
            tip=tip, direction=direction, author=cast("User", actor), body=sealed_body
        )
        # Every tipster of a tip merged into this one reads the answer on their own receipt.
        duplicates.merged_message_copies(tip=tip, body=body, direction=direction, author=actor)
        # The history says a question was asked, not what it said (that is in the message).
        timeline.event_record(
            tip=tip,
            action=TipAction.MESSAGE,
            actor=actor,
            now=now,
            from_status=tip.status,
            to_status=tip.status,
            unit=timeline.actor_unit(actor, tip.responsible_unit),
            data={"message": message.pk},
        )
        audit_record(
            actor=actor,
            action=TipsAction.TIP_MESSAGE,
            target=tip,
            data={"reference": tip.reference, "message": message.pk},
        )
        # After the audit event, as in every transition: one order of locks everywhere.
        if tip.first_action_at is None:
            if Tip.objects.filter(pk=tip.pk, first_action_at__isnull=True).update(
                first_action_at=now
            ):
                # Read after the update holds the row lock: the facts of the tip as it is.
                after = timeline.tip_facts(Tip.objects.get(pk=tip.pk))
                timeline.tip_changed({**after, "first_action_at": None}, after)
            tip.first_action_at = now
    return message


# --- Retention -----------------------------------------------------------------------------------


def _remover(storage_names: list[str]) -> Callable[[], None]:
    def remove() -> None:
        attachments_remove(storage_names)

    return remove


def tips_purge_expired(*, today: dt.date | None = None, batch_size: int = 500) -> int:
    """Delete the tips whose retention period is over, with their routes, messages, contact
    details and encrypted files (storage limitation: Law 91/2025/QH15 on personal data).

    The register books keep their counters, so numbers are never given out twice. Files are
    removed once the deletion has committed. Returns how many tips were deleted.
    """
    today = today or timezone.localdate()
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                Tip.objects.select_for_update()
                .filter(retention_until__lt=today)
                .order_by("pk")
                .values_list("pk", "register_number")[:batch_size]
            )
            if not batch:
                break
            ids = [pk for pk, _number in batch]
            storage_names = list(
                TipAttachment.objects.filter(tip_id__in=ids).values_list("storage_name", flat=True)
            )
            Tip.objects.filter(pk__in=ids).delete()
            publish(TIP_PURGED, TipsPurged(tip_ids=tuple(ids), today=today))
            audit_record(
                actor=None,
                action=TipsAction.TIP_PURGE,
                object_type="tips.tip",
                reason="retention period over",
                data={
                    "count": len(batch),
                    "kept_until_before": today.isoformat(),
                    "register_numbers": [number for _pk, number in batch],
                },
            )
            transaction.on_commit(_remover(storage_names))
        deleted += len(batch)
    return deleted


# --- Key rotation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationReport:
    kek_id: str  # the new current KEK
    rewrapped_tips: int
    rewrapped_contacts: int
    retired: tuple[str, ...]


def _rewrap_pass(model: type[Tip] | type[TipsterContact], kek_id: str, batch_size: int) -> int:
    """Re-wrap, batch by batch, every data key of `model` not wrapped by `kek_id`. Each batch
    is one short transaction holding row locks, so intake and reading go on meanwhile."""
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows: list[Any]
            if model is Tip:
                rows = list(
                    Tip.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .exclude(kek_id=kek_id)
                    .order_by("pk")
                    .only("pk", "reference", "kek_id", "wrapped_key")[:batch_size]
                )
                references = {row.pk: row.reference for row in rows}
            else:
                rows = list(
                    TipsterContact.objects.select_for_update(of=("self",))
                    .filter(pk__gt=last_pk)
                    .exclude(kek_id=kek_id)
                    .select_related("tip")
                    .order_by("pk")
                    .only("pk", "kek_id", "wrapped_key", "tip__reference")[:batch_size]
                )
                references = {row.pk: row.tip.reference for row in rows}
            if not rows:
                return done
            for row in rows:
                row.wrapped_key = crypto.rewrap(
                    row.kek_id, row.wrapped_key, references[row.pk], to_kek_id=kek_id
                )
                row.kek_id = kek_id
            model.objects.bulk_update(rows, ["kek_id", "wrapped_key"])
            last_pk = rows[-1].pk
            done += len(rows)


def _rewrap_everything(kek_id: str, batch_size: int) -> tuple[int, int]:
    """Passes until one finds nothing left: a tip written under the old KEK by a process that
    had not yet seen the new keyring may commit behind the first pass."""
    tips = contacts = 0
    while True:
        new_tips = _rewrap_pass(Tip, kek_id, batch_size)
        new_contacts = _rewrap_pass(TipsterContact, kek_id, batch_size)
        tips += new_tips
        contacts += new_contacts
        if not (new_tips or new_contacts):
            return tips, contacts


def kek_ids_in_use() -> set[str]:
    return set(Tip.objects.values_list("kek_id", flat=True).distinct()) | set(
        TipsterContact.objects.values_list("kek_id", flat=True).distinct()
    )


def keys_rotate(
    *, retire_old: bool = False, batch_size: int = 500, grace_seconds: float = 5.0
) -> RotationReport:
    """Make a new key-encryption key current and re-wrap every data key under it.

    Safe while the server runs: processes notice the rewritten keyring file at their next
    use; the old KEKs stay in the file, so anything still wrapped by them opens, until
    `retire_old` removes those no stored key names any more (after `grace_seconds`, and one
    more re-wrap pass for tips written meanwhile under an old KEK).
    """
    ring = crypto.keyring_add_kek()
    kek_id = ring.current
    tips, contacts = _rewrap_everything(kek_id, batch_size)
    retired: tuple[str, ...] = ()
    if retire_old:
        time.sleep(grace_seconds)
        late_tips, late_contacts = _rewrap_everything(kek_id, batch_size)
        tips += late_tips
        contacts += late_contacts
        ring = crypto.keyring(reload=True)
        in_use = kek_ids_in_use() | {ring.current}
        retired = tuple(sorted(k for k in ring.keks if k not in in_use))
        if retired:
            crypto.keyring_remove_keks(retired)
    with transaction.atomic():
        audit_record(
            actor=None,
            action=TipsAction.KEYS_ROTATE,
            object_type="tips.keyring",
            object_id=kek_id,
            data={
                "kek_id": kek_id,
                "rewrapped_tips": tips,
                "rewrapped_contacts": contacts,
                "retired": list(retired),
            },
        )
    return RotationReport(
        kek_id=kek_id, rewrapped_tips=tips, rewrapped_contacts=contacts, retired=retired
    )
