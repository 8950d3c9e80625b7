"""Tables and their file formats: CSV and XLSX, written as a stream.

A `Table` holds its rows as any iterable, usually a generator over a database cursor, so an
export of a million rows never holds them in memory: the writers take one row at a time and
report progress every `progress_every` rows. A generator can be read once: a table is written
once.

CSV is for machines and for Excel alike: UTF-8 with a byte-order mark (without it Excel on a
Vietnamese Windows reads "Hà Nội" as "HÃ  Ná»™i"), numbers in plain notation (4701, 0.853),
dates in ISO form. Notes are not written in the CSV, whose readers expect only the grid.

XLSX is written by `toandan.exports.xlsx` straight into the zip entry, row by row: memory does
not grow with the rows (texts are inline, there is no shared-strings table). The header row is
bold and frozen and is repeated on every printed page; numbers stay numbers; notes go on a
second sheet so the first holds only the grid.

Both formats defuse spreadsheet formulas: a text cell starting with "=" (or, in CSV, "+", "-",
"@") would otherwise be run by Excel when the file is opened (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
# Column widths are guessed from the header and the first rows: the rest may be a generator.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
CSV_ROWS_PER_CHUNK = 500
# Characters XML 1.0 forbids (a sheet's name cannot hold them either).
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

ProgressCallback = Callable[[int], None]


@dataclass
class Table:
    """A titled grid. `number_formats` maps a column index to an Excel number format code
    ("#,##0", "0.0%") applied in XLSX; `expected_rows`, when the producer knows it, lets a
    background export show a percentage."""

    title: str
    headers: list[str]
    rows: Iterable[Sequence[object]]
    notes: list[str] = field(default_factory=list)
    number_formats: dict[int, str] = field(default_factory=dict)
    expected_rows: int | None = None


def counted(
    rows: Iterable[Sequence[object]],
    progress: ProgressCallback | None,
    every: int,
) -> Iterator[Sequence[object]]:
    """The rows, calling `progress(n)` after every `every` rows."""
    if progress is None:
        yield from rows
        return
    for count, row in enumerate(rows, start=1):
        yield row
        if count % every == 0:
            progress(count)


def _local_naive(moment: dt.datetime) -> dt.datetime:
    # Spreadsheets have no time zones: write the time as read in Vietnam.
    if timezone.is_aware(moment):
        return timezone.make_naive(moment)
    return moment


# --- CSV -------------------------------------------------------------------------------------


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, dt.datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_CSV_FORMULA_START):
        return "'" + text
    return text


class _Buffer:
    """A write-only file for csv.writer that hands back what was written."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def take(self) -> bytes:
        data = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        return data


def csv_chunks(
    table: Table,
    *,
    progress: ProgressCallback | None = None,
    progress_every: int = 10_000,
) -> Iterator[bytes]:
    """The table as UTF-8 CSV with a byte-order mark, in chunks of a few hundred rows."""
    buffer = _Buffer()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([_csv_value(h) for h in table.headers])
    pending = 0
    for row in counted(table.rows, progress, progress_every):
        writer.writerow([_csv_value(v) for v in row])
        pending += 1
        if pending == CSV_ROWS_PER_CHUNK:
            yield buffer.take()
            pending = 0
    yield buffer.take()


def write_csv(
    table: Table,
    fileobj: IO[bytes],
    *,
    progress: ProgressCallback | None = None,
    progress_every: int = 10_000,
) -> int:
    """Write the table to a binary file; returns the number of rows written (header aside)."""
    written = 0

    def rows() -> Iterator[Sequence[object]]:
        nonlocal written
        for row in counted(table.rows, progress, progress_every):
            written += 1
            yield row

    for chunk in csv_chunks(replace(table, rows=rows())):
        fileobj.write(chunk)
    if progress is not None and written % progress_every:
        progress(written)
    return written


def attachment_header(filename: str) -> str:
    """Content-Disposition for a download; Vietnamese names are sent RFC 5987-encoded."""
    return str(content_disposition_header(as_attachment=True, filename=filename))


# --- XLSX ------------------------------------------------------------------------------------


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: 31 characters at most, none of []:*?/\\."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", _ILLEGAL_XML.sub("", title)).strip(" '")
    return cleaned[:31].strip() or "Sheet1"


def _display_width(value: object) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value) if value is not None else ""
    return max((len(line) for line in text.splitlines()), default=0)


def write_xlsx(
    table: Table,
    target: str | Path | IO[bytes],
    *,
    progress: ProgressCallback | None = None,
    progress_every: int = 10_000,
) -> int:
    """Write the table as an XLSX workbook (`toandan.exports.xlsx`); returns the number of
    rows written."""
    from toandan.exports.xlsx import Sheet, write_workbook

    rows = iter(table.rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    widths = []
    for index, header in enumerate(table.headers):
        widest = max(
            [_display_width(header), *(_display_width(r[index]) for r in sample if index < len(r))]
        )
        widths.append(min(max(widest + 2, MIN_WIDTH), MAX_WIDTH))
    sheets = [
        Sheet(
            name=sheet_title(table.title),
            headers=[str(h) for h in table.headers],
            rows=counted(itertools.chain(sample, rows), progress, progress_every),
            widths=widths,
            number_formats=table.number_formats,
            local_time=_local_naive,
            date_format=DATE_FORMAT,
            datetime_format=DATETIME_FORMAT,
        )
    ]
    if table.notes:
        sheets.append(
            Sheet(
                name=sheet_title(gettext("Notes")),
                headers=[table.title],
                rows=([str(note)] for note in table.notes),
                widths=[100],
                header_row=False,
            )
        )
    written = write_workbook(target, sheets, title=table.title)
    if progress is not None and written % progress_every:
        progress(written)
    return written
