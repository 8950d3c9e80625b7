"""`{% load statsformat %}`: a statistic as the page shows it."""

from __future__ import annotations

from typing import Any

from django import template

from toandan.core.templatetags.vnformat import vn_number

register = template.Library()

NOT_REPORTED = "–"


@register.filter
def stat_value(value: Any) -> Any:
    """A figure in Vietnamese style ("4.701", "66,67"); "–" when it was not reported, which
    is not the same as 0."""
    if value is None or value == "":
        return NOT_REPORTED
    return vn_number(value)


@register.filter
def period_name(period_id: Any) -> str:
    """ "2024Q3" -> "Quý III/2024" (the id itself when it does not parse)."""
    from toandan.stats.periods import PeriodError, parse_period, period_label

    try:
        return period_label(parse_period(str(period_id)))
    except PeriodError:
        return str(period_id)
