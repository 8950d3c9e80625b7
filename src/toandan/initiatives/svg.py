"""A map-like picture of counts per province, drawn on the server (no JavaScript, no tiles):
each province a square at its centre's position, its area proportional to its count. The
table beside it carries the same figures for readers who cannot see the picture."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from toandan.geo.models import AdminUnit, Level

if TYPE_CHECKING:
    from toandan.initiatives.selectors import Counts

# Vietnam's bounding box (with the sea around it), degrees.
WEST, EAST, SOUTH, NORTH = 102.0, 110.0, 8.3, 23.5
WIDTH, HEIGHT = 320, 600


def _centre(unit: AdminUnit) -> tuple[float, float] | None:
    if unit.latitude is not None and unit.longitude is not None:
        return unit.latitude, unit.longitude
    return None


def province_map(counts: Counts) -> SafeString:
    codes = [row["code"] for row in counts.rows]
    generation = "legacy" if counts.geography == "legacy" else "current"
    units = {
        u.code: u
        for u in AdminUnit.objects.filter(
            generation=generation, level=Level.PROVINCE, code__in=codes
        )
    }
    # Provinces without stored coordinates take the mean of their communes' coordinates.
    largest = max((row["models"] for row in counts.rows), default=0) or 1
    shapes: list[str] = []
    for row in counts.rows:
        unit = units.get(row["code"])
        if unit is None:
            continue
        centre = _centre(unit) or _mean_of_children(unit)
        if centre is None:
            continue
        lat, lon = centre
        x = (lon - WEST) / (EAST - WEST) * WIDTH
        y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
        side = 4 + 26 * math.sqrt(row["models"] / largest)
        title = escape(f"{row['name']}: {row['models']}")
        shapes.append(
            f'<rect x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" '
            f'height="{side:.1f}" fill="#b3261e" fill-opacity="0.55" stroke="#7a1a14">'
            f"<title>{title}</title></rect>"
        )
    label = escape(f"{counts.models}")
    return mark_safe(  # noqa: S308 - every text inside is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="300" height="{HEIGHT * 300 // WIDTH}" '
        f'role="img" aria-label="{label}" class="initiatives-map">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#eef4f8"/>' + "".join(shapes) + "</svg>"
    )


def _mean_of_children(unit: AdminUnit) -> tuple[float, float] | None:
    points: list[tuple[float, float]] = list(
        AdminUnit.objects.filter(
            path__startswith=unit.path, latitude__isnull=False, longitude__isnull=False
        ).values_list("latitude", "longitude")[:400]  # type: ignore[arg-type]
    )
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
