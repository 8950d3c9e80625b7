"""Duplicate suggestions: when a tip arrives, open tips probably about the same
matter in the same area and time window; merged tips keep their own tipsters informed.

What a tip says is encrypted at rest (`tips.crypto`), so the comparison runs on a fingerprint
computed at intake from the plaintext, which the database never holds:

1. the description, address, people and vehicles are made accent-insensitive
   (`core.text.search_key`: "Hàng Bạc" and "Hang Bac" are the same words);
2. the text becomes a set of shingles: single syllables that are not function words, and every
   pair of neighbouring syllables (Vietnamese words are mostly two syllables: "xe máy");
3. each shingle is hashed with BLAKE2b keyed by a key derived from the keyring (outside the
   database). A plain hash would not do: words are few, and a dictionary would undo it;
4. one-permutation MinHash (Li, Owen & Zhang 2012) with optimal densification (Shrivastava
   2017) keeps, in each of SIGNATURE_SIZE bins, the smallest hash falling there: the share of
   bins two signatures agree on estimates the Jaccard similarity of their shingle sets. One
   hash per shingle, so the intake pays microseconds, not one hash per shingle and bin;
5. locality-sensitive hashing: the signature is cut into BANDS bands of ROWS values; each band
   becomes one 64-bit key in `TipBand`, and tips sharing at least one band key are candidates.
   With 32 bands of 3 rows, a pair at similarity 0.5 shares a band with probability 0.99, at
   0.4 with 0.88, at 0.3 with 0.58, at 0.1 with 0.03: unrelated tips (0.05 typically) are
   rarely read at all. `bench/bench_duplicates.py` measures the recall this gives against
   comparing every tip.

A candidate is suggested when it is open, in the same province, received within the window
(settings.TOANDAN_DUPLICATE_WINDOW_DAYS days either side), and its estimated similarity plus
small bonuses (same commune, same category, close in time) reaches the threshold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import operator
import random
import struct
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from toandan.accounts.models import User
from toandan.audit.services import audit_record
from toandan.core.sql import Statement, values_rows
from toandan.core.text import search_key
from toandan.tips import crypto, policies
from toandan.tips.audit_actions import TipsAction
from toandan.tips.download import download_name
from toandan.tips.models import (
    OPEN_STATUSES,
    Tip,
    TipAttachment,
    TipBand,
    TipFingerprint,
    TipMessage,
    TipStatus,
)
from toandan.tips.selectors import (
    AttachmentData,
    StaffMessage,
    attachment_read,
    tip_data_key,
)

AnyUser = AbstractBaseUser | AnonymousUser

VERSION = 1
SIGNATURE_SIZE = 96
BANDS = 32
ROWS = SIGNATURE_SIZE // BANDS
_EMPTY = 1 << 32  # larger than any 32-bit value: marks a bin no shingle fell in
_PACK = struct.Struct(f"<{SIGNATURE_SIZE}I")

# Defaults of the settings read below (settings.py may override them).
DEFAULT_WINDOW_DAYS = 30
DEFAULT_THRESHOLD = 0.5
# A bound on the work of one lookup. Candidates come ranked by the bands they share, which
# grows with similarity, so a cut drops the least similar first.
MAX_CANDIDATES = 200

# Bonuses added to the text similarity for ranking and the threshold.
SAME_COMMUNE_BONUS = 0.1
SAME_CATEGORY_BONUS = 0.05
CLOSE_IN_TIME_BONUS = 0.05
CLOSE_IN_TIME_DAYS = 3

# Function syllables (accent-free): as single shingles they would make any two tips look
# alike. They still count inside pairs ("bi trom", "o nha").
STOP_SYLLABLES = frozenset(
    (  # noqa: SIM905 - a list of words reads better as text
        "a ai anh ba bi cac cai chi cho co con cua cung da dang de den di do duoc gi ha hay he "
        "khi khong la lai luc ma minh mot nay nen neu nguoi nhieu nhung nua o ong ra rat roi se "
        "tai thi theo thay toi trong tu va van vao ve voi vi vua"
    ).split()
)


def window_days() -> int:
    return int(getattr(settings, "TOANDAN_DUPLICATE_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


def threshold() -> float:
    return float(getattr(settings, "TOANDAN_DUPLICATE_THRESHOLD", DEFAULT_THRESHOLD))


# --- Fingerprints --------------------------------------------------------------------------------


def _fingerprint_key() -> bytes:
    # The receipt pepper never rotates (receipts depend on it) and lives in the keyring file:
    # a key derived from it keeps fingerprints comparable across KEK rotations.
    pepper = crypto.keyring().receipt_pepper
    return hmac.new(pepper, b"toandan.tips.duplicates.v1", hashlib.sha256).digest()


class _Fold(dict[int, str]):
    """Character -> what `search_key` makes of it, learnt one character at a time, for
    `str.translate`. It holds characters, never words of a tip."""

    def __missing__(self, ordinal: int) -> str:
        char = chr(ordinal)
        # A lone combining mark (text typed in decomposed form) belongs to the letter before.
        folded = "" if unicodedata.category(char) == "Mn" else (search_key(char) or " ")
        if ordinal < _FOLD_CACHED_BELOW:
            self[ordinal] = folded
        return folded


# Latin, Vietnamese and punctuation lie below: the table stays small whatever is sent.
_FOLD_CACHED_BELOW = 0x2100
_FOLD = _Fold()


def words(text: str) -> list[str]:
    """`search_key(text).split()` (accent-free, lower-case syllables), ~15x faster."""
    return text.translate(_FOLD).split()


def shingles(text: str) -> set[str]:
    """Accent-free syllables (minus function words) and pairs of neighbouring syllables."""
    syllables = words(text)
    result = {word for word in syllables if word not in STOP_SYLLABLES}
    result.update(f"{a} {b}" for a, b in itertools.pairwise(syllables))
    return result


def _densify_orders() -> tuple[tuple[int, ...], ...]:
    # Where an empty bin borrows from: a fixed pseudo-random order of the other bins per bin,
    # the same for every text, so two texts with the same shingles borrow alike.
    orders = []
    for index in range(SIGNATURE_SIZE):
        others = [i for i in range(SIGNATURE_SIZE) if i != index]
        random.Random(f"toandan.tips.duplicates.densify.{index}").shuffle(others)  # noqa: S311
        orders.append(tuple(others))
    return tuple(orders)


_DENSIFY = _densify_orders()


def signature_of(text: str, *, key: bytes | None = None) -> bytes | None:
    """The MinHash signature of a text (SIGNATURE_SIZE 32-bit values), or None when it has
    no words to compare."""
    items = shingles(text)
    if not items:
        return None
    # A keyed BLAKE2b state copied per shingle: the key block is compressed once.
    keyed = hashlib.blake2b(key=key or _fingerprint_key(), digest_size=8)
    bins = [_EMPTY] * SIGNATURE_SIZE
    for item in items:
        state = keyed.copy()
        state.update(item.encode())
        value = int.from_bytes(state.digest(), "little")
        # The high half picks the bin (Lemire's multiply-shift range), the low half competes.
        index = ((value >> 32) * SIGNATURE_SIZE) >> 32
        low = value & 0xFFFFFFFF
        bins[index] = min(bins[index], low)
    if _EMPTY in bins:
        filled = [value != _EMPTY for value in bins]
        for index in range(SIGNATURE_SIZE):
            if not filled[index]:
                source = next(i for i in _DENSIFY[index] if filled[i])
                bins[index] = bins[source]
    return _PACK.pack(*bins)


_MASK64 = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it permutes 64-bit values


def band_keys(signature: bytes) -> list[int]:
    """One signed 64-bit key per band: its values (already keyed hashes) folded by
    xor-multiply, starting from the band's number so equal values in two bands are no match.
    A rare collision only adds a candidate that scoring then drops."""
    values = _PACK.unpack(signature)
    keys = []
    for band in range(BANDS):
        acc = band + 1
        for value in values[band * ROWS : (band + 1) * ROWS]:
            acc = ((acc ^ value) * _MIX) & _MASK64
        keys.append(acc - (1 << 64) if acc >= 1 << 63 else acc)
    return keys


def similarity(a: bytes | memoryview, b: bytes | memoryview) -> float:
    """Estimated Jaccard similarity of the two texts: the share of equal bins."""
    left = memoryview(a).cast("I")
    right = memoryview(b).cast("I")
    equal: int = sum(map(operator.eq, left, right))
    return equal / SIGNATURE_SIZE


def fingerprint_text(content: dict[str, Any]) -> str:
    """The free text of a tip that is compared: what happened, where, who, which vehicles."""
    parts = (content.get(name, "") for name in ("description", "address", "people", "vehicles"))
    return "\n".join(str(part) for part in parts if part)


@dataclass(frozen=True)
class Fingerprint:
    signature: bytes
    band_keys: tuple[int, ...]


def fingerprint_of(text: str) -> Fingerprint | None:
    """Computed before the intake transaction: hashing holds no lock."""
    signature = signature_of(text)
    if signature is None:
        return None
    return Fingerprint(signature=signature, band_keys=tuple(band_keys(signature)))


def _rows(tip: Tip, fingerprint: Fingerprint) -> tuple[TipFingerprint, list[TipBand]]:
    return (
        TipFingerprint(tip=tip, version=VERSION, signature=fingerprint.signature),
        [
            TipBand(
                band_key=key,
                tip=tip,
                province_id=tip.province_id,
                received_at=tip.received_at,
                category_id=tip.category_id,
            )
            for key in fingerprint.band_keys
        ],
    )


def fingerprint_statements(tip: Tip, fingerprint: Fingerprint | None) -> list[Statement]:
    """The two INSERTs of a saved tip's fingerprint and its band keys, for the caller to run
    (`execute_together`: one round trip on PostgreSQL, joined with the intake's other rows).

    Plain SQL: this runs inside the intake transaction, under the lock of the unit's intake
    register, and building 33 model instances with the ORM took several times longer than the
    inserts themselves. On PostgreSQL the band keys go as one array parameter (the driver
    quotes one value instead of 160)."""
    if fingerprint is None:
        return []
    received_at = connection.ops.adapt_datetimefield_value(tip.received_at)
    columns = "(band_key, tip_id, province_id, received_at, category_id)"
    bands = TipBand._meta.db_table
    if connection.vendor == "postgresql":
        band_rows: Statement = (
            (
                f"INSERT INTO {bands} {columns} "  # noqa: S608 - names from the model
                "SELECT k, %s, %s, %s, %s FROM unnest(%s::bigint[]) AS k"
            ),
            [tip.pk, tip.province_id, received_at, tip.category_id, list(fingerprint.band_keys)],
        )
    else:
        params: list[Any] = []
        for key in fingerprint.band_keys:
            params += [key, tip.pk, tip.province_id, received_at, tip.category_id]
        rows = values_rows(5, len(fingerprint.band_keys))
        band_rows = (f"INSERT INTO {bands} {columns} VALUES {rows}", params)  # noqa: S608
    return [
        (
            (
                f"INSERT INTO {TipFingerprint._meta.db_table} (tip_id, version, signature) "  # noqa: S608
                "VALUES (%s, %s, %s)"
            ),
            [tip.pk, VERSION, fingerprint.signature],
        ),
        band_rows,
    ]


def fingerprints_rebuild(*, batch_size: int = 500, only_missing: bool = False) -> int:
    """Recompute the fingerprints of stored tips from their decrypted content: every tip, or
    with `only_missing` those without one or with an older version. Returns how many were
    written. The content is read by the system, never shown: no officer reads it."""
    last_pk = 0
    written = 0
    while True:
        tips = Tip.objects.filter(pk__gt=last_pk).order_by("pk")
        if only_missing:
            tips = tips.filter(Q(fingerprint__isnull=True) | ~Q(fingerprint__version=VERSION))
        batch = list(
            tips.only(
                "pk",
                "reference",
                "kek_id",
                "wrapped_key",
                "content",
                "province",
                "received_at",
                "category",
            )[:batch_size]
        )
        if not batch:
            return written
        fingerprints: list[TipFingerprint] = []
        bands: list[TipBand] = []
        for tip in batch:
            content = crypto.open_json(
                tip_data_key(tip), tip.content, crypto.aad(tip.reference, "content")
            )
            fingerprint = fingerprint_of(
                fingerprint_text(content if isinstance(content, dict) else {})
            )
            if fingerprint is not None:
                row, rows = _rows(tip, fingerprint)
                fingerprints.append(row)
                bands.extend(rows)
        ids = [tip.pk for tip in batch]
        with transaction.atomic():
            TipBand.objects.filter(tip_id__in=ids).delete()
            TipFingerprint.objects.filter(tip_id__in=ids).delete()
            TipFingerprint.objects.bulk_create(fingerprints)
            TipBand.objects.bulk_create(bands, batch_size=5000)
            written += len(fingerprints)
            audit_record(
                actor=None,
                action=TipsAction.FINGERPRINTS_REBUILD,
                object_type="tips.tip",
                data={"first": ids[0], "last": ids[-1], "count": len(ids)},
            )
        last_pk = ids[-1]


# --- Suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateSuggestion:
    tip: Tip
    score: float  # 0..1, estimated similarity of the texts
    reasons: tuple[str, ...]  # translated, e.g. "same commune", "same category", "2 days apart"


@dataclass(frozen=True)
class _Facts:
    """What scoring reads of a tip: a few columns, no model instance."""

    pk: int
    commune_id: int | None
    category_id: int
    occurred_at: dt.datetime | None
    occurred_on: dt.date | None
    received_at: dt.datetime

    @classmethod
    def of(cls, tip: Tip) -> _Facts:
        return cls(
            tip.pk,
            tip.commune_id,
            tip.category_id,
            tip.occurred_at,
            tip.occurred_on,
            tip.received_at,
        )

    @property
    def day(self) -> dt.date:
        """The day it happened when the tipster said so, else the day it was received."""
        if self.occurred_at is not None:
            return timezone.localdate(self.occurred_at)
        if self.occurred_on is not None:
            return self.occurred_on
        return timezone.localdate(self.received_at)


@dataclass(frozen=True)
class _Candidate:
    facts: _Facts
    signature: bytes


@dataclass(frozen=True)
class _Scored:
    tip_id: int
    similarity: float
    relevance: float
    same_commune: bool
    same_category: bool
    days_apart: int
    received_at: dt.datetime


def _score(tip: _Facts, other: _Facts, text_similarity: float) -> _Scored:
    same_commune = tip.commune_id is not None and tip.commune_id == other.commune_id
    same_category = tip.category_id == other.category_id
    days_apart = abs((tip.day - other.day).days)
    relevance = text_similarity
    if same_commune:
        relevance += SAME_COMMUNE_BONUS
    if same_category:
        relevance += SAME_CATEGORY_BONUS
    if days_apart <= CLOSE_IN_TIME_DAYS:
        relevance += CLOSE_IN_TIME_BONUS
    return _Scored(
        other.pk,
        text_similarity,
        relevance,
        same_commune,
        same_category,
        days_apart,
        other.received_at,
    )


def _reasons(scored: _Scored) -> tuple[str, ...]:
    reasons = [
        _("similar text (%(percent)d%%)") % {"percent": round(scored.similarity * 100)},
    ]
    if scored.same_commune:
        reasons.append(_("same commune"))
    if scored.same_category:
        reasons.append(_("same category"))
    if scored.days_apart == 0:
        reasons.append(_("same day"))
    else:
        reasons.append(
            ngettext("%(days)d day apart", "%(days)d days apart", scored.days_apart)
            % {"days": scored.days_apart}
        )
    return tuple(reasons)


def _candidate_sql() -> str:
    tips, bands = Tip._meta.db_table, TipBand._meta.db_table
    fingerprints = TipFingerprint._meta.db_table
    keys = ", ".join(["%s"] * BANDS)
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    return (
        "SELECT t.id, t.commune_id, t.category_id, t.occurred_at, t.occurred_on, "  # noqa: S608
        f"t.received_at, f.signature FROM {tips} t "
        f"JOIN {fingerprints} f ON f.tip_id = t.id "
        f"WHERE t.id IN (SELECT b.tip_id FROM {bands} b JOIN {tips} o ON o.id = b.tip_id "
        f"WHERE b.band_key IN ({keys}) AND b.province_id = %s "
        "AND b.received_at >= %s AND b.received_at <= %s AND b.tip_id <> %s "
        f"AND o.status IN ({statuses}) "
        "GROUP BY b.tip_id ORDER BY COUNT(*) DESC, b.tip_id DESC LIMIT %s)"
    )


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive UTC datetimes to plain SQL; PostgreSQL aware ones.
    return value.replace(tzinfo=dt.UTC) if timezone.is_naive(value) else value


def _candidates(tip: Tip, signature: bytes, *, window: int | None = None) -> list[_Candidate]:
    """Open tips of the same province received within the window that share a band key with
    `signature` (the MAX_CANDIDATES sharing the most bands), with what scoring reads.

    One query, written in SQL: it runs on every new tip and on every opening of a tip page,
    and building it with the ORM took longer than running it (one index range per band)."""
    span = dt.timedelta(days=window_days() if window is None else window)
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any] = [
        *band_keys(signature),
        tip.province_id,
        adapt(tip.received_at - span),
        adapt(tip.received_at + span),
        tip.pk,
        *sorted(OPEN_STATUSES),
        MAX_CANDIDATES,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_candidate_sql(), params)
        rows = cursor.fetchall()
    return [
        _Candidate(
            _Facts(
                pk=pk,
                commune_id=commune_id,
                category_id=category_id,
                occurred_at=None if occurred_at is None else _aware(occurred_at),
                occurred_on=occurred_on,
                received_at=_aware(received_at),
            ),
            bytes(blob),
        )
        for pk, commune_id, category_id, occurred_at, occurred_on, received_at, blob in rows
    ]


def _own_signature(tip: Tip) -> bytes | None:
    # Plain SQL: the ORM would spend longer building this one-row lookup than running it.
    table = TipFingerprint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT signature FROM {table} WHERE tip_id = %s", [tip.pk])  # noqa: S608
        row = cursor.fetchone()
    return bytes(row[0]) if row is not None else None


def similar_open_tips(
    tip: Tip, *, limit: int = 5, actor: AnyUser | None = None
) -> list[DuplicateSuggestion]:
    """Open tips probably about the same matter as `tip`, best first.

    With `actor`, only tips that officer may open are suggested (a suggestion names a tip, so
    it must not reveal one outside the officer's jurisdiction)."""
    signature = _own_signature(tip)
    if signature is None:
        return []
    facts = _Facts.of(tip)
    minimum = threshold()
    scored = []
    for candidate in _candidates(tip, signature):
        result = _score(facts, candidate.facts, similarity(signature, candidate.signature))
        if result.relevance >= minimum:
            scored.append(result)
    scored.sort(key=lambda s: (-s.relevance, -s.received_at.timestamp(), -s.tip_id))
    if not scored:
        return []
    if actor is None:
        scored = scored[:limit]
    tips = (
        Tip.objects.filter(pk__in=[s.tip_id for s in scored])
        .select_related("category", "commune", "responsible_unit")
        .order_by()
    )
    if actor is not None:
        tips = tips.select_related("pending_unit").prefetch_related("routes__org_unit")
    by_pk = {other.pk: other for other in tips}
    suggestions = []
    for result in scored:
        other = by_pk.get(result.tip_id)  # None: deleted meanwhile (retention purge)
        if other is None or (actor is not None and not policies.may_open_tip(actor, other)):
            continue
        suggestions.append(
            DuplicateSuggestion(tip=other, score=result.similarity, reasons=_reasons(result))
        )
        if len(suggestions) >= limit:
            break
    return suggestions


# --- Merged tips ---------------------------------------------------------------------------------


def merged_message_copies(
    *, tip: Tip, body: str, direction: str, author: AbstractBaseUser | None
) -> list[TipMessage]:
    """The officer's message on a surviving tip, stored again on every tip merged into it,
    each sealed with that tip's own data key: each tipster reads it with their own receipt.
    Caller holds the transaction."""
    merged = list(
        Tip.objects.filter(merged_into=tip, status=TipStatus.MERGED).only(
            "pk", "reference", "kek_id", "wrapped_key"
        )
    )
    copies = [
        TipMessage(
            tip=other,
            direction=direction,
            author=author if isinstance(author, User) else None,
            body=crypto.seal_text(
                tip_data_key(other), body, crypto.aad(other.reference, "message", str(direction))
            ),
        )
        for other in merged
    ]
    return TipMessage.objects.bulk_create(copies)


@dataclass(frozen=True)
class MergedTip:
    """A tip merged into the one an officer is reading: its text, files and conversation stay
    its own (merging deletes nothing)."""

    reference: str
    register_number: str
    received_at: dt.datetime
    content: dict[str, Any]  # decrypted: description, address, occurred_text, people, ...
    attachments: tuple[tuple[int, str], ...]  # (attachment id, original name), sent with the tip
    messages: tuple[StaffMessage, ...]


def _require_access(actor: AnyUser, tip: Tip) -> AbstractBaseUser:
    if not isinstance(actor, AbstractBaseUser) or not policies.may_open_tip(actor, tip):
        raise PermissionDenied
    return actor


def merged_tips_for_staff(tip: Tip, *, actor: AnyUser) -> list[MergedTip]:
    """The tips merged into `tip`, decrypted, for an officer who may open `tip` (merged tips
    are part of its matter, wherever they were first routed). Audited like `tip_content`:
    one content reading per merged tip, naming the tip it was read through."""
    user = _require_access(actor, tip)
    merged = list(
        Tip.objects.filter(merged_into=tip)
        .prefetch_related("attachments")
        .order_by("received_at", "pk")
    )
    result = []
    for other in merged:
        data_key = tip_data_key(other)
        content = crypto.open_json(data_key, other.content, crypto.aad(other.reference, "content"))
        files: dict[int | None, list[tuple[int, str]]] = {}
        for attachment in other.attachments.all():
            name = crypto.open_text(
                data_key,
                attachment.name,
                crypto.aad(other.reference, "name", attachment.storage_name),
            )
            files.setdefault(attachment.message_id, []).append(
                (attachment.pk, download_name(name, attachment.content_type))
            )
        messages = tuple(
            StaffMessage(
                direction=message.direction,
                body=crypto.open_text(
                    data_key,
                    message.body,
                    crypto.aad(other.reference, "message", str(message.direction)),
                ),
                created_at=message.created_at,
                author=message.author.get_full_name() if message.author else "",
                attachments=tuple(files.get(message.pk, ())),
            )
            for message in other.messages.select_related("author").order_by("created_at", "pk")
        )
        result.append(
            MergedTip(
                reference=other.reference,
                register_number=other.register_number,
                received_at=other.received_at,
                content=dict(content) if isinstance(content, dict) else {},
                attachments=tuple(files.get(None, ())),
                messages=messages,
            )
        )
    if merged:
        with transaction.atomic():
            for other in merged:
                audit_record(
                    actor=user,
                    action=TipsAction.TIP_CONTENT_VIEW,
                    target=other,
                    data={"reference": other.reference, "via": tip.reference},
                )
    return result


def merged_attachment_for_staff(attachment: TipAttachment, *, actor: AnyUser) -> AttachmentData:
    """A file of a merged tip, for an officer who may open the tip it was merged into (or the
    merged tip itself). Audited."""
    other = Tip.objects.select_related("merged_into").get(pk=attachment.tip_id)
    via = other.merged_into
    if isinstance(actor, AbstractBaseUser) and policies.may_open_tip(actor, other):
        user: AbstractBaseUser = actor
    elif via is not None:
        user = _require_access(actor, via)
    else:
        raise PermissionDenied
    data = attachment_read(attachment, other)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=TipsAction.ATTACHMENT_VIEW,
            target=other,
            data={
                "reference": other.reference,
                "attachment": attachment.pk,
                "via": via.reference if via is not None else "",
            },
        )
    return data
