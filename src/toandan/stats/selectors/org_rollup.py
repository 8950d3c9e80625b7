"""Roll-ups along the Women's Union organisation tree (province → communes → branches)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from toandan.orgs.models import OrgKind, OrgUnit
from toandan.stats import geography as geo
from toandan.stats.geography import Place
from toandan.stats.models import (
    Aggregation,
    Indicator,
    ReportValue,
)
from toandan.stats.periods import (
    Period,
    period_label,
    split,
)
from toandan.stats.policies import may_read_report
from toandan.stats.selectors.reports import org_unit_by_code
from toandan.stats.selectors.rollup import (
    Amount,
    AnyUser,
    StatsAccessError,
    StatsNotFoundError,
    StatsQueryError,
    apply_formulas,
    bucket_finder,
    check_choices,
    indicator_info,
    normalise,
    reduce_series,
    resolve_indicators,
)
from toandan.stats.tables import (
    Item,
    Number,
    Table,
)

ORG_LEVEL = "org"
# What the Women's Union tree counts of the tips: those whose tipster named a union unit.
_ATTRIBUTED = {"union_received": "received", "union_valuable": "valuable"}


def org_rollup(
    indicator_codes: Sequence[str],
    period: Period | str,
    *,
    unit: OrgUnit | str,
    by: Sequence[str] = ("place",),
    interval: str = "year",
    user: AnyUser | None = None,
) -> Table:
    """Indicators of a Women's Union unit broken down by the units directly below it in the
    organisation tree (province → communes → branches): reported figures by the unit that
    reported them, tips by the union unit the tipster named (tip indicators then count only
    those tips). The unit's own figures show as its own row. Police units follow the
    administrative units one to one: use `rollup` for them.

    The "place" dimension holds organisation unit codes."""
    period, dims = check_choices(period, geo.CURRENT, interval, by)
    if set(dims) - {"period", "place"}:
        raise StatsQueryError(
            _("The organisation tree is shown by period and unit only."), field="by"
        )
    org = org_unit_by_code(unit) if isinstance(unit, str) else unit
    if org is None:
        raise StatsNotFoundError(_("Unknown unit."), field="unit")
    if org.kind != OrgKind.WOMENS_UNION:
        raise StatsQueryError(
            _("Police units follow the administrative units: choose a place instead."),
            field="unit",
        )
    if user is not None and not may_read_report(user, org):
        raise StatsAccessError
    asked, needed = resolve_indicators(indicator_codes)
    buckets = split(period, interval) if "period" in dims else [period]  # type: ignore[arg-type]
    find_bucket = bucket_finder(buckets)
    below = _org_children_of(org)
    sums: dict[tuple[str, ...], Amount] = defaultdict(int)
    series: dict[tuple[tuple[str, ...], str], list[tuple[dt.date, Amount]]] = defaultdict(list)
    aggregation = {i.code: i.aggregation for i in needed}
    pick = "period" in dims, "place" in dims

    def add(code: str, start: dt.date, end: dt.date, unit_id: int, value: Amount) -> None:
        bucket = find_bucket(start, end)
        if bucket is None or start < period.start or end > period.end or not value:
            return
        key = (code, *((bucket.id,) if pick[0] else ()), *((below[unit_id],) if pick[1] else ()))
        if aggregation[code] == Aggregation.SUM:
            sums[key] += value
        else:
            series[(key, str(unit_id))].append((end, value))

    for code, start, end, unit_id, value in _org_rows(needed, period, list(below)):
        add(code, start, end, unit_id, value)
    cells: dict[tuple[str, ...], Number] = dict(sums)
    cells.update(reduce_series(series, aggregation))
    apply_formulas(cells, needed)
    codes = {i.code for i in asked}
    items: dict[str, list[Item]] = {"indicator": [Item(i.code, i.localized_name()) for i in asked]}
    if "period" in dims:
        items["period"] = [Item(b.id, period_label(b)) for b in buckets]
    if "place" in dims:
        items["place"] = _org_items(org, period)
    return Table(
        indicators=[indicator_info(i) for i in asked],
        period=period,
        interval=interval,
        geography=geo.CURRENT,
        level=ORG_LEVEL,
        unit=Place(key=org.code, name=org.name, level=ORG_LEVEL),
        by=dims,
        items=items,
        cells={
            k: (v if type(v) is int else normalise(v)) for k, v in cells.items() if k[0] in codes
        },
    )


def org_parent_place(place: Place) -> Place | None:
    """One step up the organisation tree from an org-unit "place" (None at the root)."""
    org = org_unit_by_code(place.key)
    parent = org.parent if org is not None else None
    if parent is None:
        return None
    return Place(key=parent.code, name=parent.name, level=ORG_LEVEL)


def _org_children_of(org: OrgUnit) -> dict[int, str]:
    """Every unit in the subtree of `org` (itself included) -> the code of the child of
    `org` it lies under (`org`'s own code for `org`)."""
    subtree = list(
        OrgUnit.objects.filter(path__startswith=org.path, kind=org.kind).values_list(
            "pk", "path", "code"
        )
    )
    child_codes = {
        pk: code for pk, path, code in subtree if path.count("/") == org.path.count("/") + 1
    }
    result = {}
    for pk, path, _code in subtree:
        rest = path[len(org.path) :].strip("/")
        result[pk] = child_codes.get(int(rest.split("/")[0]), org.code) if rest else org.code
    return result


def _org_rows(
    needed: Sequence[Indicator], period: Period, unit_ids: list[int]
) -> Iterable[tuple[str, dt.date, dt.date, int, Amount]]:
    tips = [i for i in needed if i.source == "tips"]
    measures = {i.code: _ATTRIBUTED.get(i.source_key, i.source_key) for i in tips}
    if tips:
        from toandan.stats.models import TipFact

        fields = sorted(set(measures.values()))
        rows = (
            TipFact.objects.filter(
                month__gte=period.start.replace(day=1),
                month__lte=period.end,
                union_unit_id__in=unit_ids,
            )
            .values("month", "union_unit_id")
            .order_by()
            .annotate(**{f"m_{f}": Sum(f) for f in fields})
            .values_list("month", "union_unit_id", *(f"m_{f}" for f in fields))
        )
        for month, unit_id, *values in rows:
            by_field = dict(zip(fields, values, strict=True))
            end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
                days=1
            )
            for code, field_name in measures.items():
                yield code, month, end, unit_id, int(by_field[field_name] or 0)
    reported = {i.pk: i.code for i in needed if i.source == "reports"}
    if reported:
        for indicator_id, start, end, unit_id, value in ReportValue.objects.filter(
            indicator_id__in=list(reported),
            counted=True,
            org_unit_id__in=unit_ids,
            period_start__gte=period.start,
            period_end__lte=period.end,
        ).values_list("indicator_id", "period_start", "period_end", "org_unit_id", "value"):
            yield reported[indicator_id], start, end, unit_id, value


def _org_items(org: OrgUnit, period: Period) -> list[Item]:
    children = (
        OrgUnit.objects.filter(parent=org, kind=org.kind)
        .filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
            Q(valid_to__isnull=True) | Q(valid_to__gte=period.start),
        )
        .order_by("code")
    )
    items = [Item(org.code, _("%(unit)s (its own figures)") % {"unit": org.name})]
    items += [Item(c.code, c.name, level=ORG_LEVEL, drillable=True) for c in children]
    return items
