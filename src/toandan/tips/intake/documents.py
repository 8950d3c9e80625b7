"""Printable documents of the intake: the intake record (PDF and DOCX) and the receipt card.

The intake record ("biên bản tiếp nhận nguồn tin về tội phạm", BLTTHS Art. 146) is written in
Vietnamese whatever language the officer's interface uses: it is an official record, and its
wording (national motto, headings, signature block) is fixed by administrative practice, so its
texts are not run through the translation catalogue. It is described once as a Decree 30
document (`toandan.documents.decree30`) and laid out as PDF and DOCX by `toandan.documents`.

Every free-text field of the tip is printed with its links defanged (`toandan.core.defang`).

The record never prints the tipster's contact details: it says only whether the tipster stayed
anonymous or left details that are kept under seal. The tip's content is read through
`toandan.tips.selectors.tip_content`, which checks the actor's access and audits the reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from toandan.core.defang import defang
from toandan.core.text import vi_date_words
from toandan.documents.decree30 import (
    AdministrativeDocument,
    Block,
    Paragraph,
    Signature,
    place_name,
)
from toandan.documents.pdf import render_pdf
from toandan.documents.word import render_docx
from toandan.tips.intake.forms import size_text
from toandan.tips.models import Channel, Tip, VictimRequest

RECORD_TITLE = "BIÊN BẢN TIẾP NHẬN NGUỒN TIN VỀ TỘI PHẠM"
LEGAL_BASIS = "(Tố giác, tin báo về tội phạm — Điều 144, 145, 146 Bộ luật Tố tụng hình sự)"

CHANNEL_VI: dict[str, str] = {
    Channel.WEB: "Trực tuyến, qua biểu mẫu trên Cổng toandan",
    Channel.API: "Trực tuyến, qua ứng dụng kết nối (API)",
    Channel.OPEN311: "Trực tuyến, qua ứng dụng kết nối (Open311)",
    Channel.PHONE: "Qua điện thoại",
    Channel.IN_PERSON: "Trực tiếp tại trụ sở",
    Channel.MAIL: "Qua đường bưu chính",
}
VICTIM_REQUEST_VI: dict[str, str] = {
    VictimRequest.YES: "Có, bị hại yêu cầu khởi tố",
    VictimRequest.NO: "Không, bị hại không yêu cầu khởi tố",
    VictimRequest.UNKNOWN: "Người báo tin không biết",
}
ROLE_VI: dict[str, str] = {
    "police_officer": "Cán bộ",
    "police_leader": "Lãnh đạo",
}
KIND_VI: dict[str, str] = {
    "image": "Ảnh",
    "audio": "Ghi âm",
    "video": "Video",
    "document": "Tài liệu",
}


@dataclass(frozen=True)
class RecordRow:
    label: str
    value: str


@dataclass(frozen=True)
class IntakeRecord:
    """Everything the record shows, already worded in Vietnamese; both formats render it."""

    parent_unit: str
    unit: str
    register_number: str
    reference: str
    received_time: str
    received_day: str
    place_of_receipt: str
    channel: str
    officer_name: str
    officer_title: str
    tipster: str
    tip_rows: list[RecordRow]
    description: str
    attachments: list[str]
    closing: str
    # The place as Decree 30 writes it ("Hà Nội", not "Thành phố Hà Nội") and the day printed.
    signed_place: str
    signed_on: dt.date


def _vi_datetime(moment: dt.datetime) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return (
        f"{local.hour:02d} giờ {local.minute:02d} phút",
        vi_date_words(local.date()),
    )


def _vi_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _content_value(content: Any, name: str) -> str:
    """A free-text field of the decrypted content, whether the selector returns a mapping or an
    object, with its links defanged: PDF viewers and word processors turn a written URL into a
    link, and a tip about a fraud quotes the fraudster's phishing page."""
    value = content.get(name, "") if isinstance(content, dict) else getattr(content, name, "")
    return defang(str(value or "").strip())


def _when_text(tip: Tip, content: Any) -> str:
    parts: list[str] = []
    if tip.occurred_at is not None:
        time_text, day_text = _vi_datetime(tip.occurred_at)
        parts.append(f"Lúc {time_text} {day_text}")
    elif tip.occurred_on and tip.occurred_until and tip.occurred_on == tip.occurred_until:
        parts.append(f"Ngày {_vi_date(tip.occurred_on)}")
    else:
        if tip.occurred_on:
            parts.append(f"từ ngày {_vi_date(tip.occurred_on)}")
        if tip.occurred_until:
            parts.append(f"đến ngày {_vi_date(tip.occurred_until)}")
    words = _content_value(content, "occurred_text")
    if words:
        parts.append(f"theo lời người báo tin: “{words}”")
    text = ", ".join(parts)
    return (text[:1].upper() + text[1:]) if text else "Không rõ"


def _where_text(tip: Tip, content: Any) -> str:
    if tip.commune is not None:
        place = f"{tip.commune.name}, {tip.province.name}"
    else:
        place = f"{tip.province.name} (người báo tin không biết xã, phường)"
    address = _content_value(content, "address")
    return f"{address}; {place}" if address else place


def _officer(tip: Tip, actor: AbstractBaseUser) -> tuple[str, str]:
    """Who received the tip: the officer who entered it, or for online tips the officer who
    draws up the record."""
    from toandan.accounts.selectors import active_role_assignments

    officer = tip.entered_by or actor
    name = str(getattr(officer, "get_full_name", lambda: "")() or officer.get_username())
    assignment = (
        active_role_assignments(officer, roles=ROLE_VI.keys())
        .filter(org_unit=tip.register_unit)
        .first()
    ) or active_role_assignments(officer, roles=ROLE_VI.keys()).first()
    if assignment is None:
        return name, tip.register_unit.name
    return name, f"{ROLE_VI[assignment.role]} {assignment.org_unit.name}"


def _attachment_lines(tip: Tip) -> list[str]:
    lines = []
    for index, attachment in enumerate(
        tip.attachments.filter(message__isnull=True).order_by("created_at", "id"), start=1
    ):
        kind = KIND_VI.get(attachment.content_type.split("/", 1)[0], "Tệp")
        if attachment.content_type == "application/pdf":
            kind = "Tài liệu"
        note = "" if attachment.metadata_removed else ", giữ nguyên siêu dữ liệu"
        if attachment.kept_location:
            note += ", người báo tin giữ lại vị trí trong ảnh"
        with translation.override("vi"):
            size = size_text(attachment.size)
        lines.append(f"Tệp {index}: {kind} ({attachment.content_type}, {size}{note})")
    return lines


def intake_record(tip: Tip, *, actor: AbstractBaseUser) -> IntakeRecord:
    """The record's content. Reading the content is an audited access (selectors.tip_content)."""
    from toandan.tips.selectors import tip_content

    content = tip_content(tip, actor=actor)
    unit = tip.register_unit
    parent = unit.parent
    received_time, received_day = _vi_datetime(tip.received_at)
    if tip.channel in {Channel.WEB, Channel.API, Channel.OPEN311}:
        place_of_receipt = "Hệ thống tiếp nhận tin báo trực tuyến toandan"
    else:
        place_of_receipt = f"Trụ sở {unit.name}"
    officer_name, officer_title = _officer(tip, actor)
    tipster = (
        "Người báo tin có để lại thông tin liên hệ; thông tin này được niêm phong, lưu riêng "
        "và mã hóa, không ghi vào biên bản (BLTTHS Điều 56)."
        if tip.has_contact
        else "Người báo tin giấu tên (không để lại thông tin liên hệ)."
    )
    rows = [
        RecordRow("Loại tin báo", tip.category.name_vi),
        RecordRow("Thời gian xảy ra", _when_text(tip, content)),
        RecordRow("Nơi xảy ra", _where_text(tip, content)),
    ]
    people = _content_value(content, "people")
    if people:
        rows.append(RecordRow("Người liên quan", people))
    vehicles = _content_value(content, "vehicles")
    if vehicles:
        rows.append(RecordRow("Phương tiện liên quan", vehicles))
    if tip.victim_request:
        rows.append(
            RecordRow(
                "Yêu cầu khởi tố của bị hại (BLTTHS Điều 155)",
                VICTIM_REQUEST_VI.get(tip.victim_request, tip.victim_request),
            )
        )
    now = timezone.now()
    now_time, now_day = _vi_datetime(now)
    return IntakeRecord(
        parent_unit=(parent.name if parent is not None else "").upper(),
        unit=unit.name.upper(),
        register_number=tip.register_number,
        reference=tip.reference,
        received_time=received_time,
        received_day=received_day,
        place_of_receipt=place_of_receipt,
        channel=CHANNEL_VI.get(tip.channel, tip.channel),
        officer_name=officer_name,
        officer_title=officer_title,
        tipster=tipster,
        tip_rows=rows,
        description=_content_value(content, "description"),
        attachments=_attachment_lines(tip),
        closing=(
            f"Biên bản được in từ sổ tiếp nhận lúc {now_time} {now_day}, gồm các nội dung "
            "trên, đã được đọc lại cho những người có tên ở trên nghe và cùng ký xác nhận."
        ),
        signed_place=place_name(tip.province),
        signed_on=timezone.localtime(now).date(),
    )


def _record_body(record: IntakeRecord) -> list[Block]:
    return [
        f"Hồi {record.received_time}, {record.received_day}, tại {record.place_of_receipt}.",
        Paragraph.labelled("Người tiếp nhận", f"{record.officer_name}, {record.officer_title}."),
        Paragraph.labelled("Hình thức tiếp nhận", f"{record.channel}."),
        Paragraph.labelled("Người tố giác, báo tin", record.tipster),
        Paragraph.text("Nội dung tố giác, tin báo:", bold=True),
        *(Paragraph.labelled(row.label, row.value, item=True) for row in record.tip_rows),
        Paragraph.text("Người báo tin trình bày:", bold=True),
        *(line for line in record.description.splitlines() if line.strip()),
        Paragraph.text("Tài liệu, đồ vật kèm theo:", bold=True),
        *(Paragraph.text(line, item=True) for line in record.attachments or ["Không có."]),
        record.closing,
    ]


def intake_record_document(tip: Tip, *, actor: AbstractBaseUser) -> AdministrativeDocument:
    """The intake record as a Decree 30 document: dated where it is signed, signed by the
    tipster (if present) and the officer who received the tip."""
    record = intake_record(tip, actor=actor)
    return AdministrativeDocument(
        issuing_parent=record.parent_unit,
        issuing_unit=record.unit,
        number=record.register_number,
        place=record.signed_place,
        date=record.signed_on,
        kind=RECORD_TITLE,
        subtitle=[LEGAL_BASIS, f"Mã tin báo: {record.reference}"],
        body=_record_body(record),
        signatures=[
            Signature(title="NGƯỜI TỐ GIÁC, BÁO TIN", note="(nếu có; ký, ghi rõ họ tên)"),
            Signature(
                title="NGƯỜI TIẾP NHẬN", note="(ký, ghi rõ họ tên)", name=record.officer_name
            ),
        ],
        dated_at_signatures=True,
    )


def intake_record_pdf(tip: Tip, *, actor: AbstractBaseUser) -> bytes:
    """The intake record as a PDF (BLTTHS Art. 146: every tip gets an intake record)."""
    return render_pdf(intake_record_document(tip, actor=actor))


def intake_record_docx(tip: Tip, *, actor: AbstractBaseUser) -> bytes:
    """The intake record as a Word document, for units that fill in and sign on paper."""
    return render_docx(intake_record_document(tip, actor=actor))


def receipt_card_html(reference: str, receipt: str, unit_name: str = "") -> str:
    """The receipt card's HTML (see `receipt_card_pdf`). The receipt is the number that opens
    the tip; the reference only names it for the police, and the card says so."""
    return render_to_string(
        "tips/documents/receipt_card.html",
        {
            "reference": reference,
            "groups": receipt.split(),
            "unit_name": unit_name,
            "followup_url": settings.TOANDAN_SITE_URL.rstrip("/") + reverse("tips:followup"),
        },
    )


def receipt_card_pdf(reference: str, receipt: str, unit_name: str = "") -> bytes:
    """A small card with the receipt in digit groups, to print or keep on the phone.

    Made only from the one-time receipt state of the session: the receipt is never stored.
    Like the intake record, it is a fixed Vietnamese document, and it prints the follow-up
    page's full address (TOANDAN_SITE_URL) so the card alone is enough to come back.
    """
    from weasyprint import HTML

    html = receipt_card_html(reference, receipt, unit_name)
    return bytes(HTML(string=html).write_pdf())
