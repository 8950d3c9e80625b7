"""The result of a roll-up: a table of values along named dimensions, with the names of every
item, in the shape of DHIS2's analytics response (headers, metaData, rows).

Dimensions: "indicator" always, and any of "period", "place" and the sources' own dimensions
(`toandan.stats.registry.Dimension`: the tips source's "category" and "channel") asked for with
`by`. A cell that is absent is 0 for an indicator of a complete source (tips: no row means
no tip) and None, "not reported", for the others; `value()` answers accordingly.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from toandan.stats.geography import Place
from toandan.stats.periods import Period, period_label
from toandan.stats.registry import dimensions

Number = int | float | Decimal

# The item of values not broken down by a dimension.
ALL = "all"


def dimension_label(name: str) -> str:
    labels = {
        "indicator": _("Indicator"),
        "period": _("Period"),
        "place": _("Place"),
        "value": _("Value"),
    }
    if name in labels:
        return labels[name]
    return str(dimensions()[name].label)


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    # Places: their level, and whether a drill-down below them exists.
    level: str = ""
    drillable: bool = False


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    source: str
    aggregation: str
    value_type: str
    complete: bool


@dataclass
class Table:
    indicators: list[IndicatorInfo]
    period: Period
    interval: str
    geography: str
    level: str
    unit: Place
    by: tuple[str, ...]
    # Ordered items of each dimension in ("indicator", *by).
    items: dict[str, list[Item]]
    # (indicator code, *item ids in the order of `by`) -> value.
    cells: dict[tuple[str, ...], Number] = field(default_factory=dict)

    @property
    def dimensions(self) -> tuple[str, ...]:
        return ("indicator", *self.by)

    def indicator(self, code: str) -> IndicatorInfo:
        for info in self.indicators:
            if info.code == code:
                return info
        raise KeyError(code)

    def value(self, indicator: str, *ids: str, **named: str) -> Number | None:
        """The value of one cell: `value("tips_received", "2024", "01")` in the order of `by`,
        or by name: `value("tips_received", period="2024", place="01")`."""
        if named:
            ids = tuple(named[name] for name in self.by)
        found = self.cells.get((indicator, *ids))
        if found is None and self.indicator(indicator).complete:
            return 0
        return found

    def item_name(self, dimension: str, item_id: str) -> str:
        for item in self.items.get(dimension, []):
            if item.id == item_id:
                return item.name
        return item_id

    # --- DHIS2-style output ---------------------------------------------------------------

    def headers(self) -> list[dict[str, str]]:
        headers = [
            {"name": name, "column": dimension_label(name), "type": "TEXT"}
            for name in self.dimensions
        ]
        headers.append({"name": "value", "column": dimension_label("value"), "type": "NUMBER"})
        return headers

    def rows(self) -> list[list[Any]]:
        """One row per cell that has a value, in the order of the dimensions' items."""
        order = {
            name: {item.id: index for index, item in enumerate(self.items[name])}
            for name in self.dimensions
        }

        def sort_key(key: tuple[str, ...]) -> tuple[int, ...]:
            return tuple(
                order[name].get(part, len(order[name]))
                for name, part in zip(self.dimensions, key, strict=True)
            )

        return [[*key, json_number(self.cells[key])] for key in sorted(self.cells, key=sort_key)]

    def metadata(self) -> dict[str, Any]:
        items: dict[str, dict[str, str]] = {}
        for name in self.dimensions:
            for item in self.items[name]:
                items[item.id] = {"name": item.name}
        items[self.period.id] = {"name": period_label(self.period)}
        items[self.unit.key] = {"name": self.unit.name}
        return {
            "items": items,
            "dimensions": {
                name: [item.id for item in self.items[name]] for name in self.dimensions
            },
            "period": self.period.id,
            "interval": self.interval,
            "unit": self.unit.key,
            "level": self.level,
            "geography": self.geography,
        }

    def as_dict(self) -> dict[str, Any]:
        rows = self.rows()
        headers = self.headers()
        return {
            "headers": headers,
            "metaData": self.metadata(),
            "rows": rows,
            "height": len(rows),
            "width": len(headers),
        }

    # --- Pivot -----------------------------------------------------------------------------

    def grid(self, rows: Sequence[str], columns: Sequence[str]) -> Grid:
        """The table laid out with the dimensions `rows` down and `columns` across. Every
        dimension of the table must be in one of the two."""
        if set(rows) | set(columns) != set(self.dimensions) or set(rows) & set(columns):
            msg = f"rows {rows} and columns {columns} must split {self.dimensions}"
            raise ValueError(msg)
        row_keys = list(itertools.product(*(self.items[name] for name in rows)))
        column_keys = list(itertools.product(*(self.items[name] for name in columns)))
        position = {name: index for index, name in enumerate(self.dimensions)}
        body: list[GridRow] = []
        for row_items in row_keys:
            values: list[Number | None] = []
            for column_items in column_keys:
                parts: list[str] = [""] * len(self.dimensions)
                for name, item in zip(rows, row_items, strict=True):
                    parts[position[name]] = item.id
                for name, item in zip(columns, column_items, strict=True):
                    parts[position[name]] = item.id
                values.append(self.value(parts[0], *parts[1:]))
            body.append(GridRow(items=list(row_items), values=values))
        return Grid(
            row_dimensions=list(rows),
            column_dimensions=list(columns),
            columns=[list(c) for c in column_keys],
            rows=body,
        )


@dataclass(frozen=True)
class GridRow:
    items: list[Item]
    values: list[Number | None]


@dataclass(frozen=True)
class Grid:
    row_dimensions: list[str]
    column_dimensions: list[str]
    columns: list[list[Item]]
    rows: list[GridRow]


def json_number(value: Number | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
