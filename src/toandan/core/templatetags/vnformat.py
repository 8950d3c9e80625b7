"""Vietnamese number and date formatting for templates: `{% load vnformat %}`.

Vietnamese administrative style writes 4.701 (dot between thousands), 3,5 (comma before the
decimals), 20/11/2023 and "1,2 triệu". Numbers are written by `toandan.core.numbers` in the
active language, so the same template shows "4.701" in Vietnamese and "4,701" when the reader
switched to English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import dateformat, timezone

from toandan.core import numbers

register = template.Library()


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


@register.filter
def vn_number(value: Any, decimal_pos: int | None = None) -> Any:
    """4701 -> "4.701"; 3.5 -> "3,5"; `|vn_number:1` keeps exactly one decimal, rounded half
    up (`toandan.core.numbers.format_number`).

    Values that are not numbers are returned unchanged, like Django's own filters do.
    """
    number = _to_decimal(value)
    if number is None or not number.is_finite():
        return value
    return numbers.format_number(number, None if decimal_pos is None else int(decimal_pos))


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
