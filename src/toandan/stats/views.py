"""Pages of statistics: the index, coverage of reports, periodic reports and the pivot table.

Every page works without JavaScript: GET forms for queries, POST + redirect for reports.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from toandan.core.access import staff_required
from toandan.stats import geography as geo
from toandan.stats.coverage_filters import (
    COVERAGE_PAGE_ROWS,
    MISSING,
    MISSING_NAMED,
    CoverageFilterForm,
    filtered,
    province_choices,
)
from toandan.stats.forms import CoverageForm, PivotForm, ReportForm
from toandan.stats.models import ReportStatus
from toandan.stats.pickers import use_pickers
from toandan.stats.policies import may_read_report
from toandan.stats.selectors import (
    ORG_LEVEL,
    REPORT_ROLES,
    STATS_READ_ROLES,
    StatsAccessError,
    StatsQueryError,
    approver_units_of_user,
    coverage_for_user,
    coverage_sentence,
    dataset_get,
    dataset_period,
    datasets_active,
    indicators_listed,
    org_parent_place,
    org_unit_by_code,
    place_visible,
    recent_periods,
    report_children,
    report_get,
    report_parent,
    report_units_of_user,
    report_values,
    reports_awaiting_approval,
    stats_query,
)
from toandan.stats.services import (
    REPORT_TRANSITIONS,
    ReportAccessError,
    ReportRefusedError,
    action_label,
    allowed_report_actions,
    report_act,
)
from toandan.stats.tables import Table
from toandan.stats.tables import dimension_label as table_dimension_label

READERS = STATS_READ_ROLES | REPORT_ROLES
EDITING_ACTIONS = frozenset({"save", "submit", "correct"})


@staff_required(READERS, description="statistics readers and staff who send reports")
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/index.html", {"datasets": datasets_active()})


# --- Coverage -----------------------------------------------------------------------------------


@staff_required(READERS, description="statistics readers: coverage within their jurisdiction")
def coverage_page(request: HttpRequest) -> HttpResponse:
    datasets = list(datasets_active())
    data: Any = request.GET
    if "dataset" not in data and datasets:
        # Straight to an answer: the first data set's last complete period.
        data = {"dataset": datasets[0].code, "period": recent_periods(datasets[0])[1].id}
    form = CoverageForm(data or None, datasets=datasets)
    result = None
    if form.is_valid():
        try:
            result = coverage_for_user(
                request.user,
                dataset=form.cleaned_data["dataset"],
                period=form.cleaned_data["period"],
                unit=form.cleaned_data["unit"].strip(),
                level=form.cleaned_data["level"],
            )
        except StatsAccessError:
            form.add_error("unit", _("This unit is outside your jurisdiction."))
        except StatsQueryError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    shown: dict[str, Any] = {}
    if result is not None:
        shown = _coverage_shown(request, result)
    return render(
        request,
        "stats/coverage.html",
        {
            "form": form,
            "result": result,
            **shown,
            "sentence": coverage_sentence(result) if result is not None else "",
            "statuses": dict(ReportStatus.choices),
            "export_params": (
                {
                    "dataset": result.dataset.code,
                    "period": result.period.id,
                    "unit": result.unit.code if result.unit is not None else "",
                    "level": result.level,
                }
                if result is not None
                else None
            ),
        },
    )


def _coverage_shown(request: HttpRequest, result: Any) -> dict[str, Any]:
    """The page of rows the filters choose, and the named units not yet reported among them."""
    provinces, province_of = province_choices(result)
    filter_form = CoverageFilterForm(request.GET, provinces=provinces)
    province, state = None, ""
    if filter_form.is_valid():
        province = filter_form.cleaned_data["province"]
        state = filter_form.cleaned_data["state"]
    chosen = filtered(result, province_of=province_of, province=province, state=state)
    page = Paginator(chosen.rows, COVERAGE_PAGE_ROWS).get_page(request.GET.get("page"))
    missing_query = request.GET.copy()
    missing_query["state"] = MISSING
    missing_query.pop("page", None)
    return {
        "filter_form": filter_form,
        "page": page,
        "missing_named": chosen.missing[:MISSING_NAMED],
        "missing_count": len(chosen.missing),
        "missing_url": f"{reverse('stats:coverage')}?{missing_query.urlencode()}",
    }


# --- Reports ------------------------------------------------------------------------------------


@staff_required(READERS, description="staff who enter, submit and approve periodic reports")
def reports_home(request: HttpRequest) -> HttpResponse:
    sections = []
    for dataset in datasets_active():
        units = report_units_of_user(request.user, dataset)
        approving = approver_units_of_user(request.user, dataset)
        if not units and not approving:
            continue
        periods = recent_periods(dataset)
        rows = []
        for unit in units:
            for period in periods:
                if not unit.is_valid_on(period.end):
                    continue  # the unit did not exist when that period closed
                report = report_get(dataset, unit, period.id)
                rows.append({"unit": unit, "period": period, "report": report})
        sections.append({"dataset": dataset, "rows": rows})
    return render(
        request,
        "stats/reports.html",
        {
            "sections": sections,
            "awaiting": reports_awaiting_approval(request.user),
            "statuses": dict(ReportStatus.choices),
        },
    )


@staff_required(
    READERS, description="the unit's staff, the leaders above it, readers (404 otherwise)"
)
def report_detail(
    request: HttpRequest, dataset_code: str, unit_code: str, period_id: str
) -> HttpResponse:
    dataset = dataset_get(dataset_code)
    unit = org_unit_by_code(unit_code)
    if dataset is None or unit is None or not may_read_report(request.user, unit):
        raise Http404
    try:
        period = dataset_period(dataset, period_id)
    except StatsQueryError as error:
        raise Http404 from error
    report = report_get(dataset, unit, period.id)
    actions = allowed_report_actions(request.user, dataset, unit, report)
    elements = list(dataset.elements.select_related("indicator").order_by("order", "id"))
    editable = bool(EDITING_ACTIONS & set(actions))
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in REPORT_TRANSITIONS:
            raise Http404
        form = ReportForm(request.POST, elements=elements, disabled=action not in EDITING_ACTIONS)
        if not editable and action in EDITING_ACTIONS:
            raise PermissionDenied
        if form.is_valid():
            try:
                report_act(
                    actor=request.user,
                    dataset=dataset,
                    unit=unit,
                    period_id=period.id,
                    action=action,
                    values=form.values() if action in EDITING_ACTIONS else None,
                    reason=form.cleaned_data["reason"],
                )
            except ReportAccessError as error:
                raise PermissionDenied from error
            except ReportRefusedError as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
                messages.error(request, error.message)
            else:
                messages.success(request, _done_message(action))
                return redirect(
                    "stats:report",
                    dataset_code=dataset.code,
                    unit_code=unit.code,
                    period_id=period.id,
                )
    else:
        form = ReportForm(initial=report_values(report), elements=elements, disabled=not editable)
    return render(
        request,
        "stats/report_detail.html",
        {
            "dataset": dataset,
            "unit": unit,
            "period": period,
            "report": report,
            "form": form,
            "buttons": [(a, action_label(a)) for a in actions],
            "children": report_children(dataset, unit, period),
            "parent": report_parent(dataset, unit, period),
            "statuses": dict(ReportStatus.choices),
        },
    )


def _done_message(action: str) -> str:
    messages_by_action = {
        "save": _("The draft was saved."),
        "submit": _("The report was submitted to the level above."),
        "approve": _("The report was approved; its figures are now locked."),
        "return": _("The report was returned to the unit with your reason."),
        "correct": _("The approved figures were corrected; the correction is recorded."),
    }
    return messages_by_action[action]


# --- Pivot --------------------------------------------------------------------------------------

# The first view: the two figures the movement is judged by, one row per place for the last 12
# months. Months across as well made a city leader's first page 252 rows and 34,000 px tall.
_DEFAULT_PIVOT = {
    "indicators": ["tips_received", "tips_valuable"],
    "period": ["LAST_12_MONTHS"],
    "interval": ["month"],
    "geography": [geo.CURRENT],
    "rows": ["place"],
    "columns": ["indicator"],
}
# Rows of the pivot per page: with the query form, two screens at 1280 x 800.
PIVOT_PAGE_ROWS = 20


def _pivot_url(query: QueryDict, **changes: str) -> str:
    copy = query.copy()
    for key, value in changes.items():
        copy[key] = value
    return f"{reverse('stats:pivot')}?{copy.urlencode()}"


@staff_required(READERS, description="statistics readers: tables within their jurisdiction")
def pivot(request: HttpRequest) -> HttpResponse:
    indicators = list(indicators_listed())
    query: QueryDict = request.GET
    if "indicators" not in query:
        query = QueryDict(mutable=True)
        for key, values in _DEFAULT_PIVOT.items():
            query.setlist(key, values)
    form = PivotForm(query, indicators=indicators)
    indicator_choices = [(i.code, i.localized_name()) for i in indicators]
    use_pickers(
        form,
        user=request.user,
        period=query.get("period", ""),
        unit=query.get("unit", ""),
        geography=query.get("geography") or geo.CURRENT,
    )
    table: Table | None = None
    grid = None
    page = None
    links: dict[str, Any] = {}
    if form.is_valid():
        by, row_dims, column_dims = form.layout()
        try:
            table = stats_query(
                request.user,
                indicator=form.cleaned_data["indicators"],
                period=form.cleaned_data["period"],
                unit=form.cleaned_data["unit"],
                level=form.cleaned_data["level"],
                by=by,
                geography=form.cleaned_data["geography"] or geo.CURRENT,
                interval=form.cleaned_data["interval"],
            )
        except StatsQueryError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except StatsAccessError:
            form.add_error("unit", _("This place is outside your jurisdiction."))
        if table is not None:
            links = _pivot_links(request, query, table)
            grid = _grid_for_page(table, row_dims, column_dims, links["drill"])
            page = Paginator(grid["rows"], PIVOT_PAGE_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "stats/pivot.html",
        {
            "form": form,
            "table": table,
            "grid": grid,
            "page": page,
            "chosen_indicators": [
                name for code, name in indicator_choices if code in query.getlist("indicators")
            ],
            "links": links,
            "export_params": _export_params(form, table) if table is not None else None,
        },
    )


def _export_params(form: PivotForm, table: Table) -> dict[str, Any]:
    """What the export buttons send: the query as shown, its period made absolute
    ("LAST_12_MONTHS" becomes "202412-202511"), so the file holds what the page showed even
    when it is written later."""
    params = {name: form.cleaned_data[name] for name in form.fields}
    params["period"] = table.period.id
    return params


def _grid_for_page(
    table: Table, rows: list[str], columns: list[str], drill: dict[str, str]
) -> dict[str, Any]:
    """The grid with each row heading's drill-down link, ready for the template."""
    grid = table.grid(rows, columns)
    return {
        "row_headings": [table_dimension_label(name) for name in grid.row_dimensions],
        "columns": [" · ".join(item.name for item in column) for column in grid.columns],
        "rows": [
            {
                "headings": [
                    {
                        "name": item.name,
                        "url": drill.get(item.id, "") if name == "place" else "",
                    }
                    for name, item in zip(grid.row_dimensions, row.items, strict=True)
                ],
                "values": row.values,
            }
            for row in grid.rows
        ],
    }


def _pivot_links(request: HttpRequest, query: QueryDict, table: Table) -> dict[str, Any]:
    """Drill-down (a place to the level below), one level up, and the other geography."""
    drill = {}
    if "place" in table.items:
        for item in table.items["place"]:
            if item.drillable:
                drill[item.id] = _pivot_url(query, unit=item.id, level="")
    parent = (
        org_parent_place(table.unit) if table.level == ORG_LEVEL else geo.parent_place(table.unit)
    )
    if parent is not None and table.level != ORG_LEVEL and not place_visible(request.user, parent):
        parent = None  # above the reader's jurisdiction: the link would only show an error
    other = geo.OLD if table.geography == geo.CURRENT else geo.CURRENT
    return {
        "drill": drill,
        "unit_name": table.unit.name,
        "up": _pivot_url(query, unit=parent.key, level="") if parent is not None else "",
        "up_name": parent.name if parent is not None else "",
        "geography": _pivot_url(query, geography=other),
        "geography_other": other,
    }
