"""An administrative document (`toandan.documents.decree30`) as DOCX (python-docx), for units that
edit and sign on paper. The same layout as the PDF (`toandan.documents.pdf`):

- A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, body 14 pt
  (LibreOffice, without Times, substitutes the metric-compatible Liberation Serif).
- A two-column header without borders. Left: the issuing body's superior (upper case), the
  issuing body (bold, upper case) with a short rule under it, and the number. Right: the
  national title (bold, upper case, 12 pt), the motto (bold, 13 pt, underlined: the decree's
  rule as long as the motto), then the place and date in italics.
- The kind of document (bold, upper case) and its summary line (bold) centred, with a short
  rule under them; then the body.
- At the bottom, side by side: "Nơi nhận:" with the recipients on the left and the signature
  block on the right (or, without recipients, the signature blocks side by side).
- Page numbers at the top centre from the second page.

The header table's grid columns are the cells' widths: LibreOffice lays a table out on its grid
(`w:gridCol`) and Word on the cells (`w:tcW`), and with python-docx's even grid the national
title wrapped in LibreOffice ("… VIỆT / NAM").
"""

from __future__ import annotations

import io
from typing import Any

from toandan.core.text import clean_input_text
from toandan.documents.decree30 import (
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_HEADING,
    AdministrativeDocument,
    Paragraph,
    PreparedTable,
    Signature,
    prepare_body,
)

FONT = "Times New Roman"
BODY_PT = 14
# Content width 165 mm (A4 less the margins), cells without inner margins as in the PDF. The
# right column holds the national title at 12 pt bold (8.8 cm in Times), the left one a commune
# police unit at 13 pt bold ("CÔNG AN PHƯỜNG HOÀN KIẾM", 7.2 cm).
HEADER_CM = (7.3, 9.2)
CLOSING_CM = (7.5, 9.0)


def _run(paragraph: Any, text: str, *, size: float, bold: bool = False, **style: bool) -> Any:
    from docx.shared import Pt

    # Text stored before incoming text was cleaned (`core.text.clean_input_text`) may still
    # hold control characters, which Word's XML cannot carry: clean it once more here.
    run = paragraph.add_run(clean_input_text(text))
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
    (the decree's line under the issuing body and under the summary line)."""
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


def _first_cell_paragraph(cell: Any, *, align: str = "center") -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    # A new cell holds one empty paragraph: use it rather than leave a blank line on top.
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = 0
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if align == "left" else WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _two_columns(document: Any, widths_cm: tuple[float, float]) -> tuple[Any, Any]:
    """A borderless one-row table whose grid and cells have the same widths."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    # No inner cell margins: the columns' widths are the text's, as in the PDF.
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid (w:gridCol), which LibreOffice follows
        for cell in column.cells:
            cell.width = Cm(width)  # the cells (w:tcW), which Word follows
    left, right = table.rows[0].cells
    return left, right


def _docx_header(document: Any, doc: AdministrativeDocument) -> None:
    from docx.shared import Pt

    left, right = _two_columns(document, HEADER_CM)
    _run(_first_cell_paragraph(left), doc.issuing_parent.upper(), size=13)
    _run(_paragraph(left), doc.issuing_unit.upper(), size=13, bold=True)
    _short_rule(left, inset_cm=2)
    _run(_paragraph(left), doc.number_line, size=13)

    _run(_first_cell_paragraph(right), NATIONAL_TITLE, size=12, bold=True)
    motto = _paragraph(right, after=10)
    _run(motto, MOTTO, size=13, bold=True, underline=True)
    if not doc.dated_at_signatures:
        date = _paragraph(right)
        _run(date, doc.place_and_date, size=BODY_PT, italic=True)
        date.paragraph_format.space_before = Pt(6)


def _docx_title(document: Any, doc: AdministrativeDocument) -> None:
    from docx.shared import Pt

    kind = _paragraph(document)
    kind.paragraph_format.space_before = Pt(18)
    _run(kind, doc.kind.upper(), size=BODY_PT, bold=True)
    if doc.title:
        _run(_paragraph(document), doc.title, size=BODY_PT, bold=True)
    for line in doc.subtitle:
        _run(_paragraph(document), line, size=13)
    _short_rule(document, inset_cm=6)


def _docx_paragraph(document: Any, block: Paragraph) -> None:
    from docx.shared import Cm

    # An item is left-aligned: a long link would stretch a justified line.
    paragraph = _paragraph(document, align="left" if block.item else "justify", after=6)
    paragraph.paragraph_format.line_spacing = 1.15
    if block.item:
        # A dashed item: the dash hangs, the text's lines align.
        paragraph.paragraph_format.left_indent = Cm(1.5)
        paragraph.paragraph_format.first_line_indent = Cm(-0.5)
        _run(paragraph, "- ", size=BODY_PT)
    else:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    for run in block.runs:
        _run(paragraph, run.text, size=BODY_PT, bold=run.bold, italic=run.italic)


def _docx_body(document: Any, doc: AdministrativeDocument) -> None:
    from docx.shared import Pt

    for block in prepare_body(doc):
        if block.paragraph is not None:
            _docx_paragraph(document, block.paragraph)
        elif block.table is not None:
            heading = _paragraph(document, after=4)
            heading.paragraph_format.space_before = Pt(6)
            _run(heading, block.table.title, size=13, bold=True)
            _docx_table(document, block.table)
            for note in block.table.notes:
                _run(_paragraph(document, align="left", after=2), note, size=12, italic=True)


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
        _run(_first_cell_paragraph(cell), text, size=12, bold=True)
    for row in prepared.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            paragraph = _first_cell_paragraph(cell, align="left")
            if value.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, value.text, size=12)


def _docx_signature(cell: Any, signature: Signature) -> None:
    from docx.shared import Cm

    lines = signature.title_lines or [""]
    _run(_first_cell_paragraph(cell), lines[0], size=BODY_PT, bold=True)
    for line in lines[1:]:
        _run(_paragraph(cell), line, size=BODY_PT, bold=True)
    if signature.note:
        _run(_paragraph(cell), signature.note, size=13, italic=True)
    name = _paragraph(cell)
    name.paragraph_format.space_before = Cm(2.5)
    _run(name, signature.name, size=BODY_PT, bold=True)


def _docx_closing(document: Any, doc: AdministrativeDocument) -> None:
    from docx.shared import Pt

    spacer = _paragraph(document)
    spacer.paragraph_format.space_before = Pt(6)
    if doc.dated_at_signatures:
        dated = _paragraph(document, align="right", after=6)
        _run(dated, doc.place_and_date, size=BODY_PT, italic=True)
    half = sum(CLOSING_CM) / 2
    for row in doc.closing_rows:
        widths = CLOSING_CM if row[0] is None else (half, half)
        cells = _two_columns(document, widths)
        for cell, signature in zip(cells, row, strict=False):
            if signature is not None:
                _docx_signature(cell, signature)
                continue
            heading = _first_cell_paragraph(cell, align="left")
            if doc.recipients:
                _run(heading, RECIPIENTS_HEADING, size=12, bold=True, italic=True)
            for recipient in doc.recipient_lines:
                _run(_paragraph(cell, align="left"), recipient, size=11)


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
    """The document as a Word file (python-docx), laid out per Decree 30/2020/NĐ-CP."""
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
    document.core_properties.title = " ".join(part for part in (doc.kind, doc.title) if part)
    document.core_properties.author = doc.issuing_unit
    _docx_page_numbers(section)
    _docx_header(document, doc)
    _docx_title(document, doc)
    _docx_body(document, doc)
    _docx_closing(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
