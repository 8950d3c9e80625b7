"""One description of an administrative document in the format of Decree 30/2020/NĐ-CP on
clerical work (Appendix I), which `toandan.documents.word` lays out as DOCX and
`toandan.documents.pdf` as PDF, so the two formats cannot drift apart.

What the description holds, in the decree's order:
- the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and the motto (fixed);
- the issuing body's superior and the issuing body; the number and symbol ("Số: 15/BC-CAT");
- the place and date ("Hà Nội, ngày 05 tháng 02 năm 2024"), under the motto, or above the
  signatures for a record that is dated when it is signed;
- the kind of document ("BÁO CÁO", "BIÊN BẢN …") and its summary line ("V/v" or trích yếu);
- the body: paragraphs, labelled lines, list items and tables;
- "Nơi nhận:" with the recipients, and the signature blocks (authority, position, name).

The documents are always in Vietnamese: their fixed wording is set by the decree, not by the
reader's interface language, so those texts are not run through the translation catalogue.
Numbers in tables are written the Vietnamese way (4.701; 85,3).

A new document (a decision, a certificate) is a function that fills `AdministrativeDocument`:

    doc = AdministrativeDocument(
        issuing_parent="Bộ Công an", issuing_unit="Công an tỉnh Lào Cai", number="12/QĐ-CAT",
        place=place_name(unit.admin_unit), date=timezone.localdate(), kind="QUYẾT ĐỊNH",
        title="Về việc khen thưởng …", body=["Căn cứ …"], recipients=["Như Điều 3;"],
        signatures=[Signature(title="GIÁM ĐỐC", name="Nguyễn Văn A")],
    )
    render_docx(doc), render_pdf(doc)
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext

from toandan.core.numbers import format_number_vi
from toandan.core.text import vi_date_words

if TYPE_CHECKING:
    from toandan.geo.models import AdminUnit

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEADING = "Nơi nhận:"
# A document's tables are read on paper: past a few thousand rows the data belongs in XLSX.
MAX_DOCUMENT_TABLE_ROWS = 2_000
# Decree 30, Appendix I, II.4.a: a unit named after a person, with a number or after a
# historical event keeps its full name in the place line ("Thành phố Hồ Chí Minh",
# "Phường 7"); every other unit is written without its type word ("Hà Nội", not
# "Thành phố Hà Nội"). Numbered names are recognised; the names of people are listed here.
NAMED_AFTER_PEOPLE = frozenset({"Hồ Chí Minh"})
_NUMBERED = re.compile(r"^\d+$")


class DocumentTooLargeError(ValueError):
    """A table too long to print; the message (for the user) suggests XLSX instead."""


class TableLike(Protocol):
    """A titled grid (`toandan.exports.tables.Table` is one): rows are read once."""

    @property
    def title(self) -> str: ...

    @property
    def headers(self) -> Sequence[str]: ...

    @property
    def rows(self) -> Iterable[Sequence[object]]: ...

    @property
    def notes(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body: justified with its first line indented, or, as an item, a line
    of a list with a leading dash (the decree's lists are dashed, not bulleted)."""

    runs: tuple[Run, ...]
    item: bool = False

    @classmethod
    def text(cls, text: str, *, bold: bool = False, item: bool = False) -> Paragraph:
        return cls(runs=(Run(text, bold=bold),), item=item)

    @classmethod
    def labelled(cls, label: str, value: str, *, item: bool = False) -> Paragraph:
        """ "Người tiếp nhận: Lê Văn Hùng" with the label in bold."""
        return cls(runs=(Run(f"{label}: ", bold=True), Run(value)), item=item)


# A plain string is a body paragraph.
Block = str | Paragraph | TableLike


@dataclass(frozen=True)
class Signature:
    """A signature block: `title` may hold several lines ("KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC") and is
    printed bold in upper case; `note` in italics under it ("(ký, ghi rõ họ tên)"); room for the
    signature and seal; then the signer's name in bold."""

    title: str
    name: str = ""
    note: str = ""

    @property
    def title_lines(self) -> list[str]:
        return [line.strip().upper() for line in self.title.splitlines() if line.strip()]


@dataclass
class AdministrativeDocument:
    """What a document says; `render_docx` and `render_pdf` lay it out.

    `number` is the number and symbol ("15/BC-CAT"; "Số:" is printed before it). `place` is
    the place as the document prints it (see `place_name`). `subtitle` lines are printed
    under the summary line (a record's legal basis, a reference). Recipients are written one
    per line with a leading dash ("- Như trên;"); the dash is added if missing. With
    `dated_at_signatures`, the place and date are printed above the signatures instead of
    under the motto (a record is dated when it is signed).
    """

    issuing_parent: str
    issuing_unit: str
    number: str
    place: str
    date: dt.date
    title: str = ""
    kind: str = "BÁO CÁO"
    subtitle: list[str] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    dated_at_signatures: bool = False

    @property
    def place_and_date(self) -> str:
        return place_and_date(self.place, self.date)

    @property
    def number_line(self) -> str:
        return number_line(self.number)

    @property
    def recipient_lines(self) -> list[str]:
        return [_recipient_line(text) for text in self.recipients]

    @property
    def closing_rows(self) -> list[list[Signature | None]]:
        """The closing, two columns a row: "Nơi nhận" (None) on the left of the first
        signature, as the decree places them; without recipients, the signatures side by side
        (a record signed by the tipster and the officer); further signatures below, two by two.
        """
        if self.recipients or len(self.signatures) < 2:
            first: list[Signature | None] = [None, *self.signatures[:1]]
            rest = self.signatures[1:]
            rows = [first]
        else:
            rest, rows = self.signatures, []
        rows += [list(rest[start : start + 2]) for start in range(0, len(rest), 2)]
        return rows


def place_name(unit: AdminUnit) -> str:
    """The place line's name for an administrative unit (Decree 30, Appendix I, II.4.a):
    "Hà Nội" for "Thành phố Hà Nội", but "Thành phố Hồ Chí Minh" and "Phường 7" in full."""
    short = unit.short_name.strip()
    if not short or short in NAMED_AFTER_PEOPLE or _NUMBERED.match(short):
        return unit.name
    return short


def place_and_date(place: str, day: dt.date) -> str:
    """ "Hà Nội, ngày 20 tháng 11 năm 2023" (`toandan.core.text.vi_date_words`, Decree 30)."""
    return f"{place}, {vi_date_words(day)}"


def number_line(number: str) -> str:
    text = number.strip()
    if text.lower().startswith("số:"):
        text = text[3:].strip()
    return f"Số: {text}"


def _recipient_line(text: str) -> str:
    stripped = text.strip()
    return stripped if stripped.startswith(("-", "–")) else f"- {stripped}"


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class PreparedTable:
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    notes: list[str]


def _cell(value: object) -> Cell:
    if value is None:
        return Cell("", numeric=False)
    if isinstance(value, bool):
        return Cell("Có" if value else "Không", numeric=False)
    if isinstance(value, int | float | Decimal):
        return Cell(format_number_vi(value), numeric=True)
    if isinstance(value, dt.datetime):
        return Cell(value.strftime("%H:%M %d/%m/%Y"), numeric=False)
    if isinstance(value, dt.date):
        return Cell(value.strftime("%d/%m/%Y"), numeric=False)
    return Cell(str(value), numeric=False)


def prepare_table(table: TableLike) -> PreparedTable:
    """The table's rows read once and worded for print; refuses a table too long to print."""
    rows = list(itertools.islice(table.rows, MAX_DOCUMENT_TABLE_ROWS + 1))
    if len(rows) > MAX_DOCUMENT_TABLE_ROWS:
        raise DocumentTooLargeError(
            gettext(
                "The table “%(title)s” has more than %(max)s rows: too long to print. "
                "Export it as XLSX or CSV instead."
            )
            % {"title": table.title, "max": format_number_vi(MAX_DOCUMENT_TABLE_ROWS)}
        )
    return PreparedTable(
        title=table.title,
        headers=[str(h) for h in table.headers],
        rows=[[_cell(v) for v in row] for row in rows],
        notes=[str(n) for n in table.notes],
    )


@dataclass(frozen=True)
class PreparedBlock:
    """A body block ready for either renderer: exactly one of the two is set."""

    paragraph: Paragraph | None = None
    table: PreparedTable | None = None


def prepare_body(doc: AdministrativeDocument) -> list[PreparedBlock]:
    """The body with strings made paragraphs and tables read (once) and worded for print."""
    blocks = []
    for block in doc.body:
        if isinstance(block, str):
            blocks.append(PreparedBlock(paragraph=Paragraph.text(block)))
        elif isinstance(block, Paragraph):
            blocks.append(PreparedBlock(paragraph=block))
        else:
            blocks.append(PreparedBlock(table=prepare_table(block)))
    return blocks
