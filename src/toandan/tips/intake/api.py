"""The tips API (`/api/v1/tips/...`): send a tip, follow it up with the receipt, answer.

Every operation is public: a citizen's phone app needs no account. What protects a tip is its
receipt, so:

- nothing distinguishes an unknown receipt from a wrong one (same status, same body);
- wrong receipts are throttled per client (a key hashed with a secret that changes daily) and
  overall, with growing delays: 429 with `Retry-After`;
- a receipt handed over by an officer (phone, in person, mail) opens nothing until the tipster
  replaced it with their own (`409 replace_receipt_required`, then `POST /receipt/replace`);
- answers that carry a receipt or a tip's text are never cached (`Cache-Control: no-store`).

Intake is rate-limited like GlobaLeaks' (per client key and overall, per hour: see
`toandan.core.ratelimit`). The register number is not returned: it would tell anyone how many
tips a unit received; the random reference is enough to talk about a tip.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from ninja import Router, Status

from toandan.audit.services import audit_record_together
from toandan.core import ratelimit
from toandan.core.access import public
from toandan.core.sql import run_together
from toandan.geo.models import AdminUnit
from toandan.media.files import UploadData
from toandan.orgs.models import OrgLevel, OrgUnit
from toandan.tips import selectors
from toandan.tips.audit_actions import BenchAction
from toandan.tips.intake.schemas import (
    PNG_BASE64_EXAMPLE,
    AttachmentIn,
    BenchIn,
    BenchOut,
    CategoryOut,
    ErrorOut,
    FollowUpOut,
    ReceiptIn,
    ReceiptReplacedOut,
    ReplyIn,
    TipCreatedOut,
    TipIn,
    ValidationErrorOut,
)
from toandan.tips.models import Category, Channel, ReceiptKind, Tip
from toandan.tips.services import (
    ReceiptRejectedError,
    TipInput,
    TipRejectedError,
    followup_open,
    receipt_replace,
    tip_submit,
    tipster_reply,
)

router = Router(tags=["tips"])

NO_STORE = "no-store"


class ApiRefusalError(Exception):
    """An answer other than success, with a stable `code` for programs and a translated
    `detail` for people."""

    def __init__(self, status: int, code: str, detail: str, *, retry_after: int = 0) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_after = retry_after

    def response(self) -> JsonResponse:
        body: dict[str, Any] = {"detail": self.detail, "code": self.code}
        if self.retry_after:
            body["retry_after"] = self.retry_after
        response = JsonResponse(body, status=self.status)
        if self.retry_after:
            response["Retry-After"] = str(self.retry_after)
        response["Cache-Control"] = NO_STORE
        return response


def field_errors_response(errors: dict[str, list[str]]) -> JsonResponse:
    """422 in the shape ninja gives its own validation errors, `loc` naming the JSON field."""
    detail = [
        {"type": "rejected", "loc": ["body", "payload", *_json_path(field)], "msg": message}
        for field, messages in errors.items()
        for message in messages
    ]
    response = JsonResponse({"detail": detail}, status=422)
    response["Cache-Control"] = NO_STORE
    return response


def _json_path(field: str) -> list[str]:
    # The service names contact fields after TipInput ("contact_phone"); the API nests them.
    if field.startswith("contact_"):
        return ["contact", field.removeprefix("contact_")]
    return [field] if field else []


def refusals(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ApiRefusalError and TipRejectedError into their JSON answers. functools.wraps keeps
    the signature ninja reads."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except ApiRefusalError as refusal:
            return refusal.response()
        except TipRejectedError as rejected:
            if rejected.retry_after:  # nothing wrong with the input: the server is busy
                detail = " ".join(m for messages in rejected.errors.values() for m in messages)
                return ApiRefusalError(
                    503, "busy", detail, retry_after=rejected.retry_after
                ).response()
            return field_errors_response(rejected.errors)

    return wrapped


# --- Reading the input ------------------------------------------------------------------------


def current_province(value: str | int) -> AdminUnit | None:
    """A province of today's 34, by official code ("01") or id."""
    return selectors.current_province(value)


def current_commune(value: str | int) -> AdminUnit | None:
    """A commune of today's 3,321, by official code ("00070") or id."""
    return selectors.current_commune(value)


def active_category(code: str) -> Category | None:
    return selectors.active_category(code)


def union_branch(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code.strip(), level=OrgLevel.BRANCH).first()


def decode_attachments(items: Sequence[AttachmentIn], *, field: str) -> list[UploadData]:
    """Base64 to bytes, refusing a file over the size cap before decoding it."""
    max_count = int(settings.TOANDAN_TIP_MAX_ATTACHMENTS)
    if len(items) > max_count:
        # The service's own refusal, before decoding files that would be refused anyway.
        raise TipRejectedError(
            {
                field: [
                    ngettext("Send at most %(max)s file.", "Send at most %(max)s files.", max_count)
                    % {"max": max_count}
                ]
            }
        )
    max_bytes = settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES
    uploads = []
    errors = []
    for item in items:
        encoded = "".join(item.data_base64.split())
        if len(encoded) * 3 // 4 > max_bytes + 2:
            errors.append(
                _("“%(name)s” is larger than %(size)s MB.")
                % {"name": item.name, "size": f"{max_bytes / 1024 / 1024:g}"}
            )
            continue
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            errors.append(_("“%(name)s” is not valid base64.") % {"name": item.name})
            continue
        uploads.append(UploadData(name=item.name, data=data, keep_location=item.keep_location))
    if errors:
        raise TipRejectedError({field: errors})
    return uploads


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def tip_input(payload: TipIn) -> TipInput:
    """The service's input from the API's: codes looked up, every problem reported at once."""
    errors: dict[str, list[str]] = {}
    category = active_category(payload.category)
    if category is None:
        errors["category"] = [
            _("Unknown category “%(code)s”: see GET /api/v1/tips/categories.")
            % {"code": payload.category}
        ]
    province = current_province(payload.province)
    if province is None:
        errors["province"] = [
            _("Unknown province “%(code)s”: give the code of one of the 34 current provinces.")
            % {"code": payload.province}
        ]
    commune = None
    if payload.commune is not None and payload.commune != "":
        commune = current_commune(payload.commune)
        if commune is None:
            errors["commune"] = [
                _("Unknown commune “%(code)s”: give the code of a current commune.")
                % {"code": payload.commune}
            ]
        elif province is not None and commune.parent_id != province.pk:
            errors["commune"] = [
                _("%(commune)s is not in %(province)s.")
                % {"commune": commune.name, "province": province.name}
            ]
    elif not payload.commune_unknown:
        errors["commune"] = [
            _("Give the commune, or set commune_unknown to true if you do not know it.")
        ]
    branch = None
    if payload.union_branch:
        branch = union_branch(payload.union_branch)
        if branch is None:
            errors["union_branch"] = [
                _("Unknown union branch “%(code)s”.") % {"code": payload.union_branch}
            ]
    try:
        uploads = decode_attachments(payload.attachments, field="attachments")
    except TipRejectedError as rejected:
        errors.update(rejected.errors)
        uploads = []
    if errors:
        raise TipRejectedError(errors)
    assert category is not None
    assert province is not None
    contact = payload.contact
    return TipInput(
        category=category,
        description=payload.description,
        province=province,
        commune=commune,
        address=payload.address,
        occurred_at=_aware(payload.occurred_at),
        occurred_on=payload.occurred_on,
        occurred_until=payload.occurred_until,
        occurred_text=payload.occurred_text,
        people=payload.people,
        vehicles=payload.vehicles,
        victim_request=payload.victim_request,
        union_branch=branch,
        contact_name=contact.name if contact else "",
        contact_phone=contact.phone if contact else "",
        contact_email=contact.email if contact else "",
        attachments=tuple(uploads),
    )


# --- Limits and receipts -----------------------------------------------------------------------


def check_intake_rate(request: HttpRequest) -> None:
    """GlobaLeaks' defaults: per hour, a few tips per client key and a ceiling overall."""
    retry_after = ratelimit.submission_wait(request)
    if retry_after:
        raise ApiRefusalError(
            429,
            "rate_limited",
            _("Too many tips from here in a short time: please try again in %(wait)s.")
            % {"wait": ratelimit.wait_text(retry_after)},
            retry_after=retry_after,
        )


def check_reply_rate(request: HttpRequest, tip: Tip) -> None:
    """Replies per hour, per tip and per address: a reply may carry files to clean."""
    retry_after = ratelimit.reply_retry_after(f"tip-{tip.pk}", ratelimit.client_key(request))
    if retry_after:
        raise ApiRefusalError(
            429,
            "rate_limited",
            _("Too many answers in a short time: please try again in %(wait)s.")
            % {"wait": ratelimit.wait_text(retry_after)},
            retry_after=retry_after,
        )


def open_with_receipt(request: HttpRequest, receipt: str) -> Tip:
    """The tip a receipt opens, or the one refusal for unknown, wrong and throttled receipts
    (429 only says to wait: it is the same for a right and a wrong receipt)."""
    try:
        return followup_open(
            receipt=receipt,
            client_key=ratelimit.client_key(request),
            device_key=ratelimit.device_key(request),
        )
    except ReceiptRejectedError as rejected:
        if rejected.retry_after:
            raise ApiRefusalError(
                429,
                "throttled",
                _("Too many attempts: wait %(wait)s before trying again.")
                % {"wait": ratelimit.wait_text(rejected.retry_after)},
                retry_after=rejected.retry_after,
            ) from None
        raise ApiRefusalError(
            404,
            "receipt_rejected",
            _("No tip opens with this receipt. Check the digits and try again."),
        ) from None


def _own_receipt_required(tip: Tip) -> None:
    if tip.receipt_kind == ReceiptKind.STAFF_ISSUED:
        raise ApiRefusalError(
            409,
            "replace_receipt_required",
            _(
                "This receipt was handed over by an officer. Replace it with your own first: "
                "POST /api/v1/tips/receipt/replace."
            ),
        )


def followup_payload(tip: Tip) -> dict[str, Any]:
    view = selectors.tip_public_view(tip)
    return {
        "reference": view.reference,
        "category": view.category,
        "received_at": view.received_at,
        "status": view.status,
        "status_text": view.status_text,
        "forwarded_to": list(view.forwarded_to),
        "result": ({"result": view.result, "reason": view.result_reason} if view.result else None),
        "messages": [
            {
                "direction": message.direction,
                "body": message.body,
                "created_at": message.created_at,
                "attachments": list(message.attachments),
                "link": message.link,
            }
            for message in view.messages
        ],
    }


# --- Operations ---------------------------------------------------------------------------------

REFUSALS: dict[int, Any] = {
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


@router.get("/categories", response=list[CategoryOut], auth=None, summary="What a tip can be about")
@public
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    """`asks_victim_request`: fights and injuries (BLTTHS Art. 155) ask `victim_request`."""
    english = (get_language() or "vi").startswith("en")
    return [
        {
            "code": category.code,
            "name": category.localized_name(),
            "group": category.group,
            "description": (
                category.description_en
                if english and category.description_en
                else category.description_vi
            ),
            "asks_victim_request": category.asks_victim_request,
        }
        for category in Category.objects.filter(active=True)
    ]


# Whole bodies for the docs page ("Try it out"); each is sent by a test and must be accepted.
TIP_EXAMPLES: dict[str, dict[str, Any]] = {
    "anonymous": {
        "summary": "Anonymous, place known",
        "value": {
            "category": "drug-trafficking",
            "description": "Tối nào cũng có nhóm người tụ tập mua bán ma túy ở cuối ngõ 12.",
            "province": "01",
            "commune": "00070",
            "address": "Cuối ngõ 12 phố Hàng Bạc",
            "occurred_text": "tối thứ Bảy tuần trước",
        },
    },
    "commune_unknown": {
        "summary": "Commune not known: the tip goes to the province police",
        "value": {
            "category": "theft",
            "description": "Hai thanh niên bẻ khóa xe máy trước quán cà phê lúc 22 giờ.",
            "province": "01",
            "commune": None,
            "commune_unknown": True,
            "occurred_on": "2026-03-14",
            "occurred_until": "2026-03-15",
        },
    },
    "with_contact_and_photo": {
        "summary": "With contact details and a photo",
        "value": {
            "category": "drug-trafficking",
            "description": "Người bán thường đến lúc 21 giờ, đi xe máy Wave màu đỏ.",
            "province": "01",
            "commune": "00070",
            "occurred_at": "2026-03-14T21:30:00+07:00",
            "people": "Hai thanh niên, một người xăm tay",
            "vehicles": "Xe máy Wave màu đỏ, biển 29-X1",
            "contact": {"name": "Nguyễn Thị Lan", "phone": "0912 345 678", "email": ""},
            "attachments": [{"name": "anh-hien-truong.png", "data_base64": PNG_BASE64_EXAMPLE}],
        },
    },
}


@router.post(
    "",
    response={201: TipCreatedOut, 422: ValidationErrorOut, 429: ErrorOut},
    auth=None,
    summary="Send a tip",
    openapi_extra={"requestBody": {"content": {"application/json": {"examples": TIP_EXAMPLES}}}},
)
@public
@refusals
def tip_create(request: HttpRequest, response: HttpResponse, payload: TipIn) -> Status[Any]:
    """BLTTHS Art. 144–146: no tip is refused; it is entered in the receiving unit's intake
    register at once. Keep the `receipt`: it is shown only this once and is the only way to
    follow the tip up."""
    response["Cache-Control"] = NO_STORE
    check_intake_rate(request)
    submitted = tip_submit(
        data=tip_input(payload),
        channel=Channel.API,
        # No cookie here: the client is its address for the day (toandan.tips.senders).
        sender_client=ratelimit.client_key(request),
    )
    return Status(
        201,
        {
            "reference": submitted.tip.reference,
            "receipt": submitted.receipt,
            "receiving_unit": submitted.tip.register_unit.name,
        },
    )


@router.post(
    "/follow-up",
    response={200: FollowUpOut, **REFUSALS},
    auth=None,
    summary="What happened to my tip",
)
@public
@refusals
def followup(request: HttpRequest, response: HttpResponse, payload: ReceiptIn) -> dict[str, Any]:
    """The status in plain words, where it was forwarded, the result and its reason (BLTTHS
    Art. 158), and the officer's questions. An unknown and a wrong receipt get the same 404."""
    response["Cache-Control"] = NO_STORE
    tip = open_with_receipt(request, payload.receipt)
    _own_receipt_required(tip)
    return followup_payload(tip)


@router.post(
    "/reply",
    response={201: FollowUpOut, **REFUSALS},
    auth=None,
    summary="Answer the officer",
)
@public
@refusals
def reply(request: HttpRequest, response: HttpResponse, payload: ReplyIn) -> Status[Any]:
    """Answers the officer's questions; the answer is the follow-up with the new message."""
    response["Cache-Control"] = NO_STORE
    tip = open_with_receipt(request, payload.receipt)
    _own_receipt_required(tip)
    check_reply_rate(request, tip)
    uploads = decode_attachments(payload.attachments, field="attachments")
    tipster_reply(tip=tip, body=payload.body, attachments=uploads)
    return Status(201, followup_payload(tip))


@router.post(
    "/receipt/replace",
    response={200: ReceiptReplacedOut, **REFUSALS},
    auth=None,
    summary="Replace a receipt handed over by an officer",
)
@public
@refusals
def receipt_replace_own(
    request: HttpRequest, response: HttpResponse, payload: ReceiptIn
) -> dict[str, Any]:
    """For tips an officer entered (phone, in person, mail): the officer knows the receipt
    they handed over, so it opens nothing until it is replaced, once, by one only the tipster
    sees. The old receipt stops working at once."""
    response["Cache-Control"] = NO_STORE
    tip = open_with_receipt(request, payload.receipt)
    if tip.receipt_kind != ReceiptKind.STAFF_ISSUED:
        raise ApiRefusalError(
            409,
            "receipt_not_replaceable",
            _("This receipt is already your own; keep using it."),
        )
    return {"reference": tip.reference, "receipt": receipt_replace(tip=tip)}


# --- Benchmark baseline -------------------------------------------------------------------------

bench_router = Router(tags=["bench"])


@bench_router.post(
    "/minimal", response={201: BenchOut}, auth=None, include_in_schema=False, summary="Baseline"
)
@public
def bench_minimal(request: HttpRequest, payload: BenchIn) -> Status[Any]:
    """`make bench`'s baseline: validate a JSON body and insert one row in one transaction.

    The row is an audit event (one insert plus the chain head update), because every tip's
    transaction also appends one: the baseline pays the same lock the intake pays, and no
    table exists only for the benchmark. It is written the quickest way the intake has
    (`audit_record_together`: the head locked and read, then the event and the head's update
    in one round trip), so that what the intake saves on its audit event does not count as
    its own gain. Answers 404 unless TOANDAN_BENCH_ENDPOINTS is on; `id` is the new chain
    length (the joined write does not read the event's id back)."""
    if not settings.TOANDAN_BENCH_ENDPOINTS:
        raise Http404
    with transaction.atomic(), run_together():
        audit_record_together(
            head=None,
            actor=None,
            action=BenchAction.MINIMAL,
            object_type="bench",
            object_id=payload.category,
            data={"province": str(payload.province), "chars": len(payload.description)},
        )
    return Status(201, {"id": 0})
