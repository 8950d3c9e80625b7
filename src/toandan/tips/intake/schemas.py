"""Input and output shapes of the tips API (`/api/v1/tips/...`).

The limits are the web form's, one limit for both: the fixed ones are the service's constants,
and the text length and file count follow settings (TOANDAN_TIP_MAX_TEXT_CHARS,
TOANDAN_TIP_MAX_ATTACHMENTS), read when the docs are built and checked by the service, whose
refusals come back as 422 with per-field messages.

Every field has an example, and the docs page builds the body it offers from them: each must
be accepted as it stands (tests/test_api.py sends them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from ninja import Field, Schema

from toandan.tips.services import ADDRESS_MAX, EMAIL_MAX, NAME_MAX, PEOPLE_MAX, WHEN_TEXT_MAX

RECEIPT_EXAMPLE = "4821 0937 5562 1048 3390"
REFERENCE_EXAMPLE = "T7QK2M9XHP4C"
# A real 1x1 PNG: an example file the API accepts.
PNG_BASE64_EXAMPLE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"
    "AAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


def text_limit(schema: dict[str, Any]) -> None:
    """maxLength from settings when the docs are built (never at import)."""
    schema["maxLength"] = int(settings.TOANDAN_TIP_MAX_TEXT_CHARS)


def files_limit(schema: dict[str, Any]) -> None:
    schema["maxItems"] = int(settings.TOANDAN_TIP_MAX_ATTACHMENTS)


class AttachmentIn(Schema):
    name: str = Field(..., max_length=255, examples=["anh-hien-truong.png"])
    # Base64 of the file's bytes. The whole JSON body is capped (DATA_UPLOAD_MAX_MEMORY_SIZE),
    # so large files go through the web form.
    data_base64: str = Field(..., examples=[PNG_BASE64_EXAMPLE])
    # Photos lose their GPS position unless the tipster asks to keep it.
    keep_location: bool = False


class ContactIn(Schema):
    name: str = Field("", max_length=NAME_MAX, examples=["Nguyễn Thị Lan"])
    phone: str = Field("", max_length=40, examples=["0912 345 678"])
    email: str = Field("", max_length=EMAIL_MAX, examples=["lan@example.vn"])


class TipIn(Schema):
    """A tip. Only `category`, `description` and `province` are required; `commune` may be null
    when `commune_unknown` is true (the tip then goes to the province police)."""

    category: str = Field(
        ...,
        max_length=40,
        description="A code from GET /api/v1/tips/categories.",
        examples=["drug-trafficking"],
    )
    description: str = Field(
        ...,
        json_schema_extra=text_limit,
        examples=["Tối nào cũng có nhóm người tụ tập mua bán ma túy ở cuối ngõ 12."],
    )
    province: str | int = Field(
        ..., description="Code of a current province (“01”) or its id.", examples=["01"]
    )
    commune: str | int | None = Field(
        None,
        description="Code of a current commune of that province (“00070”) or its id.",
        examples=["00070"],
    )
    commune_unknown: bool = Field(
        default=False, description="True when the tipster does not know it."
    )
    address: str = Field("", max_length=ADDRESS_MAX, examples=["Cuối ngõ 12 phố Hàng Bạc"])
    occurred_at: dt.datetime | None = Field(
        None,
        description="Exact time when known; without a time zone it is Vietnam time.",
        examples=["2026-03-14T21:30:00+07:00"],
    )
    # Null examples: with occurred_at given, the approximate days are left out.
    occurred_on: dt.date | None = Field(
        None, description="Approximate: on or after this day.", examples=[None]
    )
    occurred_until: dt.date | None = Field(
        None, description="Approximate: on or before this day.", examples=[None]
    )
    occurred_text: str = Field("", max_length=WHEN_TEXT_MAX, examples=["tối thứ Bảy tuần trước"])
    people: str = Field("", max_length=PEOPLE_MAX, examples=["Hai thanh niên, một người xăm tay"])
    vehicles: str = Field("", max_length=PEOPLE_MAX, examples=["Xe máy Wave màu đỏ, biển 29-X1"])
    victim_request: Literal["", "yes", "no", "unknown"] = Field(
        "",
        description="For fights and injuries (BLTTHS Art. 155): does the victim ask for "
        "prosecution?",
    )
    union_branch: str | None = Field(
        None,
        max_length=40,
        description="Code of the tipster's union branch, for the movement's statistics.",
        examples=[None],
    )
    contact: ContactIn | None = None
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        description="Files as base64; the count is that of the web form.",
        json_schema_extra=files_limit,
    )


class CategoryOut(Schema):
    code: str = Field(..., examples=["drug-trafficking"])
    name: str = Field(..., examples=["Mua bán trái phép chất ma túy"])
    group: str = Field(..., examples=["drugs"])
    description: str
    asks_victim_request: bool


class TipCreatedOut(Schema):
    """`receipt` is shown once: the server keeps only a keyed hash of it."""

    reference: str = Field(..., examples=[REFERENCE_EXAMPLE])
    receipt: str = Field(..., examples=[RECEIPT_EXAMPLE])
    receiving_unit: str = Field(..., examples=["Công an phường Hoàn Kiếm"])


class ReceiptIn(Schema):
    receipt: str = Field(..., max_length=100, examples=[RECEIPT_EXAMPLE])


class ReplyIn(Schema):
    receipt: str = Field(..., max_length=100, examples=[RECEIPT_EXAMPLE])
    body: str = Field(
        ...,
        json_schema_extra=text_limit,
        examples=["Người đó thường đến lúc 21 giờ, đi xe máy đỏ."],
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, json_schema_extra=files_limit)


class MessageOut(Schema):
    direction: Literal["to_tipster", "from_tipster"]
    body: str
    created_at: dt.datetime
    attachments: list[str] = Field(default_factory=list, description="File names.")
    link: str = Field(
        default="", description="A page of this site to open (e.g. a commendation's certificate)."
    )


class ResultOut(Schema):
    """BLTTHS Art. 158: the tipster is told the result and the reason, and may complain."""

    result: str
    reason: str


class FollowUpOut(Schema):
    reference: str = Field(..., examples=[REFERENCE_EXAMPLE])
    category: str = Field(..., examples=["Mua bán trái phép chất ma túy"])
    received_at: dt.datetime
    status: Literal[
        "received", "checking", "forwarded", "resolving", "suspended", "concluded", "merged"
    ]
    status_text: str = Field(..., examples=["Đã tiếp nhận"])
    forwarded_to: list[str] = Field(default_factory=list)
    result: ResultOut | None = None
    messages: list[MessageOut] = Field(default_factory=list)


class ReceiptReplacedOut(Schema):
    reference: str = Field(..., examples=[REFERENCE_EXAMPLE])
    receipt: str = Field(..., examples=[RECEIPT_EXAMPLE])


class ErrorOut(Schema):
    """`code`: receipt_rejected, throttled, rate_limited, replace_receipt_required,
    receipt_not_replaceable."""

    detail: str
    code: str
    retry_after: int | None = None


class FieldErrorOut(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


class BenchIn(Schema):
    """Body of the benchmark's baseline endpoint: about what a tip's required fields are."""

    category: str = Field(..., max_length=40)
    description: str = Field(..., max_length=50_000)
    province: str | int


class BenchOut(Schema):
    id: int
