"""Charts drawn on the server as inline SVG: no JavaScript, no external files, readable on a
phone.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(screen readers read both), with a `<title>` on every point and bar (the browser shows it as a
tooltip). The page puts a table of the same numbers next to every chart: the chart is for the
eye, the table for reading and copying.

Colours come from classes the stylesheet sets (`chart-series-1`, `chart-bar-total`…), with the
same colours as presentation attributes for a reader without the stylesheet; no `style`
attribute is written, since the Content-Security-Policy forbids inline styles. Text is sized
for a drawing 400 units wide, which the page scales to the screen (see stats.css).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from toandan.stats.vietnamese import format_number

Number = int | float | Decimal
Formatter = Callable[[Number], str]

WIDTH = 400
LINE_HEIGHT = 220
# About 11 px on a phone 360 px wide, 17 px at the widest the page draws a chart.
FONT_SIZE = 13
# An average glyph of the chart's sans-serif at FONT_SIZE, to leave room for tick labels.
CHAR_WIDTH = 7.2
MAX_LABEL_CHARS = 50
# A few ticks on the value axis; more crowd a phone screen.
TICK_TARGET = 4
# At most this many labels under a time axis: one in two or three months is named then.
MAX_AXIS_LABELS = 8
SERIES_COLOURS = ("#1f5fa8", "#c2410c", "#15803d", "#7c3aed")
BAR_TOTAL_COLOUR = "#9ec5ee"
BAR_PART_COLOUR = "#1f5fa8"
GRID_COLOUR = "#d4d4d4"
TEXT_COLOUR = "#222222"


@dataclass(frozen=True)
class Series:
    """One line of a time series: a value per label (None: not known, the line breaks)."""

    name: str
    values: Sequence[Number | None]


@dataclass(frozen=True)
class Bar:
    """One bar: `value` is its length; `part`, drawn inside it in a darker colour, is a part
    of it (the valuable tips among the tips received)."""

    label: str
    value: Number | None
    part: Number | None = None


def _float(value: Number | None) -> float | None:
    return None if value is None else float(value)


def nice_ticks(maximum: float, *, whole: bool = True, target: int = TICK_TARGET) -> list[float]:
    """Round tick values from 0 to at least `maximum`: steps of 1, 2, 2.5 or 5 times a power
    of ten, about `target` of them; whole steps only when the values are counts."""
    top = maximum if maximum > 0 else 1.0
    raw = top / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _short(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _join(parts: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _number(value: float) -> float:
    """A coordinate as written in the drawing: two decimals are plenty at this size."""
    return round(value, 2)


def _open(chart_id: str, title: str, description: str, height: float, css: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart {}" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" font-family="sans-serif" '
        'font-size="{}" fill="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        css,
        WIDTH,
        _number(height),
        chart_id,
        chart_id,
        FONT_SIZE,
        TEXT_COLOUR,
        chart_id,
        title,
        chart_id,
        description,
    )


def _legend(items: Sequence[tuple[str, str, str]], y: float) -> SafeString:
    """Coloured squares and names in a row: (name, css class, colour)."""
    parts = []
    x = 0.0
    for name, css, colour in items:
        parts.append(
            format_html(
                '<rect class="chart-legend {}" x="{}" y="{}" width="11" height="11" fill="{}"/>'
                '<text x="{}" y="{}">{}</text>',
                css,
                _number(x),
                _number(y - 10),
                colour,
                _number(x + 14),
                _number(y),
                name,
            )
        )
        x += 14 + len(name) * CHAR_WIDTH + 16
    return _join(parts)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_format: Formatter = format_number,
    whole: bool = True,
) -> SafeString:
    """A time series: one line per series over `labels` (months, quarters, years), with a
    marker on every known value, gridlines at round values and a legend."""
    count = len(labels)
    known = [v for s in series for v in (_float(x) for x in s.values) if v is not None]
    ticks = nice_ticks(max(known, default=0.0), whole=whole)
    tick_texts = [value_format(t) for t in ticks]
    left = 6 + max(len(t) for t in tick_texts) * CHAR_WIDTH
    top, bottom, right = 32.0, LINE_HEIGHT - 24.0, WIDTH - 8.0
    slot = (right - left) / max(count, 1)

    def x_of(index: int) -> float:
        return left + (index + 0.5) * slot

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / ticks[-1]

    parts = [_open(chart_id, title, description, LINE_HEIGHT, "chart-line")]
    parts.append(
        _legend(
            [
                (s.name, f"chart-series-{i % len(SERIES_COLOURS) + 1}", _colour(i))
                for i, s in enumerate(series)
            ],
            13,
        )
    )
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                _number(left),
                _number(y),
                _number(right),
                _number(y),
                GRID_COLOUR,
                _number(left - 4),
                _number(y + 4),
                text,
            )
        )
    every = max(1, math.ceil(count / MAX_AXIS_LABELS))
    for index, label in enumerate(labels):
        if index % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    _number(x_of(index)),
                    _number(bottom + 17),
                    _short(label, 12),
                )
            )
    for number, one in enumerate(series):
        css = f"chart-series-{number % len(SERIES_COLOURS) + 1}"
        colour = _colour(number)
        for segment in _segments(one.values):
            if len(segment) > 1:
                points = " ".join(f"{_number(x_of(i))},{_number(y_of(v))}" for i, v in segment)
                parts.append(
                    format_html(
                        '<polyline class="{}" points="{}" fill="none" stroke="{}" '
                        'stroke-width="2"/>',
                        css,
                        points,
                        colour,
                    )
                )
            for index, value in segment:
                parts.append(
                    format_html(
                        '<circle class="{}" cx="{}" cy="{}" r="2.5" fill="{}">'
                        "<title>{}: {}, {}</title></circle>",
                        css,
                        _number(x_of(index)),
                        _number(y_of(value)),
                        colour,
                        labels[index],
                        one.name,
                        value_format(value),
                    )
                )
    parts.append(SafeString("</svg>"))
    return _join(parts)


def _colour(index: int) -> str:
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def _segments(values: Sequence[Number | None]) -> list[list[tuple[int, float]]]:
    """Runs of known values: an unknown value breaks the line rather than dropping to 0."""
    segments: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        number = _float(value)
        if number is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((index, number))
    return [s for s in segments if s]


BAR_ROW = 38.0
BAR_THICKNESS = 13.0
# Room right of the longest bar for its value.
VALUE_ROOM = 70.0


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    value_name: str,
    part_name: str = "",
    value_format: Formatter = format_number,
) -> SafeString:
    """Horizontal bars, one row per item: the name above its bar (so a long Vietnamese place
    name fits a phone's width), the value at the end of the bar, the part inside it."""
    legend: list[tuple[str, str, str]] = [(value_name, "chart-bar-total", BAR_TOTAL_COLOUR)]
    if part_name:
        legend.append((part_name, "chart-bar-part", BAR_PART_COLOUR))
    top = 26.0
    height = top + BAR_ROW * len(bars) + 4
    largest = max((v for b in bars if (v := _float(b.value)) is not None), default=0.0)
    scale = (WIDTH - VALUE_ROOM) / largest if largest > 0 else 0.0
    parts = [_open(chart_id, title, description, height, "chart-bars"), _legend(legend, 13)]
    for row, bar in enumerate(bars):
        y = top + row * BAR_ROW
        parts.append(
            format_html('<text x="0" y="{}">{}</text>', _number(y + 13), _short(bar.label))
        )
        value = _float(bar.value)
        if value is None:
            parts.append(
                format_html(
                    '<text x="0" y="{}">–<title>{}: {}</title></text>',
                    _number(y + 29),
                    bar.label,
                    value_name,
                )
            )
            continue
        length = value * scale
        tooltip = f"{bar.label}: {value_name} {value_format(value)}"
        part = _float(bar.part)
        if part_name and part is not None:
            tooltip += f", {part_name} {value_format(part)}"
        parts.append(
            format_html(
                '<rect class="chart-bar-total" x="0" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}</title></rect>",
                _number(y + 17),
                _number(length),
                BAR_THICKNESS,
                BAR_TOTAL_COLOUR,
                tooltip,
            )
        )
        if part is not None and part > 0:
            parts.append(
                format_html(
                    '<rect class="chart-bar-part" x="0" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}</title></rect>",
                    _number(y + 17),
                    _number(min(part, value) * scale),
                    BAR_THICKNESS,
                    BAR_PART_COLOUR,
                    tooltip,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}">{}</text>',
                _number(length + 4),
                _number(y + 28),
                value_format(value),
            )
        )
    parts.append(SafeString("</svg>"))
    return _join(parts)
