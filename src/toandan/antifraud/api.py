"""The JSON API of antifraud, under /api/v1/fraud/.

Public (no account): `check` (one item per identifier found in the text), `range` (hash-prefix
k-anonymity lookup: the client sends 5 hex characters of the keyed digest, gets padded
suffixes, matches locally), `appeals` (the holder of a listed identifier asks for review).
Staff (Bearer token, police): `range/key` (the partner key), `indicators` (list, verify,
delist), `appeals/{id}/decide`.

Nothing of a check is kept but the counters by kind and verdict.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params.functions import Path

from toandan.accounts.api_auth import ApiAuth
from toandan.accounts.models import POLICE_ROLES
from toandan.accounts.selectors import user_has_any_role
from toandan.antifraud import limits, selectors, services
from toandan.antifraud.hashing import PREFIX_LENGTH, range_keys
from toandan.antifraud.models import IndicatorStatus
from toandan.core.access import public
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

router = Router(tags=["antifraud"])

CHECK_MAX = 5000
PREFIX_RE = r"^[0-9a-fA-F]+$"
PAGE_MAX = 500


class ErrorOut(Schema):
    detail: str


class CheckItemOut(Schema):
    kind: str = Field(description="phone, bank_account, ewallet, url, domain or social")
    value: str = Field(description="the normalised identifier")
    display: str
    verdict: str = Field(description="verified, under_verification, no_information or official")
    scam_type: str | None = None
    report_count: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    listed_since: str | None = None
    source: str = Field("", description="police, or imported (from `source_name`)")
    source_name: str = ""
    official_owner: str = ""
    lookalike_of: str = Field("", description="the protected brand a link imitates")


class CheckOut(Schema):
    items: list[CheckItemOut]


def _iso(value: Any) -> str | None:
    return value.date().isoformat() if value is not None else None


def _item(verdict: selectors.Verdict) -> dict[str, Any]:
    return {
        "kind": verdict.identifier.kind,
        "value": verdict.identifier.value,
        "display": verdict.identifier.shown(),
        "verdict": verdict.verdict,
        "scam_type": verdict.scam_type.code if verdict.scam_type else None,
        "report_count": verdict.report_count,
        "first_seen": _iso(verdict.first_seen),
        "last_seen": _iso(verdict.last_seen),
        "listed_since": _iso(verdict.listed_since),
        "source": verdict.source,
        "source_name": verdict.source_name,
        "official_owner": verdict.official_owner,
        "lookalike_of": verdict.identifier.lookalike_of,
    }


@router.get(
    "/check",
    response={200: CheckOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Check a phone number, account, link or a whole message",
)
@public
def check(request: HttpRequest, q: str) -> Any:
    """One item per identifier found in `q` (at most 5,000 characters read, 20 identifiers).
    `no_information` never means safe. 429 with `Retry-After` past the rate limit
    (`toandan.antifraud.limits`)."""
    wait = limits.check_wait(request)
    if wait:
        return _too_many(limits.check_refused_text(wait), wait)
    q = q[:CHECK_MAX]
    return _as_json({"items": [_item(v) for v in services.fraud_check(q)]})


def _as_json(payload: dict[str, Any]) -> HttpResponse:
    """The public lookups' answer, serialised directly: ninja would validate it against the
    response schema first, a tenth of a check's cost for dicts built here to that schema
    (`test_api.test_public_answers_match_their_schemas` holds them to it)."""
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )


def _too_many(detail: str, wait: int) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=429)
    response["Retry-After"] = str(wait)
    return response


class RangeKeyOut(Schema):
    algorithm: str
    key_hex: str
    prefix_length: int
    version: int = Field(description="send it as `?key=` with range calls")
    previous_version: int | None = Field(
        None, description="the key being replaced, which answers until `previous_until`"
    )
    previous_until: str | None = None


def _police(request: HttpRequest) -> AbstractBaseUser:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, AbstractBaseUser) or not user_has_any_role(user, POLICE_ROLES):
        raise HttpError(403, "police only")
    return user


@router.get(
    "/range/key", response={200: RangeKeyOut, 403: ErrorOut}, auth=ApiAuth(), summary="Partner key"
)
def range_key_get(request: HttpRequest) -> dict[str, Any]:
    """The key of the hash-prefix lookup, for partner apps registered with a staff token."""
    _police(request)
    keys = range_keys()
    live = keys.previous_live()
    return {
        "algorithm": "HMAC-SHA256",
        "key_hex": keys.key.hex(),
        "prefix_length": PREFIX_LENGTH,
        "version": keys.version,
        "previous_version": keys.previous_version if live else None,
        "previous_until": keys.previous_until.isoformat() if live and keys.previous_until else None,
    }


class RangeEntryOut(Schema):
    suffix: str
    verdict: str
    source: str = Field("", description="police, or imported (from a partner); empty: padding")


class RangeOut(Schema):
    prefix: str
    key: int = Field(description="the version of the key the digests are under")
    entries: list[RangeEntryOut]


@router.get(
    "/range/{prefix}",
    response={200: RangeOut, 422: ErrorOut},
    auth=None,
    summary="Hash-prefix lookup (k-anonymity)",
)
@public
def range_(
    request: HttpRequest,
    prefix: str = Path(..., min_length=PREFIX_LENGTH, max_length=PREFIX_LENGTH, pattern=PREFIX_RE),
    key: int | None = None,
) -> HttpResponse:
    """`prefix`: the first 5 lower-case hex characters of HMAC-SHA256(key, "kind:value");
    `key`: the key's version (default the current key; during a rotation's overlap the
    previous version answers too, then 422 tells the app to fetch the new key). The answer
    lists the remaining 59 characters of every listed digest with that prefix, padded with
    random ones to a fixed size; the client compares locally. See
    `toandan.antifraud.hashing` for the key."""
    prefix = prefix.lower()
    if not selectors.valid_prefix(prefix):
        raise HttpError(422, f"prefix must be {PREFIX_LENGTH} hex characters")
    try:
        entries = selectors.range_lookup(prefix, version=key)
    except selectors.UnknownKeyVersionError:
        raise HttpError(422, "this key version does not answer: fetch the current key") from None
    version = key if key is not None else range_keys().version
    written = _range_json(prefix, version, entries)
    if written is not None:
        return written
    return _as_json(
        {
            "prefix": prefix,
            "key": version,
            "entries": [
                {"suffix": e.suffix, "verdict": e.verdict, "source": e.source} for e in entries
            ],
        }
    )


_PLAIN = re.compile(r"[0-9a-z_]*")


def _range_json(
    prefix: str, version: int, entries: list[selectors.RangeEntry]
) -> HttpResponse | None:
    """The range's answer written directly: its 64 entries are hex suffixes, a verdict and a
    source from fixed words, which need no escaping (json.dumps of the dicts cost a tenth of
    a range call). None when any value is not plain: then json.dumps writes it."""
    if not _PLAIN.fullmatch("".join(value for entry in entries for value in entry) + prefix):
        return None
    items = ",".join(
        f'{{"suffix":"{suffix}","verdict":"{verdict}","source":"{source}"}}'
        for suffix, verdict, source in entries
    )
    return HttpResponse(
        f'{{"prefix":"{prefix}","key":{int(version)},"entries":[{items}]}}',
        content_type="application/json; charset=utf-8",
    )


class IndicatorOut(Schema):
    id: int
    kind: str
    value: str
    display: str
    status: str
    source: str
    source_name: str
    scam_type: str | None
    report_count: int
    first_seen: str | None
    last_seen: str | None


class IndicatorListOut(Schema):
    count: int
    items: list[IndicatorOut]


def _indicator(indicator: Any) -> dict[str, Any]:
    return {
        "id": indicator.pk,
        "kind": indicator.kind,
        "value": indicator.value,
        "display": indicator.display,
        "status": indicator.status,
        "source": indicator.source,
        "source_name": indicator.source_name,
        "scam_type": indicator.scam_type.code if indicator.scam_type else None,
        "report_count": indicator.report_count,
        "first_seen": _iso(indicator.first_seen),
        "last_seen": _iso(indicator.last_seen),
    }


@router.get(
    "/indicators",
    response={200: IndicatorListOut, 403: ErrorOut, 422: ErrorOut},
    auth=ApiAuth(),
    summary="Indicators (staff)",
)
def indicators(
    request: HttpRequest, status: str = "", offset: int = 0, limit: int = 100
) -> dict[str, Any]:
    """Verified indicators everywhere; the others where one of their reports is in the
    caller's jurisdiction."""
    user = _police(request)
    if status and status not in IndicatorStatus.values:
        raise HttpError(422, f"status must be one of {', '.join(IndicatorStatus.values)}")
    queryset = selectors.indicators_for_staff(user, status=status)
    limit = max(1, min(limit, PAGE_MAX))
    offset = max(0, offset)
    return {
        "count": queryset.count(),
        "items": [_indicator(i) for i in queryset[offset : offset + limit]],
    }


@router.get(
    "/indicators/export",
    response={200: Any, 403: ErrorOut, 422: ErrorOut},
    auth=ApiAuth(),
    summary="Verified indicators as STIX 2.1 or CSV (staff)",
)
def indicators_export(request: HttpRequest, format: str = "stix", source: str = "police") -> Any:
    """`format`: stix (a STIX 2.1 bundle) or csv; `source`: police (default) or imported,
    never both in one file."""
    from django.http import HttpResponse

    from toandan.antifraud import exchange
    from toandan.antifraud.models import IndicatorSource

    _police(request)
    if format not in ("stix", "csv") or source not in IndicatorSource.values:
        raise HttpError(422, "format must be stix or csv; source police or imported")
    indicators = exchange.indicators_in_force(source=source)
    if format == "stix":
        return HttpResponse(exchange.export_stix(indicators), content_type="application/json")
    return HttpResponse(exchange.export_csv(indicators), content_type="text/csv")


class DecisionIn(Schema):
    action: str = Field(description="verify, reject, delist or relist")
    reason: str = ""


@router.post(
    "/indicators/{indicator_id}/decision",
    response={200: IndicatorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=ApiAuth(),
    summary="Verify, reject, delist or relist an indicator (staff)",
)
def indicator_decision(request: HttpRequest, indicator_id: int, payload: DecisionIn) -> Any:
    user = _police(request)
    indicator = selectors.indicator_for_staff(user, indicator_id)
    if indicator is None:
        raise HttpError(404, "no such indicator")
    try:
        if payload.action == "verify":
            indicator = services.indicator_verify(actor=user, indicator=indicator)
        else:
            indicator = services.indicator_decide(
                actor=user, indicator=indicator, action=payload.action, reason=payload.reason
            )
    except WorkflowAccessError:
        raise HttpError(403, "you may not take this step") from None
    except WorkflowRefusedError as error:
        raise HttpError(409, error.message) from None
    return _indicator(indicator)


class AppealIn(Schema):
    identifier: str = Field(max_length=500)
    statement: str = Field(max_length=4000)
    contact: str = Field("", max_length=200)


class AppealOut(Schema):
    reference: str
    receipt: str
    status: str


@router.post(
    "/appeals",
    response={201: AppealOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Appeal a listing (the holder of the identifier)",
)
@public
def appeal(request: HttpRequest, payload: AppealIn) -> Any:
    wait = limits.appeal_wait(request)
    if wait:
        return _too_many(limits.appeal_refused_text(wait), wait)
    indicator = selectors.listed_indicator(payload.identifier)
    if indicator is None:
        raise HttpError(422, "this identifier is not listed")
    try:
        submitted = services.appeal_submit(
            indicator=indicator, statement=payload.statement, contact=payload.contact
        )
    except services.AntifraudError as error:
        raise HttpError(422, error.message) from None
    return Status(
        201,
        {
            "reference": submitted.appeal.reference,
            "receipt": submitted.receipt,
            "status": submitted.appeal.status,
        },
    )


class BareOut(Schema):
    items: list[CheckItemOut]


@router.get("/bench/bare", response={200: BareOut}, auth=None, include_in_schema=False)
@public
def bench_bare(request: HttpRequest, q: str = "") -> dict[str, Any]:
    """`make bench BENCH_ARGS=fraud`'s baseline: the same route, middleware and schema as the
    check with no work behind it. Answers 404 unless TOANDAN_BENCH_ENDPOINTS is on."""
    from django.conf import settings

    if not settings.TOANDAN_BENCH_ENDPOINTS:
        raise HttpError(404, "not found")
    return {"items": []}


class KnownOut(Schema):
    ready: bool
    size: int


@router.get("/bench/known", response={200: KnownOut}, auth=None, include_in_schema=False)
@public
def bench_known(request: HttpRequest) -> dict[str, Any]:
    """Whether this process has read the indicators' keys (`antifraud.known`), starting the
    read if not: the bench measures checks once it has. 404 unless TOANDAN_BENCH_ENDPOINTS."""
    from django.conf import settings

    from toandan.antifraud.known import known_keys

    if not settings.TOANDAN_BENCH_ENDPOINTS:
        raise HttpError(404, "not found")
    known_keys.may_exist([])
    return {"ready": known_keys.ready, "size": known_keys.size}
