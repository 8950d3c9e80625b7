"""Reports in the Vietnamese administrative format (Decree 30/2020/NĐ-CP on clerical work,
Appendix I), as DOCX for units that edit and sign on paper and as PDF to file or print.

The layout the decree fixes, which both formats follow:
- A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, body 14 pt.
- A two-column header without borders. Left: the issuing body's parent (upper case), the
  issuing unit (bold, upper case) with a short rule under it, and the number ("Số: 15/BC-CAT").
  Right: the national title "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold, upper case, 12 pt) and
  the motto "Độc lập - Tự do - Hạnh phúc" (bold, 13 pt, underlined), then the place and date
  in italics ("Hà Nội, ngày 05 tháng 02 năm 2024": a day below 10 and the months 1 and 2 take
  a leading zero).
- The kind of document ("BÁO CÁO", bold, upper case) and its summary line (bold) centred,
  with a short rule under them; then the body and its tables.
- At the bottom, side by side: "Nơi nhận:" (bold italic, 12 pt) with the recipients (11 pt)
  on the left, and the signature block on the right (the signer's title bold and upper case,
  room for the signature and seal, the signer's name bold).
- Page numbers at the top centre from the second page.

Like the intake record (`toandan.tips.documents`), the document is always in Vietnamese: its
fixed wording is set by the decree, not by the reader's interface language, so those texts are
not run through the translation catalogue. Numbers in its tables are written the Vietnamese way
(4.701; 85,3).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext

from toandan.core.numbers import format_number_vi
from toandan.core.text import vi_date_words
from toandan.exports.tables import Table

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEADING = "Nơi nhận:"
# A report's tables are read on paper: past a few thousand rows the data belongs in XLSX.
MAX_DOCUMENT_TABLE_ROWS = 2_000

FONT = "Times New Roman"
BODY_PT = 14


class DocumentTooLargeError(ValueError):
    """A table too long to print; the message (for the user) suggests XLSX instead."""


@dataclass
class AdministrativeDocument:
    """What a report says; `render_docx` and `render_pdf` lay it out.

    `number` is the document's number and symbol ("15/BC-CAT"; "Số:" is printed before it).
    `signer_title` may hold several lines ("KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"). Recipients are
    written one per line with a leading dash ("- Như trên;"); the dash is added if missing.
    """

    issuing_parent: str
    issuing_unit: str
    number: str
    place: str
    date: dt.date
    title: str
    kind: str = "BÁO CÁO"
    body: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_title: str = ""
    signer_name: str = ""


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


def prepare_table(table: Table) -> PreparedTable:
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


# --- DOCX ------------------------------------------------------------------------------------


def _set_cell_width(cell: Any, width: Any) -> None:
    cell.width = width


def _run(paragraph: Any, text: str, *, size: float, bold: bool = False, **style: bool) -> Any:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = style.get("italic", False)
    run.underline = style.get("underline", False)
    return run


def _paragraph(container: Any, *, align: str = "center", after: float = 0) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _short_rule(container: Any, *, inset_cm: float) -> None:
    """A short centred line: an empty paragraph indented on both sides with a bottom border
    (the decree's line under the issuing unit and under the summary line)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    paragraph = _paragraph(container, after=4)
    paragraph.paragraph_format.left_indent = Cm(inset_cm)
    paragraph.paragraph_format.right_indent = Cm(inset_cm)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    line = {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}
    for name, value in line.items():
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _first_cell_paragraph(cell: Any) -> Any:
    # A new cell holds one empty paragraph: use it rather than leave a blank line on top.
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = 0
    return paragraph


def _docx_header(document: Any, doc: AdministrativeDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    _set_cell_width(left, Cm(7))
    _set_cell_width(right, Cm(9.5))

    first = _first_cell_paragraph(left)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(first, doc.issuing_parent.upper(), size=13)
    unit = _paragraph(left)
    _run(unit, doc.issuing_unit.upper(), size=13, bold=True)
    _short_rule(left, inset_cm=2)
    number = _paragraph(left)
    _run(number, number_line(doc.number), size=13)

    title = _first_cell_paragraph(right)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, NATIONAL_TITLE, size=12, bold=True)
    motto = _paragraph(right, after=10)
    _run(motto, MOTTO, size=13, bold=True, underline=True)
    date = _paragraph(right)
    _run(date, place_and_date(doc.place, doc.date), size=BODY_PT, italic=True)
    date.paragraph_format.space_before = Pt(6)


def _docx_title(document: Any, doc: AdministrativeDocument) -> None:
    from docx.shared import Pt

    kind = _paragraph(document)
    kind.paragraph_format.space_before = Pt(18)
    _run(kind, doc.kind.upper(), size=BODY_PT, bold=True)
    summary = _paragraph(document)
    _run(summary, doc.title, size=BODY_PT, bold=True)
    _short_rule(document, inset_cm=6)


def _docx_body(document: Any, doc: AdministrativeDocument) -> None:
    from docx.shared import Cm, Pt

    for text in doc.body:
        paragraph = _paragraph(document, align="justify", after=6)
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.paragraph_format.line_spacing = 1.15
        _run(paragraph, text, size=BODY_PT)
    for prepared in (prepare_table(t) for t in doc.tables):
        heading = _paragraph(document, after=4)
        heading.paragraph_format.space_before = Pt(6)
        _run(heading, prepared.title, size=13, bold=True)
        _docx_table(document, prepared)
        for note in prepared.notes:
            paragraph = _paragraph(document, align="left", after=2)
            _run(paragraph, note, size=12, italic=True)


def _docx_table(document: Any, prepared: PreparedTable) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(prepared.headers))
    table.style = "Table Grid"
    header_row = table.rows[0]
    # Repeat the header row on every page the table runs over.
    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(header_flag)
    for cell, text in zip(header_row.cells, prepared.headers, strict=True):
        paragraph = _first_cell_paragraph(cell)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, size=12, bold=True)
    for row in prepared.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            paragraph = _first_cell_paragraph(cell)
            if value.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, value.text, size=12)


def _docx_closing(document: Any, doc: AdministrativeDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    spacer = _paragraph(document)
    spacer.paragraph_format.space_before = Pt(6)
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    _set_cell_width(left, Cm(7.5))
    _set_cell_width(right, Cm(9))

    heading = _first_cell_paragraph(left)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(heading, RECIPIENTS_HEADING, size=12, bold=True, italic=True)
    for recipient in doc.recipients:
        line = _paragraph(left, align="left")
        _run(line, _recipient_line(recipient), size=11)

    lines = [line.strip() for line in doc.signer_title.splitlines() if line.strip()]
    first = _first_cell_paragraph(right)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(first, lines[0].upper() if lines else "", size=BODY_PT, bold=True)
    for line in lines[1:]:
        _run(_paragraph(right), line.upper(), size=BODY_PT, bold=True)
    space = _paragraph(right)
    space.paragraph_format.space_before = Cm(2.5)
    _run(space, doc.signer_name, size=BODY_PT, bold=True)


def _docx_page_numbers(section: Any) -> None:
    """The page number at the top centre, from the second page (Decree 30, Appendix I)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def render_docx(doc: AdministrativeDocument) -> bytes:
    """The report as a Word document (python-docx), laid out per Decree 30/2020/NĐ-CP."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    # Word picks the font per script; Vietnamese letters are in the "high ANSI" and
    # complex-script slots, which `font.name` alone does not set in every Word version.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    document.core_properties.title = f"{doc.kind} {doc.title}"
    document.core_properties.author = doc.issuing_unit
    _docx_page_numbers(section)
    _docx_header(document, doc)
    _docx_title(document, doc)
    _docx_body(document, doc)
    _docx_closing(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def render_html(doc: AdministrativeDocument) -> str:
    """The report as the HTML that `render_pdf` prints (also handy to preview in a browser)."""
    signer_lines = [line.strip().upper() for line in doc.signer_title.splitlines() if line.strip()]
    return render_to_string(
        "exports/administrative_document.html",
        {
            "doc": doc,
            "national_title": NATIONAL_TITLE,
            "motto": MOTTO,
            "number_line": number_line(doc.number),
            "place_and_date": place_and_date(doc.place, doc.date),
            "tables": [prepare_table(t) for t in doc.tables],
            "recipients_heading": RECIPIENTS_HEADING,
            "recipients": [_recipient_line(r) for r in doc.recipients],
            "signer_lines": signer_lines,
        },
    )


def render_pdf(doc: AdministrativeDocument) -> bytes:
    """The report as a PDF (WeasyPrint), with the same layout as the DOCX."""
    from weasyprint import HTML

    return bytes(HTML(string=render_html(doc)).write_pdf())
