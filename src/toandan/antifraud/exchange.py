"""Exchange of verified indicators with banks and telecoms: STIX 2.1 bundles (the `stix2`
library) and CSV, both ways.

Export: the police-verified indicators in force (not delisted, not expired), or, asked for
separately, the imported ones with their source; never the two mixed in one file. Each STIX
indicator carries its pattern (`[url:value = '…']`, `[domain-name:value = '…']`, and custom
`x-toandan-*` observables for phones, bank accounts, e-wallets and social accounts, which STIX
has no object for), `valid_from`/`valid_until`, the scam type as a label, and the normalised
kind and value as custom properties, so a toandan at the other end reads them back exactly.

Import: every row is normalised again (`toandan.identifiers`) and stored by
`services.indicators_import`: labelled imported, with the partner's name and the expiry it
gave; rows that do not normalise are reported, not stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

import stix2
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from toandan.antifraud.models import Indicator, IndicatorSource, IndicatorStatus
from toandan.identifiers import Identifier, Kind
from toandan.identifiers.banks import bank_account_from_value
from toandan.identifiers.links import normalise_domain, normalise_url, redacted
from toandan.identifiers.phones import normalise_phone
from toandan.identifiers.social import normalise_social

PRODUCER = "toandan (Toàn dân bảo vệ an ninh Tổ quốc)"
CSV_COLUMNS = (
    "kind",
    "value",
    "display",
    "source",
    "source_name",
    "scam_type",
    "report_count",
    "first_seen",
    "last_seen",
    "verified_at",
    "expires_at",
)
_CUSTOM_TYPES = {
    Kind.PHONE.value: "x-toandan-phone",
    Kind.BANK_ACCOUNT.value: "x-toandan-bank-account",
    Kind.EWALLET.value: "x-toandan-ewallet",
    Kind.SOCIAL.value: "x-toandan-social",
}
_PATTERN = re.compile(r"\[\s*([a-z0-9\-]+):value\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]")


def indicators_in_force(*, source: str = IndicatorSource.POLICE) -> QuerySet[Indicator]:
    now = timezone.now()
    return (
        Indicator.objects.filter(status=IndicatorStatus.VERIFIED, source=source)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("scam_type")
        .order_by("kind", "value")
    )


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _exported(indicator: Indicator) -> Identifier:
    """What leaves in an export: a link without its victim's data, even one stored before
    redaction existed (`links.redacted`; confirmation already redacts)."""
    return redacted(Identifier(indicator.kind, indicator.value, indicator.display))


def _pattern(indicator: Indicator) -> str:
    if indicator.kind == Kind.URL:
        return f"[url:value = '{_quote(_exported(indicator).value)}']"
    if indicator.kind == Kind.DOMAIN:
        return f"[domain-name:value = '{_quote(indicator.value)}']"
    return f"[{_CUSTOM_TYPES[indicator.kind]}:value = '{_quote(indicator.value)}']"


def export_stix(indicators: QuerySet[Indicator]) -> str:
    identity = stix2.Identity(name=PRODUCER, identity_class="organization")
    objects: list[Any] = [identity]
    for indicator in indicators:
        valid_from = indicator.verified_at or indicator.first_seen
        properties: dict[str, Any] = {
            "name": _exported(indicator).shown(),
            "pattern": _pattern(indicator),
            "pattern_type": "stix",
            "valid_from": valid_from,
            "indicator_types": ["malicious-activity"],
            "created_by_ref": identity.id,
            "x_toandan_kind": indicator.kind,
            "x_toandan_value": _exported(indicator).value,
            "x_toandan_source": indicator.source,
            "x_toandan_report_count": indicator.report_count,
        }
        if indicator.source_name:
            properties["x_toandan_source_name"] = indicator.source_name
        if indicator.scam_type is not None:
            properties["labels"] = [indicator.scam_type.code]
        if indicator.expires_at is not None and indicator.expires_at > valid_from:
            properties["valid_until"] = indicator.expires_at
        objects.append(stix2.Indicator(allow_custom=True, **properties))
    bundle = stix2.Bundle(objects=objects, allow_custom=True)
    return str(bundle.serialize(pretty=True))


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def export_csv(indicators: QuerySet[Indicator]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for indicator in indicators:
        writer.writerow(
            [
                indicator.kind,
                _exported(indicator).value,
                _exported(indicator).display,
                indicator.source,
                indicator.source_name,
                indicator.scam_type.code if indicator.scam_type else "",
                indicator.report_count,
                _iso(indicator.first_seen),
                _iso(indicator.last_seen),
                _iso(indicator.verified_at),
                _iso(indicator.expires_at),
            ]
        )
    return out.getvalue()


# --- Import ------------------------------------------------------------------------------------


@dataclass
class ParsedRows:
    rows: list[tuple[Identifier, dt.datetime | None, dt.datetime | None]]
    rejected: list[str]


def normalise(kind: str, value: str) -> Identifier | None:  # noqa: PLR0911 - one per kind
    """An identifier from (kind, value) as a partner sends it, normalised again."""
    value = value.strip()
    if kind == Kind.PHONE:
        return normalise_phone(value)
    if kind == Kind.BANK_ACCOUNT:
        return bank_account_from_value(value)
    if kind == Kind.URL:
        return normalise_url(value)
    if kind == Kind.DOMAIN:
        return normalise_domain(value)
    if kind == Kind.SOCIAL:
        network, _colon, handle = value.partition(":")
        if network == "telegram":
            return normalise_social("@" + handle)
        if network == "tiktok":
            return normalise_social("tiktok.com/" + handle)
        if network == "facebook":
            ident = handle.removeprefix("id=")
            link = f"facebook.com/profile.php?id={ident}" if handle.startswith("id=") else None
            return normalise_social(link or f"facebook.com/{handle}")
        return None
    if kind == Kind.EWALLET:
        wallet, _colon, number = value.partition(":")
        phone = normalise_phone(number)
        if wallet and phone is not None:
            return Identifier(Kind.EWALLET, f"{wallet}:{phone.value}", f"{wallet} {phone.display}")
    return None


def _datetime(value: Any) -> dt.datetime | None:
    """None when empty; raises ValueError on a date that cannot be read or does not exist."""
    if isinstance(value, dt.datetime):
        return value
    if not value:
        return None
    parsed = parse_datetime(str(value))  # ValueError on "2026-13-45T…", an offset of +99:00
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def parse_stix(text: str) -> ParsedRows:
    result = ParsedRows([], [])
    try:
        bundle = stix2.parse(text, allow_custom=True)
    except (
        stix2.exceptions.STIXError,
        ValueError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as error:  # stix2 meets `"objects": [1]` with a TypeError
        result.rejected.append(f"not a STIX bundle: {error}"[:300])
        return result
    for obj in getattr(bundle, "objects", None) or []:
        if not hasattr(obj, "get") or obj.get("type") != "indicator":
            continue
        kind, value = obj.get("x_toandan_kind"), obj.get("x_toandan_value")
        if not (kind and value):
            match = _PATTERN.search(obj.get("pattern", ""))
            types = {"url": Kind.URL.value, "domain-name": Kind.DOMAIN.value}
            types.update({custom: k for k, custom in _CUSTOM_TYPES.items()})
            if match is None or match.group(1) not in types:
                result.rejected.append(str(obj.get("pattern", ""))[:200])
                continue
            kind, value = types[match.group(1)], match.group(2).replace("\\'", "'")
        identifier = normalise(str(kind), str(value))
        try:
            dates = (_datetime(obj.get("valid_from")), _datetime(obj.get("valid_until")))
        except ValueError:
            identifier = None
        if identifier is None:
            result.rejected.append(f"{kind}:{value}"[:200])
            continue
        result.rows.append((identifier, *dates))
    return result


def parse_csv(text: str) -> ParsedRows:
    result = ParsedRows([], [])
    reader = csv.DictReader(io.StringIO(text))
    try:
        for row in reader:
            _csv_row(row, result)
    except csv.Error as error:  # a field over the csv module's limit, a broken quote
        result.rejected.append(f"not a CSV file (line {reader.line_num}): {error}"[:300])
    return result


def _csv_row(row: dict[str, Any], result: ParsedRows) -> None:
    identifier = normalise(str(row.get("kind") or ""), str(row.get("value") or ""))
    try:
        first = _datetime(row.get("first_seen") or row.get("verified_at"))
        expires = _datetime(row.get("expires_at"))
    except ValueError:
        identifier = None
    if identifier is None:
        result.rejected.append(f"{row.get('kind')}:{row.get('value')}"[:200])
        return
    result.rows.append((identifier, first, expires))
