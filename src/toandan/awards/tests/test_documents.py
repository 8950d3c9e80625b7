"""The decision in the Decree 30 layout (DOCX and PDF) with its annex, and the certificates:
one A4 landscape page per awardee, each with its code and a QR to the verify page; the
pre-printed-blank variant puts the fields at the layout's coordinates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from toandan.awards import documents, services
from toandan.awards.models import CertificateLayout, Decision
from toandan.awards.tests.conftest import World, nominate, seat_council, up_to_centre
from toandan.documents.pdf import render_pdf
from toandan.documents.tests.layout import pdf_layout
from toandan.documents.word import render_docx

pytestmark = pytest.mark.django_db


def _decision(world: World) -> Decision:
    nominees = [
        up_to_centre(world, nominate(world, name="Nguyễn Thị A", consent=True)),
        up_to_centre(world, nominate(world, name="Chi hội phụ nữ Hàng Bạc", subject="collective")),
    ]
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    for reviewer in world.reviewers[:2]:
        services.ballot_cast(
            actor=reviewer, campaign=world.campaign, choices={n.pk: "yes" for n in nominees}
        )
    services.ballot_close(actor=world.reviewers[0], campaign=world.campaign)
    return services.decision_issue(
        actor=world.organiser,
        campaign=world.campaign,
        number="125/QĐ-BCA-V05",
        signer_name="Lê Văn Minh",
        signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        date=dt.date(2026, 12, 20),
        place="Hà Nội",
        issuing_unit=world.campaign.organisers.get(code="CA-TW"),
    )


def test_the_decision_reads_in_the_decree_30_layout_with_its_annex(world: World) -> None:
    decision = _decision(world)
    doc = documents.decision_document(decision)
    layout = pdf_layout(render_pdf(doc))
    text = layout.text()
    assert "QUYẾT ĐỊNH" in text
    assert "Số: 125/QĐ-BCA-V05" in text
    assert "Hà Nội, ngày 20 tháng 12 năm 2026" in text
    assert "DANH SÁCH TẬP THỂ ĐƯỢC KHEN THƯỞNG" in text
    assert "DANH SÁCH CÁ NHÂN ĐƯỢC KHEN THƯỞNG" in text
    assert text.count("BỘ CÔNG AN") == 1  # the ministry has no superior line
    assert "4.680.000" in text  # 2.0 × 2,340,000 for the collective
    docx = Document(io.BytesIO(render_docx(doc)))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    assert any("Chi hội phụ nữ Hàng Bạc" in cell for cell in cells)
    assert any("Nguyễn Thị A" in cell for cell in cells)


def test_one_landscape_certificate_per_awardee_with_its_code(world: World) -> None:
    decision = _decision(world)
    awards = list(decision.awards.order_by("line"))
    data = documents.certificates_pdf(awards)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert round(float(box.width) / 72 * 25.4) == 297
    text = pdf_layout(data).text()
    for award in awards:
        assert award.code in text
    html = documents.certificates_html(awards[:1])
    assert "<svg" in html
    assert documents.verify_url(awards[0].code).endswith(f"/awards/verify/{awards[0].code}/")


def test_the_blank_variant_prints_at_the_layouts_coordinates(world: World) -> None:
    decision = _decision(world)
    CertificateLayout.objects.create(name="default", positions={"name": [80, 40, 20]})
    html = documents.certificates_html(list(decision.awards.all()), blank=True)
    assert "left:80mm;top:40mm;font-size:20pt" in html
    assert 'class="frame"' not in html  # only the variable fields: the blank has the rest
    assert (
        len(
            PdfReader(
                io.BytesIO(documents.certificates_pdf(list(decision.awards.all()), blank=True))
            ).pages
        )
        == 2
    )
