"""Input and output shapes of the tips API (`/api/v1/tips/...`).

The caps here only bound what the server will parse; the rules a tip must follow (text lengths,
attachment count and size, types checked by content) are the service's and come back as 422
with per-field messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

RECEIPT_EXAMPLE = "4821 0937 5562 1048 3390"
REFERENCE_EXAMPLE = "T7QK2M9XHP4C"


class AttachmentIn(Schema):
    name: str = Field(..., max_length=255, examples=["anh-hien-truong.jpg"])
    # Base64 of the file's bytes. The whole JSON body is capped (DATA_UPLOAD_MAX_MEMORY_SIZE),
    # so large files go through the web form.
    data_base64: str = Field(..., examples=["/9j/4AAQSkZJRgABAQAAAQABAAD..."])
    # Photos lose their GPS position unless the tipster asks to keep it.
    keep_location: bool = False


class ContactIn(Schema):
    name: str = Field("", max_length=200, examples=["Nguyễn Thị Lan"])
    phone: str = Field("", max_length=40, examples=["0912 345 678"])
    email: str = Field("", max_length=254, examples=["lan@example.vn"])


class TipIn(Schema):
    """A tip. Only `category`, `description` and `province` are required; `commune` may be null
    when `commune_unknown` is true (the tip then goes to the province police)."""

    category: str = Field(..., max_length=40, examples=["drug_trafficking"])
    description: str = Field(
        ...,
        max_length=50_000,
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
    address: str = Field("", max_length=2_000, examples=["Cuối ngõ 12 phố Hàng Bạc"])
    occurred_at: dt.datetime | None = Field(
        None,
        description="Exact time when known; without a time zone it is Vietnam time.",
        examples=["2026-03-14T21:30:00+07:00"],
    )
    occurred_on: dt.date | None = Field(None, description="Approximate: on or after this day.")
    occurred_until: dt.date | None = Field(None, description="Approximate: on or before this day.")
    occurred_text: str = Field("", max_length=2_000, examples=["tối thứ Bảy tuần trước"])
    people: str = Field("", max_length=20_000, examples=["Hai thanh niên, một người xăm tay"])
    vehicles: str = Field("", max_length=20_000, examples=["Xe máy Wave màu đỏ, biển 29-X1"])
    victim_request: Literal["", "yes", "no", "unknown"] = Field(
        "",
        description="For fights and injuries (BLTTHS Art. 155): does the victim ask for "
        "prosecution?",
    )
    union_branch: str | None = Field(
        None,
        max_length=40,
        description="Code of the tipster's union branch, for the movement's statistics.",
    )
    contact: ContactIn | None = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)


class CategoryOut(Schema):
    code: str = Field(..., examples=["drug_trafficking"])
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
        ..., max_length=50_000, examples=["Người đó thường đến lúc 21 giờ, đi xe máy đỏ."]
    )
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=50)


class MessageOut(Schema):
    direction: Literal["to_tipster", "from_tipster"]
    body: str
    created_at: dt.datetime
    attachments: list[str] = Field(default_factory=list, description="File names.")


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
