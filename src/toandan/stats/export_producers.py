"""What the statistics pages export (registered in `StatsConfig.ready()`):

- "stats.pivot": the pivot table as the page lays it out (CSV, XLSX);
- "stats.coverage": who has and has not reported a data set (CSV, XLSX);
- "stats.report": the periodic statistics report of a place, in the administrative format of
  Decree 30/2020/NĐ-CP (DOCX, PDF): the summary paragraph and the dashboard's tables.

Each producer runs with the user who asked, through the same selectors as the page (which
check the user's jurisdiction), so a file never holds more than that user could see on screen;
a refusal becomes `ExportRefusedError` with the page's message. The same function serves as
the check when the job is created, so a wrong request is refused at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toandan.accounts.selectors import active_role_assignments
from toandan.documents.decree30 import AdministrativeDocument, Signature, place_name
from toandan.exports.registry import (
    ExportRefusedError,
    register_document_producer,
    register_table_producer,
)
from toandan.exports.tables import Table as ExportTable
from toandan.orgs.models import OrgUnit
from toandan.stats import geography as geo
from toandan.stats.forms import GEOGRAPHY_CHOICES, PivotForm
from toandan.stats.models import ReportStatus
from toandan.stats.periods import PeriodError, period_label
from toandan.stats.selectors import (
    REPORTED_VALUABLE,
    STATS_READ_ROLES,
    TIPS_RECEIVED,
    TIPS_VALUABLE,
    Dashboard,
    PlaceCoverage,
    StatsAccessError,
    StatsQueryError,
    coverage_for_user,
    coverage_sentence,
    dashboard,
    indicators_listed,
    parse_query_period,
    place_for_user,
    running_name,
    stats_query,
    tip_rows,
)
from toandan.stats.tables import Grid, dimension_label, json_number
from toandan.stats.tables import Table as StatsTable
from toandan.stats.vietnamese import format_number_vi, percent_vi, summary_paragraph

PIVOT = "stats.pivot"
COVERAGE = "stats.coverage"
REPORT = "stats.report"
Params = dict[str, Any]
# Where central bodies sit, for the place line of a report they issue.
CAPITAL = "Hà Nội"
MISSING_NAMED = 10


def _text(params: Params, name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _refused(error: StatsQueryError | PeriodError) -> ExportRefusedError:
    return ExportRefusedError(error.message)


def _outside() -> ExportRefusedError:
    return ExportRefusedError(_("This place is outside your jurisdiction."))


# --- The pivot table ------------------------------------------------------------------------------


def _pivot_form(params: Params) -> PivotForm:
    data = QueryDict(mutable=True)
    for name, value in params.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is not None:
            data[name] = str(value)
    form = PivotForm(data, indicators=list(indicators_listed()))
    if not form.is_valid():
        messages = [str(m) for errors in form.errors.values() for m in errors]
        raise ExportRefusedError(" ".join(messages) or _("The export parameters are not valid."))
    return form


def pivot_grid(params: Params, user: AbstractBaseUser) -> tuple[StatsTable, Grid]:
    """The pivot of `params` (the pivot page's fields) for `user`, as the page shows it."""
    form = _pivot_form(params)
    by, row_dims, column_dims = form.layout()
    data = form.cleaned_data
    try:
        table = stats_query(
            user,
            indicator=data["indicators"],
            period=data["period"],
            unit=data["unit"],
            level=data["level"],
            by=by,
            geography=data["geography"] or geo.CURRENT,
            interval=data["interval"],
        )
    except StatsAccessError as error:
        raise _outside() from error
    except StatsQueryError as error:
        raise _refused(error) from error
    return table, table.grid(row_dims, column_dims)


def _generated_note() -> str:
    return _("Source: toandan, figures as of %(time)s.") % {
        "time": timezone.localtime().strftime("%H:%M %d/%m/%Y")
    }


def pivot_table(params: Params, user: AbstractBaseUser) -> ExportTable:
    table, grid = pivot_grid(params, user)
    names = ", ".join(info.name for info in table.indicators)
    rows = (
        [*(item.name for item in row.items), *(json_number(value) for value in row.values)]
        for row in grid.rows
    )
    return ExportTable(
        title=f"{names} – {table.unit.name} – {period_label(table.period)}",
        headers=[
            *(dimension_label(name) for name in grid.row_dimensions),
            *(" · ".join(item.name for item in column) for column in grid.columns),
        ],
        rows=rows,
        notes=[
            _("An empty cell means not reported, which is not the same as 0."),
            _("Geography: %(geography)s.")
            % {"geography": dict(GEOGRAPHY_CHOICES)[table.geography]},
            _generated_note(),
        ],
        expected_rows=len(grid.rows),
    )


def pivot_check(params: Params, user: AbstractBaseUser) -> None:
    pivot_grid(params, user)


# --- Coverage -------------------------------------------------------------------------------------


def _coverage(params: Params, user: AbstractBaseUser) -> Any:
    try:
        return coverage_for_user(
            user,
            dataset=_text(params, "dataset"),
            period=_text(params, "period"),
            unit=_text(params, "unit"),
            level=_text(params, "level"),
        )
    except StatsAccessError as error:
        raise ExportRefusedError(_("This unit is outside your jurisdiction.")) from error
    except StatsQueryError as error:
        raise _refused(error) from error


def coverage_table(params: Params, user: AbstractBaseUser) -> ExportTable:
    result = _coverage(params, user)
    statuses = dict(ReportStatus.choices)

    def on_time(reported: bool, in_time: bool) -> str:
        if in_time:
            return _("Yes")
        return _("Late") if reported else ""

    rows = [
        [
            row.name,
            row.code,
            row.place,
            row.period_id,
            str(statuses[row.status]) if row.status else _("Not started"),
            row.submitted_at,
            on_time(row.reported, row.on_time),
        ]
        for row in result.rows
    ]
    unit_name = result.unit.name if result.unit is not None else geo.country().name
    return ExportTable(
        title=(f"{result.dataset.localized_name()} – {unit_name} – {period_label(result.period)}"),
        headers=[
            _("Unit"),
            _("Unit code"),
            _("Place"),
            _("Period"),
            _("Status"),
            _("First submitted at"),
            _("On time"),
        ],
        rows=rows,
        notes=[coverage_sentence(result, limit=len(result.rows)), _generated_note()],
        expected_rows=len(rows),
    )


def coverage_check(params: Params, user: AbstractBaseUser) -> None:
    _coverage(params, user)


# --- The periodic statistics report ---------------------------------------------------------------


def _board(params: Params, user: AbstractBaseUser) -> Dashboard:
    geography = _text(params, "geography") or geo.CURRENT
    try:
        return dashboard(
            user,
            unit=_text(params, "unit"),
            period=_text(params, "period"),
            geography=geography,
        )
    except StatsAccessError as error:
        raise _outside() from error
    except StatsQueryError as error:
        raise _refused(error) from error


def _issuer(user: AbstractBaseUser) -> OrgUnit | None:
    """The unit a report is issued by: the highest unit where the user reads statistics."""
    assignment = (
        active_role_assignments(user, STATS_READ_ROLES)
        .select_related("org_unit__parent")
        .order_by("org_unit__depth", "org_unit__path")
        .first()
    )
    return assignment.org_unit if assignment is not None else None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _missing_names(names: Sequence[str]) -> str:
    listed = ", ".join(names[:MISSING_NAMED])
    if len(names) > MISSING_NAMED:
        listed = _("%(names)s and %(count)s more") % {
            "names": listed,
            "count": len(names) - MISSING_NAMED,
        }
    return listed


def _coverage_paragraph(reached: PlaceCoverage) -> str:
    text = _(
        "Periodic report “%(dataset)s” (%(periods)s): %(reported)s of %(expected)s units "
        "have reported, %(on_time)s of them on time."
    ) % {
        "dataset": reached.dataset.localized_name(),
        "periods": reached.period_ids,
        "reported": format_number_vi(reached.reported),
        "expected": format_number_vi(reached.expected),
        "on_time": format_number_vi(reached.on_time),
    }
    if reached.missing:
        text += " " + _("Not yet reported: %(names)s.") % {"names": _missing_names(reached.missing)}
    return text


def _decisions_paragraph(board: Dashboard) -> str | None:
    concluded = board.total("tips_concluded")
    in_time = board.total("tips_decided_in_time")
    if not concluded or in_time is None:
        return None
    return _(
        "Of the %(concluded)s tips decided, %(in_time)s (%(share)s) were decided within the "
        "time limits of the Criminal Procedure Code (Art. 147)."
    ) % {
        "concluded": format_number_vi(concluded),
        "in_time": format_number_vi(in_time),
        "share": percent_vi(float(in_time) / float(concluded)),
    }


def _key_figures(board: Dashboard) -> ExportTable:
    rows: list[list[object]] = []
    for code in (TIPS_RECEIVED, TIPS_VALUABLE, "tips_concluded", "tips_decided_in_time"):
        rows.append([board.totals.item_name("indicator", code), board.total(code)])
    share = board.total("share_decided_in_time")
    rows.append(
        [board.totals.item_name("indicator", "share_decided_in_time"), share]
        if share is not None
        else [board.totals.item_name("indicator", "share_decided_in_time"), "–"]
    )
    if any(info.code == REPORTED_VALUABLE for info in board.totals.indicators):
        reported = board.total(REPORTED_VALUABLE)
        rows.append(
            [
                board.totals.item_name("indicator", REPORTED_VALUABLE),
                reported if reported is not None else _("not reported"),
            ]
        )
    if board.coverage is not None:
        rows.append(
            [
                _("Reports received (%(periods)s)") % {"periods": board.coverage.period_ids},
                "/".join(
                    format_number_vi(n) for n in (board.coverage.reported, board.coverage.expected)
                ),
            ]
        )
    return ExportTable(
        title=_("Table %(number)s. Key figures") % {"number": 1},
        headers=[_("Indicator"), _("Value")],
        rows=rows,
    )


def _tips_table(
    number: int, title: str, heading: str, table: StatsTable, dimension: str
) -> ExportTable:
    rows: Iterable[Sequence[object]] = [
        [
            row.item.name,
            row.received,
            row.valuable,
            row.share if row.share is not None else "–",
        ]
        for row in tip_rows(table, dimension)
    ]
    return ExportTable(
        title=_("Table %(number)s. %(title)s") % {"number": number, "title": title},
        headers=[
            heading,
            table.item_name("indicator", TIPS_RECEIVED),
            table.item_name("indicator", TIPS_VALUABLE),
            _("Valuable (%)"),
        ],
        rows=rows,
    )


def _report_title(board: Dashboard) -> str:
    period = _lower_first(period_label(board.period))
    place = running_name(board.place)
    if place is None:
        return _(
            "Statistics on tips and on the all-people movement to protect national security "
            "nationwide, %(period)s"
        ) % {"period": period}
    return _(
        "Statistics on tips and on the all-people movement to protect national security in "
        "%(place)s, %(period)s"
    ) % {"place": place, "period": period}


def periodic_report(params: Params, user: AbstractBaseUser) -> AdministrativeDocument:
    """The periodic statistics report of a place and period (`params`: unit, period,
    geography as on the dashboard), issued in the name of the user's unit. Always in
    Vietnamese, like every document of `toandan.documents`."""
    with translation.override("vi"):
        board = _board(params, user)
        issuer = _issuer(user)
        body = [summary_paragraph(board.figures)]
        decisions = _decisions_paragraph(board)
        if decisions:
            body.append(decisions)
        if board.coverage is not None:
            body.append(_coverage_paragraph(board.coverage))
        body.append(
            _(
                "Figures on tips are counted by toandan as the tips are handled; reported "
                "figures come from the periodic reports units have submitted or that were "
                "approved."
            )
        )
        tables = [_key_figures(board)]
        number = 2
        if board.places is not None:
            tables.append(
                _tips_table(
                    number,
                    _("Communes") if board.places.level == geo.LEVEL_COMMUNE else _("Provinces"),
                    _("Place"),
                    board.places,
                    "place",
                )
            )
            number += 1
        tables.append(_tips_table(number, _("By period"), _("Period"), board.series, "period"))
        tables.append(
            _tips_table(number + 1, _("By category"), _("Category"), board.categories, "category")
        )
        admin = issuer.admin_unit if issuer is not None else None
        return AdministrativeDocument(
            issuing_parent=issuer.parent.name if issuer is not None and issuer.parent else "",
            issuing_unit=issuer.name if issuer is not None else "",
            # The number is given when the report is signed and registered.
            number="……/BC",
            place=place_name(admin) if admin is not None else CAPITAL,
            date=timezone.localdate(),
            title=_report_title(board),
            body=[*body, *tables],
            recipients=[
                _("The leadership of the unit above (to report);"),
                _("Archive: clerical office."),
            ],
            signatures=[Signature(title=_("HEAD OF THE UNIT"))],
        )


def periodic_report_check(params: Params, user: AbstractBaseUser) -> None:
    """Refuses at once a place outside the user's jurisdiction or a bad period; the report
    itself is written in the background."""
    geography = _text(params, "geography") or geo.CURRENT
    try:
        parse_query_period(_text(params, "period"))
        place_for_user(user, _text(params, "unit"), geography)
    except StatsAccessError as error:
        raise _outside() from error
    except StatsQueryError as error:
        raise _refused(error) from error


_Result = TypeVar("_Result")


def _periods_refused(
    producer: Callable[[Params, AbstractBaseUser], _Result],
) -> Callable[[Params, AbstractBaseUser], _Result]:
    """exports sits below stats and knows only its own `ExportRefusedError`: a period the
    user typed wrongly reaches it as one, with the same message."""

    @functools.wraps(producer)
    def wrapped(params: Params, user: AbstractBaseUser) -> _Result:
        try:
            return producer(params, user)
        except PeriodError as error:
            raise _refused(error) from error

    return wrapped


def register_exports() -> None:
    """Called from StatsConfig.ready()."""
    register_table_producer(
        PIVOT,
        _periods_refused(pivot_table),
        label=gettext_lazy("Statistics table"),
        check=_periods_refused(pivot_check),
    )
    register_table_producer(
        COVERAGE,
        _periods_refused(coverage_table),
        label=gettext_lazy("Who has reported"),
        check=_periods_refused(coverage_check),
    )
    register_document_producer(
        REPORT,
        _periods_refused(periodic_report),
        label=gettext_lazy("Periodic statistics report"),
        check=_periods_refused(periodic_report_check),
    )
