"""The roll-up asked for in the strings of a query string (the API and the pivot page): a
place key leads to `rollup`, an organisation unit code (PN-01) to `org_rollup`."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from toandan.stats import geography as geo
from toandan.stats.geography import Place
from toandan.stats.periods import (
    PeriodError,
    parse_period,
)
from toandan.stats.selectors.org_rollup import org_rollup
from toandan.stats.selectors.rollup import (
    AnyUser,
    StatsAccessError,
    StatsNotFoundError,
    StatsQueryError,
    default_place,
    rollup,
)
from toandan.stats.tables import (
    Table,
)


def _split_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    return [p.strip() for p in parts if p and p.strip()]


def stats_query(
    user: AnyUser,
    *,
    indicator: str | Sequence[str],
    period: str,
    unit: str = "",
    level: str = "",
    by: str | Sequence[str] = "period,place",
    geography: str = geo.CURRENT,
    interval: str = "",
    category: str | Sequence[str] = "",
    channel: str | Sequence[str] = "",
) -> Table:
    """`rollup` from the strings of a query string (the API and the pivot page): lists are
    comma-separated, the unit defaults to the user's own place, the level to one below the
    unit, the interval to months for a period of up to two years and to years beyond."""
    try:
        parsed = parse_period(period or "LAST_12_MONTHS")
    except PeriodError as error:
        raise StatsQueryError(error.message, field="period") from error
    if not interval:
        months = (
            (parsed.end.year - parsed.start.year) * 12 + parsed.end.month - parsed.start.month + 1
        )
        interval = "month" if months <= 24 else "year"
    if "-" in unit:
        # An organisation unit code (PN-01): the roll-up follows the organisation tree.
        return org_rollup(
            _split_list(indicator),
            parsed,
            unit=unit,
            by=[d for d in _split_list(by) if d in {"period", "place"}],
            interval=interval,
            user=user,
        )
    place: Place | None
    if unit:
        place = geo.place_get(unit)
        if place is None:
            raise StatsNotFoundError(_("Unknown place: %(key)s.") % {"key": unit}, field="unit")
    else:
        place = default_place(user)
        if place is None:
            raise StatsAccessError
    if geography == geo.CURRENT and place.is_legacy:
        place = geo.current_successor(place)
    return rollup(
        _split_list(indicator),
        parsed,
        level=level or geo.children_level(place),
        geography=geography,
        unit=place,
        by=_split_list(by),
        interval=interval,
        categories=_split_list(category) or None,
        channels=_split_list(channel) or None,
        user=user,
    )
