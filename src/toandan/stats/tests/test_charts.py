"""Charts drawn on the server: well-formed, accessible SVG whose shapes follow the numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from toandan.stats.charts import (
    WIDTH,
    Bar,
    Series,
    bar_chart,
    line_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"

pytestmark = pytest.mark.usefixtures("english")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def text(element: ET.Element, tag: str) -> str:
    found = element.find(f"{SVG}{tag}")
    assert found is not None
    return found.text or ""


def number(element: ET.Element, attribute: str) -> float:
    return float(element.get(attribute) or "nan")


@pytest.mark.parametrize(
    ("maximum", "whole", "expected"),
    [
        (0, True, [0, 1]),
        (3, True, [0, 1, 2, 3]),
        (1492, True, [0, 500, 1000, 1500]),
        (100, True, [0, 25, 50, 75, 100]),
        (89.67, False, [0, 25, 50, 75, 100]),
        (0.8, False, [0, 0.2, 0.4, 0.6, 0.8]),
        (110_020, True, [0, 50_000, 100_000, 150_000]),
    ],
)
def test_ticks_are_round_and_reach_the_largest_value(maximum, whole, expected):
    assert nice_ticks(maximum, whole=whole) == expected


def test_a_line_chart_is_named_described_and_draws_every_known_value():
    svg = line_chart(
        chart_id="c1",
        title="Nguồn tin theo tháng",
        description="Số nguồn tin tiếp nhận mỗi tháng",
        labels=["1/24", "2/24", "3/24", "4/24"],
        series=[Series("Tiếp nhận", [10, None, 30, 40]), Series("Có giá trị", [1, 2, 3, 4])],
    )
    root = parse(svg)

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert text(root, "title") == "Nguồn tin theo tháng"
    assert text(root, "desc") == "Số nguồn tin tiếp nhận mỗi tháng"
    circles = root.findall(f"{SVG}circle")
    # An unknown month has no marker and breaks the line; it is not drawn as 0.
    assert len(circles) == 3 + 4
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2  # "Có giá trị" in one piece, "Tiếp nhận" only from March on
    assert [text(c, "title") for c in circles[:3]] == [
        "1/24: Tiếp nhận, 10",
        "3/24: Tiếp nhận, 30",
        "4/24: Tiếp nhận, 40",
    ]


def test_a_higher_value_is_drawn_higher_and_the_scale_starts_at_zero():
    root = parse(
        line_chart(
            chart_id="c",
            title="t",
            description="d",
            labels=["a", "b"],
            series=[Series("s", [0, 40])],
        )
    )
    low, high = (number(c, "cy") for c in root.findall(f"{SVG}circle"))
    # The value 0 sits on the gridline of 0.
    zero_line = next(line for line in root.findall(f"{SVG}line") if number(line, "y1") == low)

    assert high < low
    assert zero_line is not None


def test_text_is_escaped():
    svg = line_chart(
        chart_id="x",
        title="<script>alert(1)</script>",
        description='"quoted" & more',
        labels=["<b>"],
        series=[Series("<i>", [1])],
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)  # still well-formed XML


def test_bars_are_proportional_with_the_part_inside():
    svg = bar_chart(
        chart_id="p",
        title="Tỉnh, thành phố",
        description="d",
        bars=[Bar("Thành phố Hà Nội", 200, 50), Bar("Tỉnh Lào Cai", 100, 100)],
        value_name="Tiếp nhận",
        part_name="Có giá trị",
    )
    root = parse(svg)
    totals = [r for r in root.findall(f"{SVG}rect") if r.get("class") == "chart-bar-total"]
    parts = [r for r in root.findall(f"{SVG}rect") if r.get("class") == "chart-bar-part"]
    widths = [number(r, "width") for r in totals]
    part_widths = [number(r, "width") for r in parts]

    assert widths[0] == pytest.approx(2 * widths[1])
    assert widths[0] <= WIDTH
    assert part_widths == pytest.approx([widths[0] / 4, widths[1]])
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "Thành phố Hà Nội" in texts
    assert "200" in texts
    assert text(totals[0], "title") == ("Thành phố Hà Nội: Tiếp nhận 200, Có giá trị 50")


def test_numbers_follow_the_reader_language():
    from django.utils import translation

    with translation.override("vi"):
        svg = bar_chart(
            chart_id="p",
            title="t",
            description="d",
            bars=[Bar("Thành phố Hồ Chí Minh", 1492)],
            value_name="Tiếp nhận",
        )

    assert re.search(r">1\.492<", svg)


def test_a_bar_without_a_value_says_so_instead_of_drawing_zero():
    root = parse(
        bar_chart(
            chart_id="p",
            title="t",
            description="d",
            bars=[Bar("Có", 5), Bar("Chưa báo cáo", None)],
            value_name="Giá trị",
        )
    )

    assert len([r for r in root.findall(f"{SVG}rect") if r.get("class") == "chart-bar-total"]) == 1
    assert "–" in [t.text for t in root.findall(f"{SVG}text")]
