"""Vietnamese number and date formatting for templates: `{% load vnformat %}`.

Vietnamese administrative style writes 4.701 (dot between thousands), 3,5 (comma before the
decimals), 20/11/2023 and "1,2 triệu". The filters read the separators of the active language
from the project's format modules (`toandan.formats`), so the same template shows "4.701" in
Vietnamese and "4,701" when the reader switched to English.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import dateformat, formats, numberformat, timezone
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# (threshold, unit word) from the largest down. Vietnamese counts in nghìn, triệu, tỷ; amounts
# above a thousand tỷ stay in tỷ ("18.900 tỷ đồng"), as the press and official reports write them.
_COMPACT_UNITS: tuple[tuple[int, str], ...] = (
    (1_000_000_000, gettext_noop("billion")),
    (1_000_000, gettext_noop("million")),
    (1_000, gettext_noop("thousand")),
)


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _format(number: Decimal | int, decimal_pos: int | None = None) -> str:
    return numberformat.format(
        number,
        decimal_sep=str(formats.get_format("DECIMAL_SEPARATOR")),
        decimal_pos=decimal_pos,
        grouping=int(formats.get_format("NUMBER_GROUPING")),
        thousand_sep=str(formats.get_format("THOUSAND_SEPARATOR")),
        force_grouping=True,
    )


def _strip_zero_decimals(number: Decimal) -> Decimal | int:
    return int(number) if number == number.to_integral_value() else number.normalize()


@register.filter
def vn_number(value: Any, decimal_pos: int | None = None) -> Any:
    """4701 -> "4.701"; 3.5 -> "3,5"; `|vn_number:1` keeps exactly one decimal.

    Values that are not numbers are returned unchanged, like Django's own filters do.
    """
    number = _to_decimal(value)
    if number is None or not number.is_finite():
        return value
    if decimal_pos is not None:
        quantum = Decimal(1).scaleb(-int(decimal_pos))
        return _format(number.quantize(quantum, rounding=ROUND_HALF_UP), int(decimal_pos))
    return _format(_strip_zero_decimals(number))


@register.filter
def vn_compact(value: Any) -> Any:
    """Short amounts for dashboards: 110000 -> "110 nghìn", 1200000 -> "1,2 triệu",
    3000000000 -> "3 tỷ". One decimal at most, dropped when it is zero; below a thousand the
    number is shown as `vn_number` would."""
    number = _to_decimal(value)
    if number is None or not number.is_finite():
        return value
    sign = "-" if number < 0 else ""
    magnitude = abs(number)
    index = next((i for i, (limit, _) in enumerate(_COMPACT_UNITS) if magnitude >= limit), None)
    if index is None:
        return f"{sign}{_format(_strip_zero_decimals(magnitude))}"
    scaled = _scaled(magnitude, _COMPACT_UNITS[index][0])
    # 999.960 rounds to "1.000 nghìn": say "1 triệu" instead.
    if index > 0 and scaled >= 1000:
        index -= 1
        scaled = _scaled(magnitude, _COMPACT_UNITS[index][0])
    return f"{sign}{_format(_strip_zero_decimals(scaled))} {gettext(_COMPACT_UNITS[index][1])}"


def _scaled(magnitude: Decimal, unit: int) -> Decimal:
    return (magnitude / unit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _local(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def vn_date(value: Any) -> Any:
    """A date or datetime as dd/mm/yyyy (20/11/2023), in the project's time zone."""
    if not isinstance(value, dt.date):
        return value
    return dateformat.format(_local(value), "d/m/Y")


@register.filter
def vn_datetime(value: Any) -> Any:
    """A datetime as "14:30 20/11/2023" (time first, as Vietnamese official records write it),
    in the project's time zone."""
    if not isinstance(value, dt.datetime):
        return vn_date(value)
    return dateformat.format(_local(value), "H:i d/m/Y")
