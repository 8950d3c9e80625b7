"""Documents of awards: the submission (tờ trình) and the decision with its annex list in the
Decree 30 layout (shared builder), and the certificates (their own A4 landscape HTML → PDF).

Documents are in Vietnamese whatever the reader's language (their wording is set by the
decree and by custom), like every Decree 30 document of the project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

import segno
from django.conf import settings

from toandan.awards.models import (
    Award,
    CertificateLayout,
    Council,
    Decision,
    Nomination,
    SubjectType,
)
from toandan.awards.selectors import public_name
from toandan.core.numbers import format_number_vi
from toandan.core.text import vi_date_words
from toandan.documents.decree30 import AdministrativeDocument, Paragraph, Signature
from toandan.documents.pdf import FONT_FAMILY, font_faces_css, write_pdf
from toandan.orgs.models import OrgUnit

SUBJECT_VI = {
    SubjectType.COLLECTIVE: "tập thể",
    SubjectType.INDIVIDUAL: "cá nhân",
    SubjectType.HOUSEHOLD: "hộ gia đình",
}


@dataclass(frozen=True)
class AnnexTable:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[object]]
    notes: Sequence[str] = field(default_factory=list)


def _parent_name(unit: OrgUnit) -> str:
    """The issuing body's superior (Decree 30): none for a ministry or a central union."""
    return unit.parent.name.upper() if unit.parent is not None else ""


def decision_document(decision: Decision) -> AdministrativeDocument:
    """QUYẾT ĐỊNH khen thưởng with its annex list: one table per subject type."""
    campaign = decision.campaign
    awards = list(
        decision.awards.select_related("nomination__unit", "nomination__place", "form").order_by(
            "line"
        )
    )
    counts = {t: sum(a.nomination.subject_type == t for a in awards) for t in SUBJECT_VI}
    total_money = sum(a.amount_vnd for a in awards)
    summary = ", ".join(f"{counts[t]} {SUBJECT_VI[t]}" for t in SUBJECT_VI if counts[t])
    council = Council.objects.filter(campaign=campaign).first()
    council_name = council.name if council else "Hội đồng thi đua, khen thưởng"
    body: list[object] = [
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        (
            "Căn cứ Nghị định quy định chi tiết Luật Thi đua, khen thưởng đang có hiệu lực vào "
            "ngày ký quyết định;"
        ),
        f"Xét đề nghị của {council_name} và kết quả bỏ phiếu kín,",
        Paragraph.text("QUYẾT ĐỊNH:", bold=True),
        Paragraph.labelled(
            "Điều 1",
            f"Khen thưởng {len(awards)} tập thể, cá nhân ({summary}) có thành tích xuất sắc trong "
            f"{campaign.title} (có danh sách kèm theo).",
        ),
        Paragraph.labelled(
            "Điều 2",
            "Mức tiền thưởng bằng hệ số nhân với mức lương cơ sở "
            f"{format_number_vi(decision.base_salary_vnd)} đồng đang có hiệu lực vào ngày ký; "
            f"tổng số tiền {format_number_vi(total_money)} đồng.",
        ),
        Paragraph.labelled(
            "Điều 3",
            "Quyết định có hiệu lực kể từ ngày ký. Mỗi giấy chứng nhận có mã kiểm tra và mã QR "
            "để tra cứu tại trang kiểm tra công khai.",
        ),
    ]
    for subject_type, label in SUBJECT_VI.items():
        rows: list[Sequence[object]] = [
            (
                index,
                public_name(a.nomination) if a.nomination.is_tipster else a.nomination.subject_name,
                "" if a.nomination.is_tipster else a.nomination.unit.name,
                a.nomination.achievement_summary,
                a.form.name,
                a.amount_vnd,
                a.code,
            )
            for index, a in enumerate(
                (a for a in awards if a.nomination.subject_type == subject_type), start=1
            )
        ]
        if rows:
            body.append(
                AnnexTable(
                    title=f"DANH SÁCH {label.upper()} ĐƯỢC KHEN THƯỞNG",
                    headers=[
                        "TT",
                        "Tên",
                        "Đơn vị",
                        "Thành tích",
                        "Hình thức",
                        "Tiền thưởng (đồng)",
                        "Mã",
                    ],
                    rows=rows,
                )
            )
    return AdministrativeDocument(
        issuing_parent=_parent_name(decision.issuing_unit),
        issuing_unit=decision.issuing_unit.name.upper(),
        number=decision.number,
        place=decision.place,
        date=decision.date,
        kind="QUYẾT ĐỊNH",
        title=f"Về việc khen thưởng {campaign.title}",
        body=body,  # type: ignore[arg-type]
        recipients=["Như Điều 1;", "Lưu: VT, hồ sơ thi đua."],
        signatures=[Signature(title=decision.signer_title, name=decision.signer_name)],
    )


def submission_document(nomination: Nomination, *, date: dt.date) -> AdministrativeDocument:
    """TỜ TRÌNH of the nominating unit with the dossier's figures (evidence from data)."""
    evidence = nomination.evidence.get("lines", []) if nomination.evidence else []
    subject = SUBJECT_VI.get(SubjectType(nomination.subject_type), "")
    body: list[object] = [
        (
            f"Thực hiện {nomination.campaign.title}, {nomination.unit.name} trân trọng đề nghị "
            f"xét khen thưởng {subject} {nomination.display_name} hình thức "
            f"“{nomination.form.name}”."
        ),
        Paragraph.labelled("Tóm tắt thành tích", nomination.achievement_summary),
        nomination.achievement,
    ]
    if nomination.police_opinion:
        body.append(Paragraph.labelled("Ý kiến của Công an cấp xã", nomination.police_opinion))
    if evidence:
        body.append(
            AnnexTable(
                title="SỐ LIỆU TỪ HỆ THỐNG",
                headers=["Chỉ tiêu", "Số liệu", "Nguồn"],
                rows=[(line["label"], line["value"], line["source"]) for line in evidence],
            )
        )
    return AdministrativeDocument(
        issuing_parent="",
        issuing_unit=nomination.unit.name.upper(),
        number=f"{nomination.pk}/TTr",
        place=nomination.place.short_name,
        date=date,
        kind="TỜ TRÌNH",
        title="Về việc đề nghị khen thưởng",
        body=body,  # type: ignore[arg-type]
        recipients=[f"{nomination.province_unit.name};", "Lưu: VT."],
        signatures=[Signature(title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH")],
    )


# --- Certificates ------------------------------------------------------------------------------


def verify_url(code: str) -> str:
    base = (settings.TOANDAN_SITE_URL or "").rstrip("/")
    return f"{base}/awards/verify/{code}/"


def qr_svg(data: str) -> str:
    """The QR as inline SVG (the PDF writer fetches nothing, so no image file)."""
    svg = segno.make(data, error="m").svg_inline(scale=3, border=2)
    return str(svg)


DEFAULT_POSITIONS: dict[str, list[float]] = {
    # field: [x mm, y mm, font size pt] on an A4 landscape blank (297 × 210 mm)
    "name": [60, 95, 22],
    "unit": [60, 110, 14],
    "achievement": [60, 122, 12],
    "decision": [60, 150, 11],
    "code": [230, 185, 10],
    "qr": [240, 150, 0],
}


def _certificate_fields(award: Award) -> dict[str, str]:
    nomination = award.nomination
    decision = award.decision
    name = public_name(nomination) if nomination.is_tipster else nomination.subject_name
    return {
        "form": award.form.name.upper(),
        "authority": award.form.granting_authority.upper(),
        "name": name,
        "unit": "" if nomination.is_tipster else nomination.unit.name,
        "achievement": nomination.achievement_summary,
        "campaign": decision.campaign.title,
        "decision": f"Quyết định số {decision.number}, {vi_date_words(decision.date)}",
        "code": award.code,
        "signer": decision.signer_name,
        "signer_title": decision.signer_title.upper(),
        "place_date": f"{decision.place}, {vi_date_words(decision.date)}",
    }


def _full_page(award: Award) -> str:
    f = {k: escape(v).replace("\n", "<br>") for k, v in _certificate_fields(award).items()}
    return (
        '<section class="cert"><div class="frame">'
        f'<p class="authority">{f["authority"]}</p>'
        f"<h1>{f['form']}</h1>"
        f'<p class="for">Tặng</p><p class="name">{f["name"]}</p>'
        f'<p class="unit">{f["unit"]}</p>'
        f'<p class="ach">Đã có thành tích: {f["achievement"]}</p>'
        f'<p class="camp">{f["campaign"]}</p>'
        f'<p class="dec">{f["decision"]}</p>'
        f'<div class="foot"><div class="qr">{qr_svg(verify_url(award.code))}'
        f'<p class="code">Mã kiểm tra: <b>{f["code"]}</b></p></div>'
        f'<div class="sign"><p>{f["place_date"]}</p><p><b>{f["signer_title"]}</b></p>'
        f'<p class="signer">{f["signer"]}</p></div></div>'
        "</div></section>"
    )


def _blank_page(award: Award, positions: dict[str, list[float]]) -> str:
    f = {k: escape(v) for k, v in _certificate_fields(award).items()}
    parts = ['<section class="cert blank">']
    for key in ("name", "unit", "achievement", "decision", "code"):
        x, y, size = (positions.get(key) or DEFAULT_POSITIONS[key])[:3]
        parts.append(f'<p class="at" style="left:{x}mm;top:{y}mm;font-size:{size}pt">{f[key]}</p>')
    x, y, _size = (positions.get("qr") or DEFAULT_POSITIONS["qr"])[:3]
    parts.append(
        f'<div class="at" style="left:{x}mm;top:{y}mm">{qr_svg(verify_url(award.code))}</div>'
    )
    parts.append("</section>")
    return "".join(parts)


CSS = """
@page { size: A4 landscape; margin: 0; }
body { margin: 0; font-family: '%(font)s', serif; }
.cert { width: 297mm; height: 210mm; position: relative; page-break-after: always;
        box-sizing: border-box; padding: 12mm; }
.cert:last-child { page-break-after: auto; }
.frame { border: 3mm double #b22222; height: 100%%; box-sizing: border-box; padding: 8mm 16mm;
         text-align: center; }
.authority { font-size: 14pt; font-weight: bold; margin: 0; }
h1 { font-size: 34pt; color: #b22222; margin: 6mm 0 2mm; letter-spacing: 1pt; }
.for { font-style: italic; font-size: 14pt; margin: 2mm 0; }
.name { font-size: 24pt; font-weight: bold; margin: 2mm 0; }
.unit { font-size: 14pt; margin: 1mm 0; }
.ach { font-size: 13pt; margin: 2mm 10mm; }
.camp { font-size: 12pt; font-style: italic; margin: 2mm 14mm; }
.dec { font-size: 11pt; font-style: italic; }
.foot { display: flex; justify-content: space-between; align-items: flex-end; margin-top: 4mm; }
.qr { text-align: left; } .qr p { margin: 0; font-size: 10pt; }
.sign { text-align: center; font-size: 12pt; } .sign p { margin: 1mm; }
.signer { margin-top: 16mm !important; font-weight: bold; }
.blank { padding: 0; } .at { position: absolute; margin: 0; }
"""


def certificates_pdf(awards: Sequence[Award], *, blank: bool = False) -> bytes:
    """One A4 landscape page per award; `blank` prints only the variable fields at the
    coordinates of the pre-printed blank (`CertificateLayout` "default", else the defaults)."""
    return write_pdf(certificates_html(awards, blank=blank))


def certificates_html(awards: Sequence[Award], *, blank: bool = False) -> str:
    """The HTML `certificates_pdf` prints (also a preview in a browser)."""
    positions: dict[str, list[float]] = {}
    if blank:
        layout = CertificateLayout.objects.filter(name="default").first()
        positions = dict(layout.positions) if layout else {}
    pages = [_blank_page(a, positions) if blank else _full_page(a) for a in awards]
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><style>"
        + font_faces_css()
        + CSS % {"font": FONT_FAMILY}
        + "</style></head><body>"
        + "".join(pages)
        + "</body></html>"
    )
