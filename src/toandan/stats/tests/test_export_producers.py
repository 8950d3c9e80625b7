"""Exports of the statistics pages, run as background jobs: the XLSX of the pivot holds the
API's numbers, the periodic report is a Decree 30 document with the summary paragraph, and no
one exports what they may not see."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from toandan.accounts.models import User
from toandan.documents.decree30 import MOTTO, NATIONAL_TITLE
from toandan.documents.tests.layout import pdf_layout
from toandan.exports.models import ExportJob, ExportStatus
from toandan.exports.registry import ExportRefusedError, get_producer
from toandan.exports.services import export_job_create, exports_dir
from toandan.stats.demo import load_demo
from toandan.stats.export_producers import (
    COVERAGE,
    PIVOT,
    REPORT,
    coverage_table,
    periodic_report,
    pivot_table,
)
from toandan.stats.selectors import summary_figures
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import (
    HA_GIANG_OLD,
    HOAN_KIEM,
    at,
    category,
    commune,
    concluded,
    facts,
    old_province,
    province,
)
from toandan.stats.tests.test_views_dashboard import logged_in
from toandan.stats.vietnamese import summary_paragraph

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _exports_dir(settings: LazySettings, tmp_path: Path) -> Path:
    settings.TOANDAN_EXPORTS_DIR = tmp_path / "exports"
    return tmp_path / "exports"


@pytest.fixture
def figures(db: None) -> None:
    for one in (
        facts(old_province(HA_GIANG_OLD), at(2024, 3)),
        concluded(province("01"), at(2024, 8), category_id=category("drug-use").pk),
        facts(province("01"), at(2025, 9)),
        facts(commune(HOAN_KIEM), at(2025, 2)),
        concluded(province("15"), at(2025, 4)),
    ):
        on_tip_change(None, one)


def run(user: User, kind: str, params: dict[str, Any], fmt: str, callbacks: Any) -> ExportJob:
    # The job is written in the language of the request that asked for it.
    with translation.override("en"), callbacks(execute=True):
        job = export_job_create(actor=user, kind=kind, params=params, format=fmt)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    return job


def content(job: ExportJob) -> bytes:
    return (exports_dir() / job.file_name).read_bytes()


def test_the_pages_exports_are_registered() -> None:
    for kind, formats in ((PIVOT, {"csv", "xlsx"}), (COVERAGE, {"csv", "xlsx"})):
        producer = get_producer(kind)
        assert producer is not None
        assert producer.formats == formats
    report = get_producer(REPORT)
    assert report is not None
    assert report.formats == {"docx", "pdf"}


def test_the_xlsx_of_the_pivot_holds_the_numbers_of_the_api(
    figures: None, analyst_national: User, django_capture_on_commit_callbacks: Any
) -> None:
    api = logged_in(analyst_national).get(
        "/api/v1/stats/query",
        {
            "indicator": "tips_received,tips_valuable,share_valuable",
            "period": "2024-2025",
            "by": "place,period",
            "interval": "year",
        },
    )
    job = run(
        analyst_national,
        PIVOT,
        {
            "indicators": ["tips_received", "tips_valuable", "share_valuable"],
            "period": "2024-2025",
            "interval": "year",
            "geography": "current",
            "unit": "",
            "level": "",
            "rows": "place",
            "columns": "period",
        },
        "xlsx",
        django_capture_on_commit_callbacks,
    )

    body = api.json()
    names = {key: item["name"] for key, item in body["metaData"]["items"].items()}
    expected = {
        (names[indicator], names[place], names[period]): value
        for indicator, place, period, value in body["rows"]
    }
    sheet = load_workbook(io.BytesIO(content(job)), read_only=True).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == ("Indicator", "Place", "2024", "2025")
    # A row ends at its last value: trailing empty cells are not written.
    cells = {
        (row[0], row[1], str(period)): value
        for row in rows
        for period, value in zip(
            header[2:], [*row[2:], *[None] * (len(header) - len(row))], strict=True
        )
    }
    # Every number the API gives is in its cell of the XLSX, and the XLSX has no other
    # number (tips are counted: a place without tips shows 0, which the API leaves out).
    assert {key: cells[key] for key in expected} == expected
    assert expected
    assert {key: v for key, v in cells.items() if v not in (0, None)} == {
        key: v for key, v in expected.items() if v != 0
    }
    assert len(rows) == 3 * 34  # three indicators × today's 34 provinces
    assert cells[("Tips received", "Tỉnh Tuyên Quang", "2024")] == 1
    assert cells[("Share of valuable tips (%)", "Thành phố Hà Nội", "2024")] == 100


def test_the_csv_of_the_coverage_names_who_has_not_reported(
    analyst_national: User, django_capture_on_commit_callbacks: Any
) -> None:
    load_demo()

    job = run(
        analyst_national,
        COVERAGE,
        {"dataset": "pn_movement_year", "period": "2023", "unit": "PN-TW"},
        "csv",
        django_capture_on_commit_callbacks,
    )

    lines = content(job).decode("utf-8-sig").splitlines()
    assert lines[0] == "Unit,Unit code,Place,Period,Status,First submitted at,On time"
    assert len(lines) == 1 + 63
    assert "Hội LHPN tỉnh Hà Giang,PN-L02,Hà Giang,2023,Not started,," in lines
    assert any(
        line.startswith("Hội LHPN thành phố Hà Nội,PN-L01,Hà Nội,2023,Approved,") for line in lines
    )


def test_no_one_exports_another_provinces_table(
    figures: None, analyst_hanoi: User, django_capture_on_commit_callbacks: Any
) -> None:
    pivot = {
        "indicators": ["tips_received"],
        "period": "2025",
        "unit": "15",  # Lào Cai: not Hà Nội's analyst's
        "rows": "place",
        "columns": "period",
    }

    # Refused at once when the job is asked for…
    with pytest.raises(ExportRefusedError, match="outside your jurisdiction"):
        export_job_create(actor=analyst_hanoi, kind=PIVOT, params=pivot, format="xlsx")
    with pytest.raises(ExportRefusedError, match="outside your jurisdiction"):
        export_job_create(
            actor=analyst_hanoi,
            kind=COVERAGE,
            params={"dataset": "pn_movement_year", "period": "2025", "unit": "PN-15"},
            format="csv",
        )
    with pytest.raises(ExportRefusedError, match="outside your jurisdiction"):
        export_job_create(
            actor=analyst_hanoi,
            kind=REPORT,
            params={"unit": "VN", "period": "2025"},
            format="docx",
        )
    # …and by the producers themselves, whatever reaches the worker.
    with pytest.raises(ExportRefusedError):
        pivot_table(pivot, analyst_hanoi)
    with pytest.raises(ExportRefusedError):
        coverage_table(
            {"dataset": "pn_movement_year", "period": "2025", "unit": "PN-15"}, analyst_hanoi
        )
    with pytest.raises(ExportRefusedError):
        periodic_report({"unit": "15", "period": "2025"}, analyst_hanoi)
    assert not ExportJob.objects.exists()
    # Their own city exports.
    own = run(
        analyst_hanoi, PIVOT, {**pivot, "unit": "01"}, "csv", django_capture_on_commit_callbacks
    )
    assert "Thành phố Hà Nội" in own.title


def test_the_page_refuses_an_export_outside_the_jurisdiction(
    figures: None, analyst_hanoi: User
) -> None:
    response = logged_in(analyst_hanoi).post(
        "/exports/start/",
        {
            "kind": PIVOT,
            "format": "xlsx",
            "params": '{"indicators": ["tips_received"], "period": "2025", "unit": "08", '
            '"rows": "place", "columns": "period"}',
        },
    )

    assert response.status_code == 400
    assert "outside your jurisdiction" in response.content.decode()


def _docx_texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


def test_the_periodic_report_is_a_decree_30_document_with_the_summary(
    analyst_national: User, django_capture_on_commit_callbacks: Any
) -> None:
    load_demo()

    job = run(
        analyst_national,
        REPORT,
        {"unit": "VN", "period": "2023", "geography": "current"},
        "docx",
        django_capture_on_commit_callbacks,
    )

    texts = _docx_texts(content(job))
    with translation.override("vi"):
        paragraph = summary_paragraph(summary_figures(None, unit="VN", period="2023"))
    assert paragraph.startswith("Năm 2023, chỉ tính riêng 20/63 tỉnh, thành phố có báo cáo số liệu")
    assert NATIONAL_TITLE in texts
    assert MOTTO in texts
    assert paragraph in texts
    # Issued by the user's unit, under its parent.
    assert "BỘ CÔNG AN" in texts
    assert "Số: ……/BC" in texts
    # The key figures and the 34 provinces, with the reported valuable tips in Vietnamese style.
    assert "110.020" in texts
    assert "Thành phố Hà Nội" in texts
    assert job.download_name.endswith(".docx")


def test_the_periodic_report_as_pdf(
    figures: None, analyst_hanoi: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = run(
        analyst_hanoi,
        REPORT,
        {"unit": "01", "period": "2025"},
        "pdf",
        django_capture_on_commit_callbacks,
    )

    assert content(job).startswith(b"%PDF-")
    assert "thành phố Hà Nội" in job.title
    # As printed: the shipped font, the national title on one line, the motto's rule, and the
    # place without its type word (Decree 30).
    layout = pdf_layout(content(job))
    page = layout.first
    assert layout.fonts
    assert all(name.startswith("Liberation-Serif") for name in layout.fonts), layout.fonts
    page.line_with(NATIONAL_TITLE)
    motto = page.fragment(MOTTO)
    assert any(
        rule.x0 <= motto.x + 2 and rule.x1 > motto.x + 100
        for rule in page.rules_below(page.line_with(MOTTO))
    )
    place_line = page.line_with("ngày")
    assert "Hà Nội, ngày" in place_line.text
    assert "Thành phố Hà Nội, ngày" not in place_line.text
