"""CSV and XLSX files of a table: what a user opening them in Excel sees."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
from decimal import Decimal
from typing import Any

from django.utils import translation
from openpyxl import load_workbook

from toandan.exports.tables import (
    BOM,
    Table,
    csv_chunks,
    sheet_title,
    write_csv,
    write_xlsx,
)

from .conftest import HEADERS, province_rows


def sample_table(**changes: object) -> Table:
    values: dict[str, object] = {
        "title": "Nguồn tin có giá trị theo tỉnh, năm 2024",
        "headers": ["Tỉnh, thành phố", "Nguồn tin", "Có giá trị", "Tỷ lệ", "Ngày báo cáo"],
        "rows": [
            ["Hà Nội", 12_000, 4_701, 0.392, dt.date(2024, 12, 31)],
            ["Điện Biên", 800, 300, Decimal("0.375"), dt.date(2025, 1, 3)],
            ["Đắk Lắk (cũ)", 0, 0, None, None],
        ],
        "notes": ["Số liệu của 20 tỉnh, thành phố có báo cáo.", "Nguồn: toandan"],
        "number_formats": {1: "#,##0", 2: "#,##0", 3: "0.0%"},
    }
    values.update(changes)
    return Table(**values)  # type: ignore[arg-type]


def csv_bytes(table: Table) -> bytes:
    buffer = io.BytesIO()
    write_csv(table, buffer)
    return buffer.getvalue()


def test_csv_starts_with_a_bom_and_vietnamese_round_trips():
    data = csv_bytes(sample_table())
    assert data.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Tỉnh, thành phố", "Nguồn tin", "Có giá trị", "Tỷ lệ", "Ngày báo cáo"]
    assert rows[1] == ["Hà Nội", "12000", "4701", "0.392", "2024-12-31"]
    assert rows[2][0] == "Điện Biên"
    assert rows[3] == ["Đắk Lắk (cũ)", "0", "0", "", ""]
    assert len(rows) == 4  # notes stay out of the grid


def test_csv_defuses_formulas():
    table = sample_table(
        rows=[['=HYPERLINK("http://x")', 1, 2, 0.5, None], ["-1+2", 1, 1, 1, None]]
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[2][0] == "'-1+2"


def test_csv_writes_aware_times_as_read_in_vietnam():
    moment = dt.datetime(2024, 8, 1, 20, 0, tzinfo=dt.UTC)
    table = Table(title="t", headers=["Lúc"], rows=[[moment]])
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert rows[1] == ["2024-08-02 03:00:00"]


def test_write_csv_reports_progress_and_counts_rows():
    seen: list[int] = []
    table = Table(title="t", headers=HEADERS, rows=province_rows(2_500))
    written = write_csv(table, io.BytesIO(), progress=seen.append, progress_every=1_000)
    assert written == 2_500
    assert seen == [1_000, 2_000, 2_500]


def test_xlsx_opens_and_its_cells_match_the_table(tmp_path):
    path = tmp_path / "t.xlsx"
    table = sample_table()
    expected: list[list[Any]] = [list(r) for r in table.rows]
    assert write_xlsx(table, path) == 3
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    values: list[list[Any]] = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == table.headers
    assert len(values) == 4
    for got, want in zip(values[1:], expected, strict=True):
        assert got[:3] == want[:3]
        assert got[3] == (float(want[3]) if want[3] is not None else None)
        assert (got[4].date() if got[4] else None) == want[4]
    # Numbers stay numbers, with the formats asked for; dates read as dates.
    assert isinstance(sheet["B2"].value, int)
    assert sheet["B2"].number_format == "#,##0"
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["E2"].number_format == "dd/mm/yyyy"
    # The header is bold, frozen and repeated on printed pages; columns are wide enough.
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.column_dimensions["A"].width >= len("Tỉnh, thành phố")
    assert workbook.properties.title == table.title
    # Notes on their own sheet.
    notes = workbook.worksheets[1]
    assert [c.value for c in notes["A"]] == [table.title, *table.notes]


def test_xlsx_keeps_a_formula_looking_text_as_text(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx(Table(title="t", headers=["Tên"], rows=[["=1+1"], ["a\x07b"]]), path)
    sheet = load_workbook(path).worksheets[0]
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "ab"  # a control character Excel cannot hold is dropped


def test_sheet_title_is_one_excel_accepts():
    assert sheet_title("Tỷ lệ [2024]: Hà Nội / Lào Cai? theo tháng và theo quý") == (
        "Tỷ lệ  2024   Hà Nội   Lào Cai"
    )
    assert len(sheet_title("x" * 80)) == 31
    assert sheet_title("///") == "Sheet1"


def _peak_mb(func) -> float:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


BOUND_MB = 30


def test_writing_200k_csv_rows_does_not_hold_them_in_memory(tmp_path):
    rows = 200_000

    def write() -> None:
        table = Table(title="t", headers=HEADERS, rows=province_rows(rows), expected_rows=rows)
        with (tmp_path / "t.csv").open("wb") as handle:
            assert write_csv(table, handle) == rows

    # The bound means something: the same rows held in a list take more than it.
    assert _peak_mb(lambda: list(province_rows(rows))) > BOUND_MB
    assert _peak_mb(write) < BOUND_MB


def test_xlsx_memory_does_not_grow_with_the_rows(tmp_path):
    # 5k and 50k rows: a writer that kept rows (or their distinct texts, as a shared-strings
    # table does) would need ten times more for the second. `make bench` measures a million
    # rows without the tracer.
    def peak(rows: int) -> float:
        table = Table(title="t", headers=HEADERS, rows=province_rows(rows))
        return _peak_mb(lambda: write_xlsx(table, tmp_path / f"{rows}.xlsx"))

    peak(10)  # first use imports and caches: not the rows' cost
    small, large = peak(5_000), peak(50_000)
    assert large < BOUND_MB
    assert large < small + 2


def test_xlsx_writes_every_kind_of_value_as_excel_reads_it(tmp_path):
    from zoneinfo import ZoneInfo

    from toandan.exports.xlsx import column_letter

    utc_morning = dt.datetime(2024, 12, 31, 2, 30, tzinfo=ZoneInfo("UTC"))
    headers = [f"c{i}" for i in range(30)]  # past column Z
    row: list[object] = [None] * 30
    row[:9] = [
        'Hà Nội <&> "x" ',
        True,
        Decimal("12.50"),
        float("nan"),
        utc_morning,
        dt.date(1900, 3, 1),
        -7,
        "Dòng 1\nDòng 2",
        1.5e-7,
    ]
    row[29] = "cột AD"
    path = tmp_path / "t.xlsx"
    write_xlsx(Table(title="Bảng của 'xã' / phường", headers=headers, rows=[row]), path)
    sheet = load_workbook(path).worksheets[0]

    assert [c.value for c in sheet[2]][:9] == [
        'Hà Nội <&> "x" ',
        True,
        12.5,
        None,  # Excel has no NaN: left empty
        dt.datetime(2024, 12, 31, 9, 30),  # noqa: DTZ001 - as read in Vietnam, naive in Excel
        dt.datetime(1900, 3, 1),  # noqa: DTZ001 - openpyxl reads dates as naive datetimes
        -7,
        "Dòng 1\nDòng 2",
        1.5e-7,
    ]
    assert sheet["AD2"].value == "cột AD"
    assert sheet["E2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.title == "Bảng của 'xã'   phường"
    assert sheet.print_title_rows == "$1:$1"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_xlsx_sheet_names_stay_distinct_and_safe_strings_are_text(tmp_path):
    from django.utils.safestring import mark_safe

    path = tmp_path / "t.xlsx"
    table = Table(title="Notes", headers=["a"], rows=[[mark_safe("<b>x</b>")]], notes=["n"])
    with translation.override("en"):
        write_xlsx(table, path)
    workbook = load_workbook(path)

    assert workbook.sheetnames == ["Notes", "Notes (2)"]
    assert workbook.worksheets[0]["A2"].value == "<b>x</b>"


def test_csv_chunks_stream_a_few_hundred_rows_at_a_time():
    chunks = csv_chunks(Table(title="t", headers=["n"], rows=([i] for i in range(2_000))))
    sizes = [len(chunk) for chunk in chunks]
    assert len(sizes) >= 4
