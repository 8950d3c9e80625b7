"""The recognition decision and the yearly review report in the Decree 30 layout, as the
pages download them (DOCX and PDF); the PDF read back shows the header and the model."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from docx import Document

from toandan.accounts.models import User
from toandan.accounts.tests.factories import logged_in
from toandan.documents.decree30 import MOTTO, NATIONAL_TITLE
from toandan.documents.tests.layout import pdf_layout
from toandan.initiatives.services import initiative_step, review_file
from toandan.initiatives.tests.conftest import register

pytestmark = pytest.mark.django_db


def test_the_recognition_decision_downloads_as_docx_and_pdf(
    cadre: User, province_police: User
) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 3, 1))
    initiative_step(
        actor=province_police,
        initiative=initiative,
        action="recognise",
        document="45/QĐ-CAT",
        effective_on=dt.date(2024, 4, 2),
    )
    client = logged_in(cadre)

    docx = client.get(f"/initiatives/{initiative.pk}/recognition.docx")
    pdf = client.get(f"/initiatives/{initiative.pk}/recognition.pdf")

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "QUYẾT ĐỊNH" in text
    assert "Camera an ninh" in text
    lines = [
        unicodedata.normalize("NFC", line.text)
        for page in pdf_layout(pdf.content).pages
        for line in page.lines()
    ]
    joined = "\n".join(lines)
    assert NATIONAL_TITLE in joined
    assert MOTTO in joined
    assert "Số: 45/QĐ-CAT" in joined
    assert "Hà Nội, ngày 02 tháng 4 năm 2024" in joined


def test_the_review_report_downloads_with_its_figures(cadre: User) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 3, 1))
    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2025,
        activities=1234,
        members=20,
        meetings=6,
        tips_passed=3,
    )

    docx = logged_in(cadre).get(f"/initiatives/reviews/{review.pk}/report.docx")

    document = Document(io.BytesIO(docx.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "1.234" in cells
    assert any("BÁO CÁO" in p.text for p in document.paragraphs)
