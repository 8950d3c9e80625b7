"""An XLSX export of a million statistics rows: seconds and peak memory, against CSV.

Each format is written in its own process, so its peak resident memory (ru_maxrss) is its own
and not the high-water mark of whatever ran before in the bench. The baseline is the same rows
written as CSV in the same run: the cheapest streaming format there is, so the ratio shows what
the spreadsheet costs. The same workbook written by openpyxl's write-only mode (the writer the
exports used before `toandan.exports.xlsx`) is measured too, on
TOANDAN_BENCH_EXPORT_OPENPYXL_ROWS rows (default 100,000: a million takes about six minutes).
Rows are made up but shaped like a statistics export (a month, a province, one of 3,321
communes, an indicator, a category, a count and a share), with as many distinct texts as a
real one.

TOANDAN_BENCH_EXPORT_ROWS changes the number of rows (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GOAL_MB = 300
COLUMNS = [
    "Kỳ",
    "Mã tỉnh",
    "Tỉnh, thành phố",
    "Mã xã",
    "Xã, phường",
    "Mã chỉ tiêu",
    "Chỉ tiêu",
    "Loại tin",
    "Giá trị",
    "Tỷ lệ có giá trị",
]
PROVINCES = [f"Tỉnh thành {i:02d}" for i in range(1, 35)]
COMMUNES = 3_321
INDICATORS = [
    ("tips_received", "Nguồn tin tiếp nhận"),
    ("tips_valuable", "Nguồn tin có giá trị"),
    ("tips_decided_in_time", "Giải quyết đúng hạn"),
    ("members_trained", "Hội viên được tập huấn"),
    ("sessions_held", "Buổi tuyên truyền"),
]
CATEGORIES = ["Trộm cắp tài sản", "Ma túy", "Cờ bạc", "Lừa đảo qua mạng", "Đánh nhau", "Khác"]


def stats_rows(count: int) -> Iterator[list[object]]:
    for i in range(count):
        commune = i % COMMUNES
        province = commune % len(PROVINCES)
        code, name = INDICATORS[(i // COMMUNES) % len(INDICATORS)]
        value = (i * 7919) % 5_000
        yield [
            f"2024{(i // (COMMUNES * len(INDICATORS))) % 12 + 1:02d}",
            f"{province + 1:02d}",
            PROVINCES[province],
            f"{commune:05d}",
            f"Xã số {commune:04d}",
            code,
            name,
            CATEGORIES[i % len(CATEGORIES)],
            value,
            round((value % 100) / 100, 3),
        ]


def _child(mode: str, rows: int, path: str) -> None:
    """Runs in the subprocess: write the file, print seconds and memory as JSON."""
    import django

    django.setup()
    from toandan.exports.tables import Table, write_csv, write_xlsx

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    table = Table(
        title="Chỉ tiêu theo xã, năm 2024",
        headers=COLUMNS,
        rows=stats_rows(rows),
        number_formats={8: "#,##0", 9: "0.0%"},
        expected_rows=rows,
    )
    started = time.perf_counter()
    if mode == "xlsx":
        written = write_xlsx(table, path)
    elif mode == "openpyxl":
        written = _openpyxl_write(table, path)
    else:
        with Path(path).open("wb") as handle:
            written = write_csv(table, handle)
    seconds = time.perf_counter() - started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": written,
                "seconds": seconds,
                "start_mb": start_rss / 1024,
                "peak_mb": peak_rss / 1024,
                "file_mb": Path(path).stat().st_size / 1e6,
            }
        )
    )


def _openpyxl_write(table: Any, path: str) -> int:
    """The former writer, for comparison: openpyxl write-only, a cell object only where a
    number format is needed, header bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.freeze_panes = "A2"
    header = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = table.number_formats
    written = 0
    for row in table.rows:
        values: list[Any] = []
        for index, value in enumerate(row):
            if index in formats and isinstance(value, int | float):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = formats[index]
                values.append(cell)
            else:
                values.append(value)
        sheet.append(values)
        written += 1
    workbook.save(path)
    return written


def _measure(mode: str, rows: int, directory: str) -> dict[str, float]:
    path = str(Path(directory) / f"bench.{mode}")
    result = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "bench.bench_exports", mode, str(rows), path],
        cwd=Path(__file__).resolve().parent.parent,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run() -> list[str]:
    rows = int(os.environ.get("TOANDAN_BENCH_EXPORT_ROWS", "1000000"))
    openpyxl_rows = int(os.environ.get("TOANDAN_BENCH_EXPORT_OPENPYXL_ROWS", "100000"))
    with tempfile.TemporaryDirectory(prefix="toandan-bench-exports-") as directory:
        csv_figures = _measure("csv", rows, directory)
        xlsx_figures = _measure("xlsx", rows, directory)
        openpyxl_figures = _measure("openpyxl", openpyxl_rows, directory)
    lines = []
    for name, figures in (
        ("xlsx", xlsx_figures),
        ("csv (baseline)", csv_figures),
        ("xlsx by openpyxl write-only (the former writer)", openpyxl_figures),
    ):
        lines.append(
            f"{name} export of {int(figures['rows']):,} rows x {len(COLUMNS)} columns: "
            f"{figures['seconds']:.1f} s, {figures['rows'] / figures['seconds']:,.0f} rows/s; "
            f"peak RSS {figures['peak_mb']:.0f} MB ({figures['start_mb']:.0f} MB after start-up); "
            f"file {figures['file_mb']:.0f} MB"
        )
    ratio = xlsx_figures["seconds"] / csv_figures["seconds"]
    per_row = (xlsx_figures["rows"] / xlsx_figures["seconds"]) / (
        openpyxl_figures["rows"] / openpyxl_figures["seconds"]
    )
    lines.append(f"xlsx rows/s against openpyxl write-only: {per_row:.1f}x")
    verdict = "met" if xlsx_figures["peak_mb"] < GOAL_MB else "MISSED"
    lines.append(
        f"xlsx/csv time ratio {ratio:.1f}x; goal: xlsx peak memory under {GOAL_MB} MB: {verdict}"
    )
    return lines


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), sys.argv[3])
