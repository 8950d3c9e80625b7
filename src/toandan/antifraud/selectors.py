"""Reads of antifraud: the verdict for each identifier of a lookup, the hash-prefix range,
the staff lists (access-checked).

The verdict is one of four, never "safe" from absence:
- ``official``: on the curated official list (banks' hotlines, government);
- ``verified``: verified as fraud by a second officer (or imported from a named partner,
  labelled as such), not delisted, not expired;
- ``under_verification``: reported by officers from at least the listing rule's number of
  independent tips, not yet verified;
- ``no_information``: nothing known, which says nothing about safety.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from toandan.accounts.models import POLICE_ROLES
from toandan.accounts.selectors import user_jurisdiction
from toandan.antifraud import known
from toandan.antifraud.hashing import PREFIX_LENGTH, range_keys
from toandan.antifraud.models import (
    Appeal,
    AppealStatus,
    Indicator,
    IndicatorReport,
    IndicatorSource,
    IndicatorStatus,
    OfficialEntry,
    ScamType,
)
from toandan.core.process_cache import ProcessCache
from toandan.identifiers import Identifier, Kind
from toandan.identifiers.links import host_of, redact_url, registrable_domain, simple_host
from toandan.tips.interface.fraud import channel_labels

VERIFIED = "verified"
UNDER_VERIFICATION = "under_verification"
NO_INFORMATION = "no_information"
OFFICIAL = "official"
VERDICTS = (VERIFIED, UNDER_VERIFICATION, NO_INFORMATION, OFFICIAL)
RANGE_PADDED_SIZE = 64
LISTED = frozenset({IndicatorStatus.REPORTED.value, IndicatorStatus.VERIFIED.value})
MAX_IDENTIFIERS = 20


@dataclass(frozen=True)
class Verdict:
    identifier: Identifier
    verdict: str
    # What the public may know, for verified / under verification / official.
    scam_type: ScamType | None = None
    report_count: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    listed_since: dt.datetime | None = None
    source: str = ""  # "police" or "imported"
    source_name: str = ""  # an imported indicator's partner
    verified_level: str = ""  # "province" / "commune": the level of the unit that verified
    official_owner: str = ""
    matched: str = ""  # what matched when not the identifier itself (the site's domain)
    indicator_id: int | None = None


def _load_officials(_key: None) -> dict[tuple[str, str], OfficialEntry]:
    return {(o.kind, o.value): o for o in OfficialEntry.objects.all()}


# The curated list is short and changes rarely: kept per process, dropped on a save.
_officials: ProcessCache[None, dict[tuple[str, str], OfficialEntry]] = ProcessCache(
    "antifraud.officials", _load_officials, senders=[OfficialEntry]
)


_VERDICT_FIELDS = (
    "kind", "value", "display", "status", "source", "source_name", "scam_type_id",
    "report_count", "first_seen", "last_seen", "verified_at", "verified_level", "expires_at",
    "id",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListedRow:
    """The columns of an indicator that a verdict shows (`_VERDICT_FIELDS`, in that order)."""

    kind: str
    value: str
    display: str
    status: str
    source: str
    source_name: str
    scam_type_id: int | None
    report_count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    verified_at: dt.datetime | None
    verified_level: str
    expires_at: dt.datetime | None
    id: int


_DATETIME_COLUMNS = frozenset({"first_seen", "last_seen", "verified_at", "expires_at"})


def _rows_by_key(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[ListedRow, ...]]:
    """The rows of each key that may have any (`known.known_keys`), from the rows looked up
    lately (`known.recent_rows`) or one query."""
    exists = known.known_keys.may_exist(keys)
    asked = keys if exists is None else [key for key in keys if exists[key]]
    if not asked:
        return {}
    return known.recent_rows.get_many(asked, _rows_grouped, max_age=known.rows_cache_age())


def _rows_grouped(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[ListedRow, ...]]:
    grouped: dict[tuple[str, str], tuple[ListedRow, ...]] = dict.fromkeys(keys, ())
    for row in _rows_for(keys):
        key = (row.kind, row.value)
        if key in grouped:  # IN on each column also matches stray pairs
            grouped[key] += (row,)
    return grouped


def _rows_for(keys: Iterable[tuple[str, str]]) -> list[ListedRow]:
    """The indicators with one of the keys' kinds and one of their values, every source.

    Plain SQL, not the ORM: a check is this one small query, and compiling the queryset cost
    four times its execution (476 against 124 µs of CPU at 200,000 indicators). IN on both
    columns of the (kind, value, source) index: one index probe per pair on SQLite and
    PostgreSQL (an OR of pairs made SQLite scan); stray pairs are the caller's to drop."""
    kinds = sorted({kind for kind, _value in keys})
    values = sorted({value for _kind, value in keys})
    sql = _rows_sql(len(kinds), len(values))
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, [*kinds, *values])
        fetched = cursor.fetchall()
    if not fetched:
        return []
    rows = [ListedRow(*row) for row in fetched]
    first_seen: Any = rows[0].first_seen
    if isinstance(first_seen, str) or timezone.is_naive(first_seen):
        rows = [_aware(row) for row in rows]  # SQLite: naive UTC (or text), as stored
    return rows


def _aware(row: ListedRow) -> ListedRow:
    """The row with its times as the ORM would give them: aware, in UTC."""
    from dataclasses import replace

    changed = {name: _as_aware(getattr(row, name)) for name in _DATETIME_COLUMNS}
    return replace(row, **changed)  # type: ignore[arg-type]


def _range_rows(column: str, low: str, high: str) -> list[tuple[Any, ...]]:
    """(digest, status, report_count, expires_at, source) of the indicators whose `column`
    digest lies in [low, high): plain SQL for the reason `_rows_for` gives."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_range_sql(column), [low, high])
        return list(cursor.fetchall())


@lru_cache(maxsize=4)
def _range_sql(column: str) -> str:
    if column not in {"digest", "digest_previous"}:
        raise ValueError(column)
    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(Indicator._meta.db_table)
    # A range, not LIKE: both SQLite and PostgreSQL (non-C collations) use the index for it.
    # `digest_previous <> ''` is the partial index's condition.
    extra = " AND digest_previous <> ''" if column == "digest_previous" else ""
    return (  # only the two digest columns' names go into the text
        f"SELECT {column}, status, report_count, expires_at, source FROM {table} "  # noqa: S608
        f"WHERE {column} >= %s AND {column} < %s{extra}"
    )


def _as_aware(value: Any) -> dt.datetime | None:
    """A time column as the ORM gives it (aware, UTC): SQLite answers naive UTC times (or
    text), PostgreSQL aware ones."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment: dt.datetime | None = value
    else:
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


@lru_cache(maxsize=64)
def _rows_sql(kinds: int, values: int) -> str:
    table = connections[DEFAULT_DB_ALIAS].ops.quote_name(Indicator._meta.db_table)
    return (  # only placeholders and the model's own names go into the text
        f"SELECT {', '.join(_VERDICT_FIELDS)} FROM {table} "  # noqa: S608
        f"WHERE kind IN ({', '.join(['%s'] * kinds)}) "
        f"AND value IN ({', '.join(['%s'] * values)})"
    )


def _load_scam_types(_key: None) -> dict[int, ScamType]:
    return {scam_type.pk: scam_type for scam_type in ScamType.objects.all()}


_scam_types: ProcessCache[None, dict[int, ScamType]] = ProcessCache(
    "antifraud.scam_types", _load_scam_types, senders=[ScamType]
)


@lru_cache(maxsize=4096)  # asked twice per identifier of a check; pure (shipped data only)
def _candidates(identifier: Identifier) -> tuple[tuple[str, str], ...]:
    keys = [identifier.key]
    if identifier.kind == Kind.URL:
        host = _bare_host_url(identifier.value)
        if host is not None:  # "http://host/": nothing to redact (test_selectors)
            domain = registrable_domain(host)
            return (*keys, (Kind.DOMAIN.value, domain)) if domain else tuple(keys)
        # Indicators keep links without their victim's data (`links.redact_url`).
        without_victim = redact_url(identifier.value)
        if without_victim != identifier.value:
            keys.append((Kind.URL.value, without_victim))
        domain = registrable_domain(host_of(identifier.value))
        if domain:
            keys.append((Kind.DOMAIN.value, domain))
    elif identifier.kind == Kind.EWALLET:
        wallet_of = identifier.value.partition(":")[2]
        if wallet_of.startswith("+"):
            keys.append((Kind.PHONE.value, wallet_of))
    return tuple(keys)


def _bare_host_url(url: str) -> str | None:
    """The host of a canonical URL with no path, port or query ("http://host/"), else None."""
    if url.startswith("http://") and url.endswith("/"):
        return simple_host(url[7:-1])
    return None


def _visible(indicator: ListedRow, now: dt.datetime, reports_to_show: int) -> str | None:
    if indicator.expires_at is not None and indicator.expires_at < now:
        return None
    if indicator.status == IndicatorStatus.VERIFIED:
        return VERIFIED
    if indicator.status == IndicatorStatus.REPORTED and indicator.report_count >= reports_to_show:
        return UNDER_VERIFICATION
    return None


def verdicts_for(identifiers: list[Identifier], *, now: dt.datetime | None = None) -> list[Verdict]:
    """One verdict per identifier (at most `MAX_IDENTIFIERS`), in three queries."""
    from toandan.antifraud.services import listing_rule

    now = now or timezone.now()
    identifiers = identifiers[:MAX_IDENTIFIERS]
    keys = {key: identifier for identifier in identifiers for key in _candidates(identifier)}
    if not keys:
        return []
    official_list = _officials.get(None) or {}
    officials = {key: official_list[key] for key in keys if key in official_list}
    listed: dict[tuple[str, str], list[ListedRow]] = {}
    # The status is checked here, not in SQL: a condition on it lets a planner prefer the
    # status index (nearly every row is verified) and scan the table.
    # Only the columns a verdict shows, no join: the scam types are a short list kept per
    # process (a check is one small query, most of whose cost was planning the join).
    for key, rows in _rows_by_key(list(keys)).items():
        for row in rows:
            if row.status in LISTED:
                listed.setdefault(key, []).append(row)
    scam_types = (_scam_types.get(None) or {}) if listed else {}
    reports_to_show = listing_rule().reports_to_show
    result = []
    for identifier in identifiers:
        verdict = _verdict(
            identifier, officials, listed, now, reports_to_show, scam_types=scam_types
        )
        result.append(verdict)
    return result


def _verdict(
    identifier: Identifier,
    officials: dict[tuple[str, str], OfficialEntry],
    listed: dict[tuple[str, str], list[ListedRow]],
    now: dt.datetime,
    reports_to_show: int,
    *,
    scam_types: dict[int, ScamType],
) -> Verdict:
    candidates = _candidates(identifier)
    for key in candidates:
        official = officials.get(key)
        if official is not None:
            return Verdict(identifier, OFFICIAL, official_owner=official.owner)
    best: tuple[int, ListedRow, str, str] | None = None
    rank = {VERIFIED: 2, UNDER_VERIFICATION: 1}
    for key in candidates:
        for indicator in listed.get(key, []):
            shown = _visible(indicator, now, reports_to_show)
            if shown is None:
                continue
            # Police-verified first, then imported; a stronger verdict first.
            score = rank[shown] * 2 + (1 if indicator.source == IndicatorSource.POLICE else 0)
            if best is None or score > best[0]:
                matched = indicator.display if key != identifier.key else ""
                best = (score, indicator, shown, matched)
    if best is None:
        return Verdict(identifier, NO_INFORMATION)
    _score, indicator, shown, matched = best
    return Verdict(
        identifier,
        shown,
        scam_type=scam_types.get(indicator.scam_type_id) if indicator.scam_type_id else None,
        report_count=indicator.report_count,
        first_seen=indicator.first_seen,
        last_seen=indicator.last_seen,
        listed_since=indicator.verified_at if shown == VERIFIED else indicator.first_seen,
        source=indicator.source,
        source_name=indicator.source_name,
        verified_level=indicator.verified_level,
        matched=matched,
        indicator_id=indicator.id,
    )


def listed_indicator(text: str) -> Indicator | None:
    """The publicly listed indicator (verified or being verified) the text names, if any:
    what an appeal is about."""
    from toandan.identifiers.extract import identify

    for verdict in verdicts_for(identify(text)[:1]):
        if verdict.indicator_id is not None and verdict.verdict in (VERIFIED, UNDER_VERIFICATION):
            return Indicator.objects.get(pk=verdict.indicator_id)
    return None


# --- Hash-prefix range -----------------------------------------------------------------------


class RangeEntry(NamedTuple):
    suffix: str
    verdict: str
    source: str = ""  # "police" or "imported" (from a partner); "" for padding


class UnknownKeyVersionError(Exception):
    """The client hashed with a key that does not answer (any more): it fetches the key."""


def range_key_column(version: int | None, *, now: dt.datetime | None = None) -> str:
    """Which digest column answers for a key version: the current key's `digest`, the
    previous key's `digest_previous` while its overlap runs; None is the current key."""
    keys = range_keys()
    if version is None or version == keys.version:
        return "digest"
    if version == keys.previous_version and keys.previous_live(now):
        return "digest_previous"
    raise UnknownKeyVersionError(version)


def range_lookup(
    prefix: str, *, version: int | None = None, now: dt.datetime | None = None
) -> list[RangeEntry]:
    """The suffixes of listed indicators whose digest (under the key `version`, default the
    current one) starts with `prefix` (lower-case hex of `PREFIX_LENGTH` characters), padded
    with random suffixes to `RANGE_PADDED_SIZE` entries (or the next multiple of it) so the
    answer's size does not tell how many are listed."""
    from toandan.antifraud.services import listing_rule

    now = now or timezone.now()
    column = range_key_column(version, now=now)
    version = range_keys().version if version is None else version
    reports_to_show = listing_rule().reports_to_show
    entries = []
    upper = f"{int(prefix, 16) + 1:0{len(prefix)}x}" if prefix != "f" * len(prefix) else "g"
    for digest, status, report_count, expires, source in _range_rows(column, prefix, upper):
        if status not in LISTED:
            continue
        expires_at = _as_aware(expires)
        if expires_at is not None and expires_at < now:
            continue
        if status == IndicatorStatus.VERIFIED:
            entries.append(RangeEntry(digest[len(prefix) :], VERIFIED, source))
        elif report_count >= reports_to_show:
            entries.append(RangeEntry(digest[len(prefix) :], UNDER_VERIFICATION, source))
    size = max(RANGE_PADDED_SIZE, -(-len(entries) // RANGE_PADDED_SIZE) * RANGE_PADDED_SIZE)
    entries += _padding(version, prefix, size - len(entries))
    entries.sort()
    return entries


def _padding(version: int, prefix: str, count: int) -> list[RangeEntry]:
    """`count` suffixes that look like digests, the same at every call for this prefix and key:
    random ones drawn anew would give the listed entries away (the suffixes two answers of
    one prefix share). Drawn from a secret of this server (not the partners' key, with which
    they could be told apart)."""
    if count <= 0:
        return []
    length = 64 - len(prefix)
    stream = hashlib.shake_256(_padding_secret() + f"|{version}|{prefix}".encode())
    text = stream.hexdigest((count * length + 1) // 2)
    # tuple.__new__: the NamedTuple's own constructor (a Python function, for its default)
    # cost a third of making the 64 entries of every range call.
    make = tuple.__new__
    return [
        make(RangeEntry, (text[i * length : (i + 1) * length], NO_INFORMATION, ""))
        for i in range(count)
    ]


@lru_cache(maxsize=1)
def _padding_secret() -> bytes:
    from django.utils.crypto import salted_hmac

    return salted_hmac("toandan.antifraud.range-padding", "v1").digest()


def valid_prefix(prefix: str) -> bool:
    return len(prefix) == PREFIX_LENGTH and all(ch in "0123456789abcdef" for ch in prefix)


# --- Staff -----------------------------------------------------------------------------------


def indicators_for_staff(user: Any, *, status: str = "") -> QuerySet[Indicator]:
    """Verified indicators are public; the others only where one of their reports is in the
    user's jurisdiction (imported ones: every police officer)."""
    queryset = Indicator.objects.select_related("scam_type").order_by("-last_seen", "-id")
    if status:
        queryset = queryset.filter(status=status)
    reach = user_jurisdiction(user, POLICE_ROLES)
    if reach.is_empty:
        return queryset.none()
    if status == IndicatorStatus.VERIFIED:
        return queryset
    if reach.all_org_units:
        return queryset
    within = Q()
    for path in reach.org_paths:
        within |= Q(reports__unit__path__startswith=path)
    return queryset.filter(
        Q(status=IndicatorStatus.VERIFIED) | Q(source=IndicatorSource.IMPORTED) | within
    ).distinct()


def indicator_for_staff(user: Any, indicator_id: int) -> Indicator | None:
    return indicators_for_staff(user).filter(pk=indicator_id).first()


def reports_of_tip(tip_id: int) -> dict[tuple[str, str], Indicator]:
    reports = IndicatorReport.objects.filter(tip_id=tip_id).select_related("indicator")
    return {(r.indicator.kind, r.indicator.value): r.indicator for r in reports}


def police_indicators(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Indicator]:
    """The police indicators of these (kind, value) keys, as stored (links redacted), in one
    query: for the officer of a tip, what other tips reported and by how many independent
    senders. A count and a status only: the other tips stay with their units."""
    if not keys:
        return {}
    wanted = Q(pk__in=[])
    for kind, value in keys:
        wanted |= Q(kind=kind, value=value)
    rows = Indicator.objects.filter(wanted, source=IndicatorSource.POLICE)
    return {(row.kind, row.value): row for row in rows}


def _within(user: Any) -> Q | None:
    """Indicators with a report in the user's police jurisdiction (None: everywhere)."""
    reach = user_jurisdiction(user, POLICE_ROLES)
    if reach.all_org_units:
        return None
    within = Q(pk__in=[])
    for path in reach.org_paths:
        within |= Q(reports__unit__path__startswith=path)
    return within


def indicator_reports(indicator: Indicator, user: Any) -> QuerySet[IndicatorReport]:
    """The reports of an indicator from the user's jurisdiction only: another unit's tip
    references, units and officers are not shown to every police officer of the country."""
    reports = indicator.reports.select_related("unit", "confirmed_by").order_by("received_at")
    reach = user_jurisdiction(user, POLICE_ROLES)
    if reach.all_org_units:
        return reports
    within = Q(pk__in=[])
    for path in reach.org_paths:
        within |= Q(unit__path__startswith=path)
    return reports.filter(within)


def appeals_for_staff(user: Any) -> QuerySet[Appeal]:
    """Appeals the user may decide: on indicators with a report in their jurisdiction (an
    appellant's statement and contact go no further), or imported ones for police leaders."""
    from toandan.accounts.models import Role
    from toandan.accounts.selectors import user_has_any_role

    if user_jurisdiction(user, POLICE_ROLES).is_empty:
        return Appeal.objects.none()
    indicators = Indicator.objects.all()
    within = _within(user)
    if within is not None:
        imported = (
            Q(source=IndicatorSource.IMPORTED)
            if user_has_any_role(user, {Role.POLICE_LEADER.value})
            else Q(pk__in=[])
        )
        indicators = indicators.filter(within | imported).distinct()
    # Those waiting for a decision first (the status codes do not sort that way).
    waiting_first = Case(When(status=AppealStatus.SUBMITTED, then=0), default=1)
    return (
        Appeal.objects.filter(indicator__in=indicators.values("pk"))
        .select_related("indicator")
        .order_by(waiting_first, "-created_at")
    )


def appeal_for_staff(user: Any, appeal_id: int) -> Appeal | None:
    return appeals_for_staff(user).filter(pk=appeal_id).first()


# --- Public monthly statistics -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyStats:
    month: dt.date  # its first day
    reports: int
    identifiers_reported: int
    verified: int
    lookups: int
    loss_vnd: int
    by_scam_type: list[tuple[str, int, int]]  # (name, reports, loss)
    by_kind: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_province: list[tuple[str, int, int]]
    lookups_by_verdict: list[tuple[str, int]]


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )


def monthly_stats(month: dt.date) -> MonthlyStats:
    """Counts for one month, like Scamwatch's monthly page: officers' reports (one per
    identifier per tip), identifiers verified, lookups, losses reported, by scam type,
    identifier kind, channel and province. Only counts: no tip, no identifier."""
    from django.db.models import Count, Sum

    from toandan.antifraud.models import IdentifierKind, LookupCount
    from toandan.geo.models import AdminUnit, Generation, Level

    start, end = month_bounds(month)
    reports = IndicatorReport.objects.filter(created_at__gte=start, created_at__lt=end)
    totals = reports.aggregate(
        n=Count("id"), ids=Count("indicator_id", distinct=True), loss=Sum("loss_vnd")
    )
    verified = Indicator.objects.filter(
        source=IndicatorSource.POLICE, verified_at__gte=start, verified_at__lt=end
    ).count()
    lookups = LookupCount.objects.filter(day__gte=start.date(), day__lt=end.date())
    by_type = (
        reports.values("indicator__scam_type__name_vi", "indicator__scam_type__name_en")
        .annotate(n=Count("id"), loss=Sum("loss_vnd"))
        .order_by("-n")
    )
    english = _english()
    provinces = {
        unit.code: unit.name
        for unit in AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.PROVINCE)
    }
    kinds = dict(IdentifierKind.choices)
    channels = channel_labels()
    verdict_labels = {
        VERIFIED: _("verified as fraud"),
        UNDER_VERIFICATION: _("being verified"),
        NO_INFORMATION: _("no information"),
        OFFICIAL: _("official"),
    }
    return MonthlyStats(
        month=start.date(),
        reports=totals["n"] or 0,
        identifiers_reported=totals["ids"] or 0,
        verified=verified,
        lookups=lookups.aggregate(n=Sum("count"))["n"] or 0,
        loss_vnd=totals["loss"] or 0,
        by_scam_type=[
            (
                (row["indicator__scam_type__name_en"] if english else None)
                or row["indicator__scam_type__name_vi"]
                or str(_("other")),
                row["n"],
                row["loss"] or 0,
            )
            for row in by_type
        ],
        by_kind=[
            (str(kinds.get(row["indicator__kind"], row["indicator__kind"])), row["n"])
            for row in reports.values("indicator__kind").annotate(n=Count("id")).order_by("-n")
        ],
        by_channel=[
            (channels.get(row["channel"], row["channel"] or "—"), row["n"])
            for row in reports.values("channel").annotate(n=Count("id")).order_by("-n")
        ],
        by_province=[
            (
                provinces.get(row["province_code"], row["province_code"] or "—"),
                row["n"],
                row["loss"] or 0,
            )
            for row in reports.values("province_code")
            .annotate(n=Count("id"), loss=Sum("loss_vnd"))
            .order_by("-n")
        ],
        lookups_by_verdict=[
            (str(verdict_labels.get(row["verdict"], row["verdict"])), row["n"])
            for row in lookups.values("verdict").annotate(n=Sum("count")).order_by("-n")
        ],
    )


def _english() -> bool:
    from django.utils import translation

    return (translation.get_language() or "vi").startswith("en")
