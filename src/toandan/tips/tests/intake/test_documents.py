"""The intake record (PDF and DOCX) and the receipt card: what they say, and what they never say."""

from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document
from pypdf import PdfReader

from toandan.accounts.tests.factories import make_user
from toandan.documents.tests.layout import header_grid, pdf_layout
from toandan.media.files import UploadData
from toandan.tips import services
from toandan.tips.intake import documents
from toandan.tips.models import Category, Channel, Tip
from toandan.tips.services import TipInput
from toandan.tips.tests.intake.test_forms import commune, province

pytestmark = pytest.mark.django_db

MOTTO_LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DESCRIPTION = "Nhóm thanh niên bán ma túy ở cuối ngõ 12 phố Hàng Bạc, tối thứ Bảy."
CONTACT = ("Nguyễn Thị Lan", "0912345678", "lan.nguyen@example.vn")


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return " ".join(" ".join(parts).split())


@pytest.fixture
def officer():
    return make_user("ca.bienban.test", "police_officer", "CA-01-00070", full_name="Lê Văn Hùng")


def tip_with_contact() -> Tip:
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
        b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    return services.tip_submit(
        data=TipInput(
            category=Category.objects.get(code="drug-trafficking"),
            description=DESCRIPTION,
            province=province(),
            commune=commune(),
            address="Cuối ngõ 12",
            occurred_text="tối thứ Bảy tuần trước",
            people="Hai thanh niên",
            contact_name=CONTACT[0],
            contact_phone=CONTACT[1],
            contact_email=CONTACT[2],
            attachments=(UploadData(name="anh.png", data=png),),
        )
    ).tip


def anonymous_tip() -> Tip:
    return services.tip_submit(
        data=TipInput(
            category=Category.objects.get(code="fight-injury"),
            description="Hai nhóm đánh nhau trước quán nước.",
            province=province(),
            commune=None,
            victim_request="yes",
        )
    ).tip


def test_the_pdf_record_has_the_motto_the_register_number_and_the_content(officer):
    tip = tip_with_contact()

    data = documents.intake_record_pdf(tip, actor=officer)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for line in MOTTO_LINES:
        assert line in text
    assert "BIÊN BẢN TIẾP NHẬN NGUỒN TIN VỀ TỘI PHẠM" in text
    assert tip.register_number in text
    assert tip.register_unit.name.upper() in text
    assert DESCRIPTION in text
    assert "Mua bán, vận chuyển trái phép chất ma túy" in text
    assert "Lê Văn Hùng" in text
    assert "Phường Hoàn Kiếm" in text
    assert "niêm phong" in text  # contact details kept under seal ...
    for detail in CONTACT:  # ... and never printed
        assert detail not in text
    assert "Tệp 1" in text


def test_the_docx_record_opens_and_says_the_same(officer):
    tip = tip_with_contact()

    text = docx_text(documents.intake_record_docx(tip, actor=officer))

    for line in MOTTO_LINES:
        assert line in text
    assert tip.register_number in text
    assert DESCRIPTION in text
    assert "Lê Văn Hùng" in text
    for detail in CONTACT:
        assert detail not in text


def test_an_anonymous_tip_says_so_and_gives_the_victims_request():
    tip = anonymous_tip()  # commune unknown: the province police have it
    leader = make_user("ca.tinh.test", "police_leader", "CA-01")

    text = pdf_text(documents.intake_record_pdf(tip, actor=leader))

    assert "giấu tên" in text
    assert "không biết xã" in text
    assert "Có, bị hại yêu cầu khởi tố" in text


def test_a_staff_entered_tip_names_the_officer_who_received_it(officer):
    reader = make_user("ca.doc.test", "police_leader", "CA-01", full_name="Phạm Thu Trang")
    tip = services.tip_submit_by_staff(
        actor=officer,
        data=TipInput(
            category=Category.objects.get(code="theft"),
            description="Mất trộm xe máy.",
            province=province(),
            commune=commune(),
        ),
        channel=Channel.IN_PERSON,
    ).tip

    text = docx_text(documents.intake_record_docx(tip, actor=reader))

    assert "Lê Văn Hùng" in text
    assert "Trực tiếp tại trụ sở" in text


def test_the_receipt_card_gives_the_full_follow_up_address_in_vietnamese(settings):
    settings.TOANDAN_SITE_URL = "http://127.0.0.1:8000/"

    text = pdf_text(documents.receipt_card_pdf("T7QK2M9XHP4C", "4821 0937 5562 1048 3390"))

    assert "http://127.0.0.1:8000/tips/follow-up/" in text.replace(" ", "")
    assert "Tip receipt" not in text
    assert "(receipt)" not in text
    assert "BIÊN NHẬN TIN BÁO" in text


def test_the_receipt_card_shows_the_digit_groups_and_the_reference():
    data = documents.receipt_card_pdf("T7QK2M9XHP4C", "4821 0937 5562 1048 3390", "Công an phường")

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "4821 0937 5562 1048 3390" in text
    assert "T7QK2M9XHP4C" in text
    assert "Công an phường" in text


def phishing_tip() -> Tip:
    return services.tip_submit(
        data=TipInput(
            category=Category.objects.get(code="theft"),
            description="Lừa đảo qua https://evil.example.com/x nhé.",
            province=province(),
            commune=commune(),
            address="Xem https://evil.example.com/x",
            occurred_text="khi mở https://evil.example.com/x",
            people="Chủ trang https://evil.example.com/x",
            vehicles="Quảng cáo https://evil.example.com/x",
        )
    ).tip


def test_phishing_link_in_a_tip_is_defanged_in_the_pdf_record(officer):
    # A long link may break across lines in print: read the text without the breaks.
    text = pdf_text(documents.intake_record_pdf(phishing_tip(), actor=officer)).replace(" ", "")

    assert "https://evil.example.com" not in text
    assert "evil.example.com" not in text
    assert text.count("hxxps://evil[.]example[.]com") == 5


def test_phishing_link_in_a_tip_is_defanged_in_the_docx_record(officer):
    text = docx_text(documents.intake_record_docx(phishing_tip(), actor=officer))

    assert "https://evil.example.com" not in text
    assert "evil.example.com" not in text
    assert text.count("hxxps://evil[.]example[.]com") == 5


# --- The record's layout, as printed (Decree 30/2020 Appendix I) ----------------------------------


def test_the_pdf_record_is_printed_in_the_shipped_times_metric_font_at_13_to_14_pt(officer):
    layout = pdf_layout(documents.intake_record_pdf(tip_with_contact(), actor=officer))

    assert layout.fonts, "no font embedded"
    assert all(name.startswith("Liberation-Serif") for name in layout.fonts), layout.fonts
    body = layout.first.fragment("Hình thức tiếp nhận")
    assert 13 <= body.size <= 14


def test_the_pdf_record_keeps_the_national_title_on_one_line_with_a_rule_under_the_motto(officer):
    page = pdf_layout(documents.intake_record_pdf(tip_with_contact(), actor=officer)).first

    page.line_with(MOTTO_LINES[0])
    motto = page.fragment(MOTTO_LINES[1])
    motto_line = page.line_with(MOTTO_LINES[1])
    rules = page.rules_below(motto_line)
    assert any(rule.x0 <= motto.x + 2 and rule.x1 > motto.x + 100 for rule in rules), rules


def test_the_record_writes_the_place_without_thanh_pho(officer):
    tip = tip_with_contact()

    pdf = pdf_text(documents.intake_record_pdf(tip, actor=officer))
    docx = docx_text(documents.intake_record_docx(tip, actor=officer))

    for text in (pdf, docx):
        assert "Hà Nội, ngày" in text
        assert "Thành phố Hà Nội, ngày" not in text


def test_the_docx_record_header_grid_is_its_cells_widths(officer):
    document = Document(io.BytesIO(documents.intake_record_docx(tip_with_contact(), actor=officer)))

    header = header_grid(document)
    assert header.grid == header.cells
    # Room for the national title at 12 pt bold (8.8 cm in Times) and for the unit's name.
    assert header.text_width_cm(1) >= 8.9
    assert header.text_width_cm(0) >= 7.2
