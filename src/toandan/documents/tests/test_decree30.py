"""Documents in the Decree 30/2020 layout, as DOCX and PDF from one description."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pytest
from docx import Document
from docx.shared import Length, Pt
from pypdf import PdfReader

from toandan.documents import pdf
from toandan.documents.decree30 import (
    MAX_DOCUMENT_TABLE_ROWS,
    MOTTO,
    NATIONAL_TITLE,
    AdministrativeDocument,
    DocumentTooLargeError,
    Paragraph,
    Signature,
    place_and_date,
    place_name,
)
from toandan.documents.pdf import render_html, render_pdf
from toandan.documents.tests.layout import header_grid, pdf_layout
from toandan.documents.word import render_docx
from toandan.geo.models import AdminUnit


@dataclass
class Table:
    """A table as a domain hands it over (`toandan.exports.tables.Table` is one)."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[object]]
    notes: list[str] = field(default_factory=list)


def report(**changes: object) -> AdministrativeDocument:
    values: dict[str, object] = {
        "issuing_parent": "Bộ Công an",
        "issuing_unit": "Công an thành phố Hà Nội",
        "number": "15/BC-CAT",
        "place": "Hà Nội",
        "date": dt.date(2023, 11, 20),
        "title": "Kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2019–2024",
        "body": [
            (
                "Chỉ tính riêng 20 tỉnh, thành phố có báo cáo số liệu, 110 nghìn nguồn tin có "
                "giá trị liên quan đến công tác an ninh trật tự, an toàn xã hội."
            ),
            "Tính đến ngày 20/11/2023, có tổng số 4.701 mô hình.",
            Table(
                title="Bảng 1. Nguồn tin có giá trị theo tỉnh",
                headers=["Tỉnh, thành phố", "Nguồn tin", "Tỷ lệ"],
                rows=[["Hà Nội", 12_000, 39.2], ["Lào Cai", 4_701, 0.5]],
                notes=["Nguồn: toandan"],
            ),
        ],
        "recipients": ["Như trên;", "- Lưu: VT, PV01."],
        "signatures": [Signature(title="KT. GIÁM ĐỐC\nPhó Giám đốc", name="Nguyễn Văn A")],
    }
    values.update(changes)
    return AdministrativeDocument(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2023, 11, 20), "Hà Nội, ngày 20 tháng 11 năm 2023"),
        (dt.date(2024, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2024"),
        (dt.date(2024, 1, 15), "Hà Nội, ngày 15 tháng 01 năm 2024"),
        (dt.date(2024, 3, 9), "Hà Nội, ngày 09 tháng 3 năm 2024"),
    ],
)
def test_place_and_date_pads_like_decree_30(day, expected):
    assert place_and_date("Hà Nội", day) == expected


def mm(length: Length | None) -> float:
    # Word stores twentieths of a point: compare to the tenth of a millimetre.
    assert length is not None
    return round(float(length.mm), 1)


def _paragraph_texts(cell_or_doc) -> list[str]:
    return [p.text for p in cell_or_doc.paragraphs if p.text]


def test_docx_carries_the_national_motto_header_and_the_issuer():
    document = Document(io.BytesIO(render_docx(report())))
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert _paragraph_texts(left) == ["BỘ CÔNG AN", "CÔNG AN THÀNH PHỐ HÀ NỘI", "Số: 15/BC-CAT"]
    assert _paragraph_texts(right) == [
        NATIONAL_TITLE,
        MOTTO,
        "Hà Nội, ngày 20 tháng 11 năm 2023",
    ]
    title_run = right.paragraphs[0].runs[0]
    motto_run = right.paragraphs[1].runs[0]
    date_run = right.paragraphs[2].runs[0]
    assert title_run.bold
    assert title_run.font.size == Pt(12)
    assert motto_run.bold
    assert motto_run.underline
    assert motto_run.font.size == Pt(13)
    assert date_run.italic
    assert left.paragraphs[1].runs[0].bold  # the issuing unit
    assert not left.paragraphs[0].runs[0].bold  # its parent
    # The header table has no borders: no grid style, no border definitions.
    assert header.style is None or "Grid" not in header.style.name
    assert "w:tblBorders" not in header._tbl.xml


def test_docx_has_title_body_tables_recipients_and_signature():
    document = Document(io.BytesIO(render_docx(report())))
    texts = _paragraph_texts(document)
    assert texts[0] == "BÁO CÁO"
    assert texts[1] == "Kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2019–2024"
    assert texts[2].startswith("Chỉ tính riêng 20 tỉnh, thành phố")
    assert "Bảng 1. Nguồn tin có giá trị theo tỉnh" in texts
    assert "Nguồn: toandan" in texts
    data = document.tables[1]
    assert [c.text for c in data.rows[0].cells] == ["Tỉnh, thành phố", "Nguồn tin", "Tỷ lệ"]
    # Numbers in the Vietnamese way.
    assert [c.text for c in data.rows[1].cells] == ["Hà Nội", "12.000", "39,2"]
    assert [c.text for c in data.rows[2].cells] == ["Lào Cai", "4.701", "0,5"]
    recipients, signature = document.tables[2].rows[0].cells
    assert _paragraph_texts(recipients) == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, PV01."]
    heading = recipients.paragraphs[0].runs[0]
    assert heading.bold
    assert heading.italic
    assert _paragraph_texts(signature) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    assert all(p.runs[0].bold for p in signature.paragraphs if p.text)


def test_docx_page_is_a4_with_decree_margins_in_times_new_roman():
    document = Document(io.BytesIO(render_docx(report())))
    section = document.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert 20 <= mm(section.top_margin) <= 25
    assert 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35
    assert 15 <= mm(section.right_margin) <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert Pt(13) <= normal.font.size <= Pt(14)
    # Page numbers from the second page only.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def test_pdf_carries_the_same_header_and_signature():
    data = render_pdf(report())
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    for expected in (
        NATIONAL_TITLE,
        MOTTO,
        "CÔNG AN THÀNH PHỐ HÀ NỘI",
        "Số: 15/BC-CAT",
        "Hà Nội, ngày 20 tháng 11 năm 2023",
        "BÁO CÁO",
        "Nơi nhận:",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn A",
        "12.000",
    ):
        assert expected in text, expected


def test_html_escapes_what_the_body_says():
    html = render_html(report(body=["<script>alert(1)</script>"]))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_number_written_with_its_prefix_is_not_doubled():
    document = Document(io.BytesIO(render_docx(report(number="Số: 7/BC-HPN"))))
    left = document.tables[0].rows[0].cells[0]
    assert _paragraph_texts(left)[-1] == "Số: 7/BC-HPN"


def test_a_table_too_long_to_print_is_refused():
    rows = ([str(i), i] for i in range(MAX_DOCUMENT_TABLE_ROWS + 1))
    long_table = Table(title="Danh sách", headers=["Xã", "Số"], rows=rows)
    with pytest.raises(DocumentTooLargeError, match="XLSX"):
        render_docx(report(body=[long_table]))


def test_docx_header_grid_is_its_cells_widths_so_libreoffice_keeps_the_title_on_one_line():
    document = Document(io.BytesIO(render_docx(report())))

    header = header_grid(document)

    assert header.grid == header.cells
    # Room for the national title at 12 pt bold (8.8 cm in Times) and for a commune police
    # unit at 13 pt bold ("CÔNG AN PHƯỜNG HOÀN KIẾM", 7.2 cm).
    assert header.text_width_cm(1) >= 8.9
    assert header.text_width_cm(0) >= 7.2


def test_pdf_is_printed_in_the_shipped_font_with_the_title_on_one_line_and_its_rules():
    layout = pdf_layout(render_pdf(report()))
    page = layout.first

    assert layout.fonts
    assert all(name.startswith("Liberation-Serif") for name in layout.fonts), layout.fonts
    title = page.line_with(NATIONAL_TITLE)
    assert page.fragment(NATIONAL_TITLE).size == 12
    motto = page.fragment(MOTTO)
    assert any(
        rule.x0 <= motto.x + 2 and rule.x1 > motto.x + 100
        for rule in page.rules_below(page.line_with(MOTTO))
    )
    unit = page.line_with("CÔNG AN THÀNH PHỐ HÀ NỘI")
    assert page.rules_below(unit), "no rule under the issuing unit"
    summary = page.line_with("Kết quả phong trào toàn dân")
    assert page.rules_below(summary, within=16), "no rule under the summary line"
    assert title.y < page.line_with("Hà Nội, ngày 20 tháng 11 năm 2023").y
    assert page.fragment("Chỉ tính riêng").size == 14


def test_the_pdf_font_is_the_one_shipped_in_the_package(monkeypatch):
    fetched: list[str] = []

    class Recording(dict[str, bytes]):
        def get(self, url, default=None):
            fetched.append(url)
            return super().get(url, default)

    shipped = pdf._font_files()
    monkeypatch.setattr(pdf, "_font_files", lambda: Recording(shipped))
    render_pdf(report())

    folder = pdf.FONTS_DIR.as_uri() + "/"
    assert {folder + "LiberationSerif-Regular.ttf", folder + "LiberationSerif-Bold.ttf"} <= set(
        fetched
    )
    assert all(url.startswith(folder) for url in fetched)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/", "data:,x"])
def test_server_side_request_forgery_through_a_printed_document_is_refused(url):
    # A document prints users' and tipsters' text: whatever URL reaches WeasyPrint, the
    # printer fetches nothing but the shipped fonts.
    with pytest.raises(pdf.FetchRefusedError):
        pdf._fonts_only_fetcher().fetch(url)


@pytest.mark.parametrize(
    ("name", "short_name", "expected"),
    [
        ("Thành phố Hà Nội", "Hà Nội", "Hà Nội"),
        ("Tỉnh Lào Cai", "Lào Cai", "Lào Cai"),
        ("Phường Hoàn Kiếm", "Hoàn Kiếm", "Hoàn Kiếm"),
        # Named after a person or with a number: the full name (Decree 30, App. I, II.4.a).
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
        ("Phường 7", "7", "Phường 7"),
    ],
)
def test_the_place_line_names_the_place_as_decree_30_writes_it(name, short_name, expected):
    assert place_name(AdminUnit(name=name, short_name=short_name)) == expected


def record(**changes: object) -> AdministrativeDocument:
    return report(
        kind="BIÊN BẢN TIẾP NHẬN NGUỒN TIN VỀ TỘI PHẠM",
        title="",
        subtitle=["Mã tin báo: T7QK2M9XHP4C"],
        body=[
            "Hồi 14 giờ 30 phút, ngày 20 tháng 11 năm 2023.",
            Paragraph.labelled("Người tiếp nhận", "Lê Văn Hùng."),
            Paragraph.labelled("Loại tin báo", "Trộm cắp tài sản", item=True),
        ],
        recipients=[],
        signatures=[
            Signature(title="NGƯỜI TỐ GIÁC, BÁO TIN", note="(nếu có; ký, ghi rõ họ tên)"),
            Signature(title="NGƯỜI TIẾP NHẬN", note="(ký, ghi rõ họ tên)", name="Lê Văn Hùng"),
        ],
        dated_at_signatures=True,
        **changes,
    )


def test_a_record_is_dated_above_its_two_signatures_in_both_formats():
    page = pdf_layout(render_pdf(record())).first
    dated = page.line_with("Hà Nội, ngày 20 tháng 11 năm 2023")
    signers = page.line_with("NGƯỜI TIẾP NHẬN")
    assert "NGƯỜI TỐ GIÁC, BÁO TIN" in signers.text  # side by side
    assert page.line_with("Người tiếp nhận: Lê Văn Hùng.").y < dated.y < signers.y
    assert "Nơi nhận" not in "\n".join(line.text for line in page.lines())
    assert page.fragment("Người tiếp nhận:").font.endswith("Bold")
    assert page.line_with("- Loại tin báo: Trộm cắp tài sản")

    document = Document(io.BytesIO(render_docx(record())))
    header = document.tables[0].rows[0].cells[1]
    assert _paragraph_texts(header) == [NATIONAL_TITLE, MOTTO]
    texts = _paragraph_texts(document)
    assert texts[-1] == "Hà Nội, ngày 20 tháng 11 năm 2023"
    left, right = document.tables[-1].rows[0].cells
    assert _paragraph_texts(left) == ["NGƯỜI TỐ GIÁC, BÁO TIN", "(nếu có; ký, ghi rõ họ tên)"]
    assert _paragraph_texts(right) == ["NGƯỜI TIẾP NHẬN", "(ký, ghi rõ họ tên)", "Lê Văn Hùng"]
    assert "- Loại tin báo: Trộm cắp tài sản" in texts


def test_a_second_signer_is_printed_under_the_recipients_and_the_first():
    doc = report(
        signatures=[
            Signature(title="GIÁM ĐỐC", name="Nguyễn Văn A"),
            Signature(title="KẾ TOÁN TRƯỞNG", name="Trần Thị C"),
        ]
    )

    text = pdf_layout(render_pdf(doc)).text()
    document = Document(io.BytesIO(render_docx(doc)))

    for name in ("Nơi nhận:", "Nguyễn Văn A", "KẾ TOÁN TRƯỞNG", "Trần Thị C"):
        assert name in text
    recipients, first = document.tables[-2].rows[0].cells
    assert _paragraph_texts(recipients)[0] == "Nơi nhận:"
    assert _paragraph_texts(first) == ["GIÁM ĐỐC", "Nguyễn Văn A"]
    assert _paragraph_texts(document.tables[-1].rows[0].cells[0]) == [
        "KẾ TOÁN TRƯỞNG",
        "Trần Thị C",
    ]


def test_control_characters_stored_before_input_was_cleaned_do_not_break_the_docx():
    # Tips stored before incoming text was cleaned may hold \x0b or \x1b: python-docx refuses
    # them ("All strings must be XML compatible") and the record failed with 500 for good.
    body = ["Nhóm người\x0b bán ma túy\x1b[0m ở cuối ngõ 12.", "Cuối ngõ\x00 12"]

    document = Document(io.BytesIO(render_docx(report(body=body))))

    texts = "\n".join(p.text for p in document.paragraphs)
    assert "Nhóm người bán ma túy[0m ở cuối ngõ 12." in texts
    assert "Cuối ngõ 12" in texts
    assert b"%PDF" in render_pdf(report(body=body))[:8]
