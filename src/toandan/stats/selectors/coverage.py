"""Coverage of periodic reports: the periods of a data set, the units expected to report
it, who did and on time, in an organisation unit's subtree (`coverage`) or in a place
(`place_coverage`, the "provinces that reported" of the summary paragraph)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from toandan.orgs.models import OrgLevel, OrgUnit
from toandan.stats import geography as geo
from toandan.stats.geography import Atlas, Place
from toandan.stats.models import (
    COUNTED_STATUSES,
    DataSet,
    PeriodType,
    Report,
)
from toandan.stats.periods import (
    Period,
    PeriodError,
    half_period,
    month_period,
    parse_period,
    period_label,
    quarter_period,
    split,
    year_period,
)
from toandan.stats.selectors.rollup import StatsQueryError
from toandan.stats.vietnamese import CURRENT, LEGACY

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Org levels from the top: a report is approved after the reports of the levels below it.
LEVEL_ORDER = (
    OrgLevel.CENTRAL.value,
    OrgLevel.PROVINCE.value,
    OrgLevel.DISTRICT.value,
    OrgLevel.COMMUNE.value,
    OrgLevel.BRANCH.value,
)


# --- Periods of a data set --------------------------------------------------------------------

_WHOLE: dict[str, Callable[[dt.date], Period]] = {
    PeriodType.MONTH: lambda d: month_period(d.year, d.month),
    PeriodType.QUARTER: lambda d: quarter_period(d.year, (d.month - 1) // 3 + 1),
    PeriodType.HALF: lambda d: half_period(d.year, 1 if d.month <= 6 else 2),
    PeriodType.YEAR: lambda d: year_period(d.year),
}


def dataset_periods(period_type: str, period: Period) -> list[Period]:
    """The data set's periods within `period` (a year holds four quarters); when `period` is
    shorter than one of them, the one it falls in."""
    pieces = [p for p in split(period, period_type) if p.type == period_type]  # type: ignore[arg-type]
    return pieces or [_WHOLE[period_type](period.start)]


def dataset_period(dataset: DataSet, period_id: str) -> Period:
    """The period `period_id` names, which must be of the data set's type."""
    try:
        period = parse_period(period_id)
    except PeriodError as error:
        raise StatsQueryError(error.message, field="period") from error
    if period.type != dataset.period_type:
        raise StatsQueryError(
            _("This data set is reported %(type)s: enter a period such as %(example)s.")
            % {
                "type": PeriodType(dataset.period_type).label.lower(),
                "example": _WHOLE[dataset.period_type](timezone.localdate()).id,
            },
            field="period",
        )
    return period


def recent_periods(
    dataset: DataSet, *, count: int = 4, today: dt.date | None = None
) -> list[Period]:
    """The data set's current period and the ones before it, newest first."""
    today = today or timezone.localdate()
    result: list[Period] = []
    day = today
    for _index in range(count):
        period = _WHOLE[dataset.period_type](day)
        result.append(period)
        day = period.start - dt.timedelta(days=1)
    return result


def due_at(dataset: DataSet, period: Period) -> dt.datetime:
    """End of the last day a report is on time (DHIS2's timelyDays after the period)."""
    last_day = period.end + dt.timedelta(days=dataset.due_days)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LOCAL_TZ)


# --- Expected units and coverage ----------------------------------------------------------------


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


def expected_units(
    dataset: DataSet,
    period: Period,
    *,
    under: OrgUnit | None = None,
    levels: Iterable[str] | None = None,
) -> QuerySet[OrgUnit]:
    """Units that must report the data set for one of its periods: of its kind, at one of its
    levels, valid on the period's last day (the unit existing when the period closes reports
    for it; so a province that ceased on 30/06/2025 reports for 2025S1 but not for 2025),
    among its assigned units if it has any, and in the subtree of `under`."""
    chosen = list(levels) if levels is not None else list(dataset.levels)
    queryset = OrgUnit.objects.filter(kind=dataset.org_kind, level__in=chosen).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=period.end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.end),
    )
    if dataset.assigned_units.exists():
        queryset = queryset.filter(pk__in=dataset.assigned_units.values("pk"))
    if under is not None:
        queryset = queryset.filter(path__startswith=under.path)
    # Official order (north to south, as lists of provinces are read).
    return queryset.select_related("admin_unit").order_by("admin_unit__code", "code")


def default_coverage_level(dataset: DataSet, unit: OrgUnit | None) -> str:
    """The highest of the data set's levels below `unit` (its own level when none is below)."""
    levels: list[str] = sorted((str(level) for level in dataset.levels), key=level_rank)
    if unit is None:
        return levels[0]
    below = [level for level in levels if level_rank(level) > level_rank(unit.level)]
    return below[0] if below else unit.level


@dataclass(frozen=True)
class CoverageRow:
    unit_id: int
    code: str
    name: str
    place: str  # the unit's place, short: "Hà Giang"
    period_id: str
    status: str  # "" when no report
    submitted_at: dt.datetime | None
    reported: bool
    on_time: bool
    # The unit's administrative unit (None for a central unit), to place the row on the map.
    admin_unit_id: int | None = None


@dataclass(frozen=True)
class Coverage:
    dataset: DataSet
    period: Period
    periods: list[Period]
    unit: OrgUnit | None
    level: str
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.rows if r.reported)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.on_time)

    @property
    def missing(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.reported]

    @property
    def rate(self) -> float | None:
        """Reported / expected in percent: never above 100, since only expected units count."""
        return round(100 * self.reported / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


def _place_name(unit: OrgUnit) -> str:
    admin = unit.admin_unit
    return admin.short_name if admin is not None else unit.name


def coverage(
    dataset: DataSet,
    period: Period | str,
    *,
    unit: OrgUnit | None = None,
    level: str | None = None,
    today: dt.date | None = None,
) -> Coverage:
    """Who should have reported the data set for the period, who did, who on time, and who
    not (named). Expected: see `expected_units`, once per data-set period in `period`.
    Reported: a submitted or approved report. On time: first submitted by `due_at`."""
    if isinstance(period, str):
        try:
            period = parse_period(period, today=today)
        except PeriodError as error:
            raise StatsQueryError(error.message, field="period") from error
    level = level or default_coverage_level(dataset, unit)
    if level not in dataset.levels:
        raise StatsQueryError(_("This data set is not reported at that level."), field="level")
    periods = dataset_periods(dataset.period_type, period)
    rows: list[CoverageRow] = []
    for piece in periods:
        units = list(expected_units(dataset, piece, under=unit, levels=[level]))
        reports = {
            r.org_unit_id: r
            for r in Report.objects.filter(
                dataset=dataset, period_id=piece.id, org_unit__in=[u.pk for u in units]
            )
        }
        deadline = due_at(dataset, piece)
        for org_unit in units:
            report = reports.get(org_unit.pk)
            reported = report is not None and report.status in COUNTED_STATUSES
            rows.append(
                CoverageRow(
                    unit_id=org_unit.pk,
                    code=org_unit.code,
                    name=org_unit.name,
                    place=_place_name(org_unit),
                    period_id=piece.id,
                    status=report.status if report else "",
                    submitted_at=report.submitted_at if report else None,
                    reported=reported,
                    on_time=bool(
                        reported
                        and report is not None
                        and report.submitted_at is not None
                        and report.submitted_at <= deadline
                    ),
                    admin_unit_id=org_unit.admin_unit_id,
                )
            )
    return Coverage(
        dataset=dataset, period=period, periods=periods, unit=unit, level=level, rows=rows
    )


def _units_phrase(level: str, count: int) -> str:
    if level == OrgLevel.PROVINCE:
        return ngettext("province", "provinces", count)
    if level == OrgLevel.COMMUNE:
        return ngettext("commune", "communes", count)
    if level == OrgLevel.BRANCH:
        return ngettext("branch", "branches", count)
    return ngettext("unit", "units", count)


def coverage_sentence(result: Coverage, *, limit: int = 10) -> str:
    """ "20 of 63 provinces reported; missing: Hà Giang, Cao Bằng, … and 33 more." """
    if not result.expected:
        return _("No unit is expected to report this data set for %(period)s.") % {
            "period": period_label(result.period)
        }
    several = len(result.periods) > 1
    if several:
        head = _("%(reported)s of %(expected)s expected reports received") % {
            "reported": result.reported,
            "expected": result.expected,
        }
    else:
        head = _("%(reported)s of %(expected)s %(units)s reported") % {
            "reported": result.reported,
            "expected": result.expected,
            "units": _units_phrase(result.level, result.expected),
        }
    missing = result.missing
    if not missing:
        return _("%(head)s; all have reported.") % {"head": head}
    names = [f"{row.place} ({row.period_id})" if several else row.place for row in missing[:limit]]
    listed = ", ".join(names)
    if len(missing) > limit:
        listed = _("%(names)s and %(count)s more") % {
            "names": listed,
            "count": len(missing) - limit,
        }
    return _("%(head)s; missing: %(names)s.") % {"head": head, "names": listed}


def coverage_as_dict(result: Coverage) -> dict[str, Any]:
    """What the coverage API returns."""
    return {
        "dataset": result.dataset.code,
        "period": result.period.id,
        "periods": [p.id for p in result.periods],
        "unit": result.unit.code if result.unit else None,
        "level": result.level,
        "expected": result.expected,
        "reported": result.reported,
        "on_time": result.on_time,
        "rate": result.rate,
        "on_time_rate": result.on_time_rate,
        "missing": [
            {"code": r.code, "name": r.name, "place": r.place, "period": r.period_id}
            for r in result.missing
        ],
        "sentence": coverage_sentence(result),
    }


# --- Coverage of a place ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceCoverage:
    """Who reported a data set among the units of one place. Units are counted as they
    reported (the 63 provinces before 01/07/2025, the 34 after) and each once, however many of
    the data set's periods the period holds."""

    dataset: DataSet
    period: Period
    periods: list[Period]
    level: str
    expected: int
    reported: int
    on_time: int
    # Where the units that have not reported are, in official order.
    missing: list[str]
    # The same, per generation of the geography (one part, or two for a period across the
    # 2025 reform), over the years that had reports: 63 and 34 provinces are never added up.
    parts: tuple[CoveragePart, ...] = ()

    @property
    def period_ids(self) -> str:
        return ", ".join(p.id for p in self.periods)

    @property
    def stated_parts(self) -> tuple[CoveragePart, ...]:
        """The parts a reader must see apart, with their years: both generations across the
        2025 reform, or the one part when only some of the period's years had reports (none
        when the counts need no years)."""
        if len(self.parts) > 1:
            return self.parts
        years = set(range(self.period.start.year, self.period.end.year + 1))
        if self.parts and set(self.parts[0].years) != years:
            return self.parts
        return ()


@dataclass(frozen=True)
class CoveragePart:
    """Who reported among the units of one generation, over `years`: the years of its data-set
    periods that had a report (all of them when none had)."""

    generation: str  # vietnamese.LEGACY or CURRENT
    years: tuple[int, ...]
    expected: int
    reported: int

    @property
    def years_label(self) -> str:
        return years_label(self.years)


def years_label(years: Sequence[int]) -> str:
    """(2023,) -> "2023"; (2023, 2024) -> "2023–2024"; (2021, 2023) -> "2021, 2023"."""
    ordered = sorted(set(years))
    if not ordered:
        return ""
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(year) for year in ordered)


def _coverage_parts(rows: list[CoverageRow], periods: list[Period]) -> tuple[CoveragePart, ...]:
    from toandan.geo.services import reform_date

    reform = reform_date()
    pieces = {piece.id: piece for piece in periods}
    # The units expected for a period are those that existed at its end (`expected_units`).
    by_generation: dict[str, list[CoverageRow]] = {LEGACY: [], CURRENT: []}
    for row in rows:
        piece = pieces[row.period_id]
        by_generation[LEGACY if piece.end < reform else CURRENT].append(row)
    parts = []
    for generation, generation_rows in by_generation.items():
        if not generation_rows:
            continue
        reported_years = {pieces[r.period_id].end.year for r in generation_rows if r.reported}
        years = reported_years or {pieces[r.period_id].end.year for r in generation_rows}
        kept = [r for r in generation_rows if pieces[r.period_id].end.year in years]
        parts.append(
            CoveragePart(
                generation=generation,
                years=tuple(sorted(years)),
                expected=len({r.unit_id for r in kept}),
                reported=len({r.unit_id for r in kept if r.reported}),
            )
        )
    return tuple(parts)


def place_coverage(
    dataset: DataSet, period: Period | str, place: Place, *, geography: str = geo.CURRENT
) -> PlaceCoverage | None:
    """Coverage of `dataset` at its highest level among the units whose place lies in
    `place`: the whole country, a region or a province of either generation. In the current
    geography a province of today counts the old provinces merged into it (for periods before
    01/07/2025). None for a commune, or when no unit of the place is expected."""
    if place.level == geo.LEVEL_COMMUNE:
        return None
    result = coverage(dataset, period)
    rows = result.rows
    if place.level != geo.LEVEL_COUNTRY:
        atlas = Atlas.load(geography=geography, level=geo.LEVEL_PROVINCE, unit=place)
        rows = [
            row
            for row in rows
            if row.admin_unit_id is not None and atlas.map(row.admin_unit_id, None) is not None
        ]
    if not rows:
        return None
    expected = list(dict.fromkeys(row.unit_id for row in rows))
    reported = {row.unit_id for row in rows if row.reported}
    on_time = {row.unit_id for row in rows if row.on_time}
    places = {row.unit_id: row.place for row in rows}
    return PlaceCoverage(
        dataset=dataset,
        period=result.period,
        periods=result.periods,
        level=result.level,
        expected=len(expected),
        reported=len(reported),
        on_time=len(on_time),
        missing=[places[pk] for pk in expected if pk not in reported],
        parts=_coverage_parts(rows, result.periods),
    )
