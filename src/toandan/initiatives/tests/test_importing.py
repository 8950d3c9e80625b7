"""Import from a spreadsheet: every row checked first, errors by row and column, nothing
half-imported; the command and the upload page do the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from toandan.accounts.models import User
from toandan.accounts.tests.factories import logged_in
from toandan.initiatives.importing import COLUMNS, import_xlsx, template_xlsx
from toandan.initiatives.models import Initiative, Team
from toandan.initiatives.selectors import counts_on

pytestmark = pytest.mark.django_db

GOOD = [
    "Mô hình 'Camera an ninh' số 1",
    "camera",
    "PN-01-00070",
    "CA-01-00070",
    "00070",
    "15/03/2024",
    2,
    3,
    31,
    "45/QĐ-UBND",
    "10/03/2024",
    "Phạm Thị Lan",
]


def _book(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([header for header, _k, _r in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_valid_file_creates_models_with_their_sites_teams_and_members(cadre: User) -> None:
    result = import_xlsx(actor=cadre, data=_book(GOOD, [*GOOD[:1], "tu-quan", *GOOD[2:]]))

    assert result.errors == []
    assert result.created == 2
    counts = counts_on(__import__("datetime").date(2024, 4, 1))
    assert (counts.models, counts.sites, counts.teams, counts.members) == (2, 4, 6, 62)
    assert sorted(Team.objects.values_list("member_count", flat=True)) == [10, 10, 10, 10, 11, 11]


def test_one_bad_row_imports_nothing_and_names_row_and_column(cadre: User) -> None:
    bad_date = [*GOOD[:5], "31/02/2024", *GOOD[6:]]
    other_area = [*GOOD[:2], "PN-01-00004", *GOOD[3:]]

    result = import_xlsx(actor=cadre, data=_book(GOOD, bad_date, other_area))

    assert Initiative.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Ngày bắt đầu (dd/mm/yyyy)"),
        (4, "Mã đơn vị chủ trì"),
    ]


def test_the_template_has_every_column_and_an_example(cadre: User) -> None:
    sheet = load_workbook(io.BytesIO(template_xlsx())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [header for header, _k, _r in COLUMNS]
    assert import_xlsx(actor=cadre, data=template_xlsx()).created == 1


def test_the_models_command_imports_or_reports_errors(cadre: User, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(_book(GOOD))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_book([*GOOD[:1], "no-such-theme", *GOOD[2:]]))

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("models", "import", str(bad), "--as", cadre.username)
    call_command("initiatives", "import", str(good), "--as", cadre.username)

    assert Initiative.objects.count() == 1


def test_the_upload_page_lists_errors_by_row(cadre: User) -> None:
    upload = io.BytesIO(_book([*GOOD[:4], "99999", *GOOD[5:]]))
    upload.name = "ds.xlsx"

    page = logged_in(cadre).post("/initiatives/import/", {"file": upload}).content.decode()

    assert "Mã xã, phường (từ 01/07/2025)" in page
    assert Initiative.objects.count() == 0
    template = logged_in(cadre).get("/initiatives/import/template.xlsx")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_too_long_name_or_decision_number_is_an_error_by_row_not_a_crash(cadre: User) -> None:
    long_name = ["Mô hình " + "rất dài " * 60, *GOOD[1:]]
    long_decision = [*GOOD[:9], "45/QĐ-UBND-" + "9" * 80, *GOOD[10:]]

    result = import_xlsx(actor=cadre, data=_book(GOOD, long_name, long_decision))

    assert Initiative.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Tên mô hình"),
        (4, "Số quyết định"),
    ]


def test_a_file_with_a_broken_sheet_is_refused_not_a_crash(cadre: User) -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(_book(GOOD)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of the rows
            broken.writestr(item, data)

    result = import_xlsx(actor=cadre, data=out.getvalue())

    assert Initiative.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(0, "")]  # "not an XLSX file"


def test_an_absurd_count_of_sites_is_an_error_not_a_million_writes(cadre: User) -> None:
    huge = [*GOOD[:6], 10**6, *GOOD[7:]]

    result = import_xlsx(actor=cadre, data=_book(huge))

    assert Initiative.objects.count() == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "Số điểm")]
