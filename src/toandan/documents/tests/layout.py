"""What a printed page shows, read back from a PDF: the lines of text with their font and size,
the horizontal rules, and the fonts embedded. Tests of every Decree 30 document use it to check
the layout a reader sees, not the HTML that produced it.

Positions are in points from the top left of the page. A line is the text drawn on one baseline
(both header columns may share one); a rule is a filled bar or a stroked segment at most 2 pt
high and at least 10 pt long (borders, the short lines under the issuing unit and the motto).
"""

from __future__ import annotations

import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Fragment:
    text: str
    x: float
    y: float
    size: float
    font: str


@dataclass(frozen=True)
class Line:
    text: str
    y: float
    fragments: tuple[Fragment, ...]

    @property
    def x0(self) -> float:
        return min(f.x for f in self.fragments)


@dataclass(frozen=True)
class Rule:
    x0: float
    x1: float
    y: float


@dataclass
class Page:
    height: float
    fragments: list[Fragment] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def lines(self) -> list[Line]:
        by_baseline: dict[float, list[Fragment]] = defaultdict(list)
        for fragment in self.fragments:
            by_baseline[round(fragment.y, 1)].append(fragment)
        lines = []
        for y, fragments in sorted(by_baseline.items()):
            ordered = tuple(sorted(fragments, key=lambda f: f.x))
            text = " ".join(" ".join(f.text for f in ordered).split())
            lines.append(Line(text=text, y=y, fragments=ordered))
        return lines

    def line_with(self, text: str) -> Line:
        found = [line for line in self.lines() if text in line.text]
        assert found, f"no line holds {text!r}: {[line.text for line in self.lines()]}"
        return found[0]

    def fragment(self, text: str) -> Fragment:
        found = [f for f in self.fragments if text in f.text]
        assert found, f"no text run holds {text!r}"
        return found[0]

    def rules_below(self, line: Line, *, within: float = 12.0) -> list[Rule]:
        """Rules under `line`'s baseline, closer than `within` points."""
        return [rule for rule in self.rules if 0 < rule.y - line.y <= within]


@dataclass
class Layout:
    pages: list[Page]
    fonts: set[str]

    @property
    def first(self) -> Page:
        return self.pages[0]

    def text(self) -> str:
        return "\n".join(line.text for page in self.pages for line in page.lines())


def _multiply(a: Matrix, b: Matrix) -> Matrix:
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _matrix(values: Any) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


def _font_name(font: Any) -> str:
    name = str(font.get("/BaseFont", "")) if font else ""
    # "/ABCDEF+Liberation-Serif-Bold": the subset tag says nothing about the face.
    return name.lstrip("/").split("+", 1)[-1]


def _read_fragments(page_object: Any, page: Page) -> None:
    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        matrix = _multiply(_matrix(tm), _matrix(cm))
        x, y = _apply(matrix, 0, 0)
        scale = (matrix[2] ** 2 + matrix[3] ** 2) ** 0.5
        page.fragments.append(
            Fragment(
                text=unicodedata.normalize("NFC", text).strip(),
                x=x,
                y=page.height - y,
                size=round(size * scale, 1),
                font=_font_name(font),
            )
        )

    page_object.extract_text(visitor_text=visit)


Box = tuple[float, float, float, float]


def _rule(page: Page, ctm: Matrix, box: Box) -> None:
    x0, y0, x1, y1 = box
    (ax, ay), (bx, by) = _apply(ctm, x0, y0), _apply(ctm, x1, y1)
    if abs(ay - by) <= 2 and abs(ax - bx) >= 10:
        page.rules.append(Rule(min(ax, bx), max(ax, bx), page.height - (ay + by) / 2))


def _bbox(points: list[tuple[float, float]]) -> Box:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _clipped(box: Box, clip: Box | None) -> Box | None:
    if clip is None:
        return box
    x0, y0 = max(box[0], clip[0]), max(box[1], clip[1])
    x1, y1 = min(box[2], clip[2]), min(box[3], clip[3])
    return (x0, y0, x1, y1) if x0 <= x1 and y0 <= y1 else None


FILLS = frozenset({b"f", b"f*", b"F", b"B", b"B*"})
STROKES = frozenset({b"S", b"s"})
PAINTS = FILLS | STROKES | {b"n"}


@dataclass
class _Painter:
    """Follows the graphics state far enough to see where filled boxes and stroked segments
    land, clipped as drawn: WeasyPrint draws a border as a clip to the border's band, then
    fills the whole box."""

    page: Page
    ctm: Matrix = IDENTITY
    clip: Box | None = None
    stack: list[tuple[Matrix, Box | None]] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    segments: list[Box] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    clipping: bool = False

    def state(self, operator: bytes, values: list[float]) -> None:
        if operator == b"q":
            self.stack.append((self.ctm, self.clip))
        elif operator == b"Q":
            self.ctm, self.clip = self.stack.pop() if self.stack else (IDENTITY, None)
        elif operator == b"cm":
            self.ctm = _multiply(_matrix(values), self.ctm)

    def path(self, operator: bytes, values: list[float]) -> None:
        if operator == b"re":
            x, y, w, h = values
            self.boxes.append((min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h)))
            self.points += [(x, y), (x + w, y + h)]
        elif operator == b"m":
            self.points.append((values[0], values[1]))
        elif operator == b"l" and self.points:
            self.segments.append(_bbox([self.points[-1], (values[0], values[1])]))
            self.points.append((values[0], values[1]))
        elif operator in {b"W", b"W*"}:
            self.clipping = True

    def paint(self, operator: bytes) -> None:
        if self.clipping and self.points:
            self.clip = _clipped(_bbox(self.points), self.clip) or (0.0, 0.0, 0.0, 0.0)
        drawn = self.boxes if operator in FILLS else self.segments if operator in STROKES else []
        for box in drawn:
            visible = _clipped(box, self.clip)
            if visible is not None:
                _rule(self.page, self.ctm, visible)
        self.boxes, self.segments, self.points, self.clipping = [], [], [], False


def _read_rules(reader: PdfReader, page_object: Any, page: Page) -> None:
    painter = _Painter(page)
    for operands, operator in ContentStream(page_object.get_contents(), reader).operations:
        values = [float(v) for v in operands] if operator in {b"cm", b"re", b"m", b"l"} else []
        if operator in PAINTS:
            painter.paint(operator)
        elif operator in {b"q", b"Q", b"cm"}:
            painter.state(operator, values)
        else:
            painter.path(operator, values)


def _embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page_object in reader.pages:
        fonts = page_object.get("/Resources", {}).get("/Font", {})
        for reference in fonts.values():
            font = reference.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(_font_name(font))
    return names


def pdf_layout(data: bytes) -> Layout:
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page_object in reader.pages:
        page = Page(height=float(page_object.mediabox.height))
        _read_fragments(page_object, page)
        _read_rules(reader, page_object, page)
        pages.append(page)
    return Layout(pages=pages, fonts=_embedded_fonts(reader))


@dataclass(frozen=True)
class HeaderGrid:
    """The header table of a DOCX, in twips: its grid column widths (`w:gridCol`), its first
    row's cell widths (`w:tcW`) and the room each cell loses to its inner margins.

    LibreOffice lays a table out on its grid and Word on the cells: when they differ, the
    national title that fits in Word wraps in LibreOffice."""

    grid: list[int]
    cells: list[int]
    margins: int

    def text_width_cm(self, column: int) -> float:
        return (self.cells[column] - self.margins) / 567


# python-docx's template gives table cells 108 twips of margin on each side.
DEFAULT_CELL_MARGINS = 2 * 108
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def header_grid(document: Any) -> HeaderGrid:
    table = document.tables[0]._tbl
    grid = [int(col.get(f"{W}w")) for col in table.tblGrid.findall(f"{W}gridCol")]
    cells = []
    for cell in table.tr_lst[0].tc_lst:
        width = cell.tcPr.find(f"{W}tcW") if cell.tcPr is not None else None
        cells.append(int(width.get(f"{W}w")) if width is not None else -1)
    margins = DEFAULT_CELL_MARGINS
    declared = table.tblPr.find(f"{W}tblCellMar")
    if declared is not None:
        sides = [declared.find(f"{W}{side}") for side in ("left", "right")]
        margins = sum(int(side.get(f"{W}w")) if side is not None else 108 for side in sides)
    return HeaderGrid(grid=grid, cells=cells, margins=margins)
