"""The statistics dashboard of a place (the country, a province, a commune) and its summary
paragraph as a text file.

Server-rendered: charts are inline SVG (`toandan.stats.charts`), each with a table of its
numbers; the page works without JavaScript and on a phone. A place outside the reader's
jurisdiction is answered as if it did not exist (404), like an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from toandan.core.access import staff_required
from toandan.exports.tables import attachment_header
from toandan.stats import geography as geo
from toandan.stats.charts import Bar, Series, bar_chart, line_chart
from toandan.stats.forms import GEOGRAPHY_CHOICES
from toandan.stats.periods import period_label
from toandan.stats.selectors import (
    DASHBOARD_TIPS,
    STATS_READ_ROLES,
    TIPS_RECEIVED,
    TIPS_VALUABLE,
    Dashboard,
    StatsAccessError,
    StatsNotFoundError,
    StatsQueryError,
    TipRow,
    coverage_unit_of_place,
    dashboard,
    summary_figures,
    tip_rows,
)
from toandan.stats.tables import Number, Table
from toandan.stats.vietnamese import summary_paragraph

# Bars beyond this many make a chart longer than a phone screen is worth scrolling; the table
# under the chart lists every place.
MAX_BARS = 40
# A city has over a hundred communes: the page names the places with the most and the fewest
# tips (a chart of the first, a short table of each end) and opens the full list on demand.
PLACES_BARS = 10
PLACES_AT_EACH_END = 5


class DashboardForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Empty for your own area; VN for the country, 01 for Hà Nội, 00070 for a commune."
        ),
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "For example 2024, 2024Q3, 202408, 2019-2024; empty for the last 12 months."
        ),
    )
    geography = forms.ChoiceField(
        label=gettext_lazy("Geography"), choices=GEOGRAPHY_CHOICES, required=False
    )


@dataclass(frozen=True)
class DashboardQuery:
    unit: str
    period: str
    geography: str


def _query(request: HttpRequest) -> tuple[DashboardForm, DashboardQuery | None]:
    form = DashboardForm(request.GET)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, DashboardQuery(
        unit=data["unit"].strip(),
        period=data["period"].strip(),
        geography=data["geography"] or geo.CURRENT,
    )


def _coverage_url(board: Any) -> str:
    """The coverage page of the dashboard's data set, period and place (the data set's unit
    there: PN-01 for Hà Nội, PN-TW for the country; the reader's own for a region)."""
    if board.coverage is None:
        return ""
    params = {"dataset": board.coverage.dataset.code, "period": board.coverage.period.id}
    place = board.place
    if place.level in {geo.LEVEL_COUNTRY, geo.LEVEL_PROVINCE}:
        unit = coverage_unit_of_place(board.coverage.dataset, place.admin_unit_id)
        if unit is not None:
            params["unit"] = unit.code
    return _url("stats:coverage", **params)


def _url(name: str, **params: str) -> str:
    kept = {key: value for key, value in params.items() if value}
    return reverse(name) + (f"?{urlencode(kept)}" if kept else "")


@staff_required(STATS_READ_ROLES, description="statistics readers: a place in their jurisdiction")
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form, query = _query(request)
    board = None
    if query is not None:
        try:
            board = dashboard(
                request.user, unit=query.unit, period=query.period, geography=query.geography
            )
        except (StatsNotFoundError, StatsAccessError) as error:
            raise Http404 from error
        except StatsQueryError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    context: dict[str, Any] = {"form": form, "board": board}
    if board is not None and query is not None:
        context.update(_page(board, query))
    return render(request, "stats/dashboard.html", context)


@staff_required(STATS_READ_ROLES, description="statistics readers: a place in their jurisdiction")
@require_GET
def dashboard_summary_text(request: HttpRequest) -> HttpResponse:
    """The summary paragraph as a plain-text file, to paste into a speech or a report."""
    _form, query = _query(request)
    if query is None:
        raise Http404
    try:
        figures = summary_figures(
            request.user, unit=query.unit, period=query.period, geography=query.geography
        )
    except (StatsNotFoundError, StatsAccessError) as error:
        raise Http404 from error
    except StatsQueryError as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        summary_paragraph(figures) + "\n", content_type="text/plain; charset=utf-8"
    )
    name = " ".join(part for part in (_("summary"), query.unit, query.period) if part)
    response["Content-Disposition"] = attachment_header(f"{name}.txt")
    return response


# --- What the template shows ---------------------------------------------------------------------


def _share(part: Number | None, whole: Number | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * float(part) / float(whole), 1)


def _rounded(value: Number | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _page(board: Dashboard, query: DashboardQuery) -> dict[str, Any]:
    keep = {"period": query.period, "geography": query.geography}
    received = board.total(TIPS_RECEIVED)
    valuable = board.total(TIPS_VALUABLE)
    context: dict[str, Any] = {
        "period_name": period_label(board.period),
        "geography_name": dict(GEOGRAPHY_CHOICES)[board.geography],
        "received": received,
        "valuable": valuable,
        "valuable_share": _share(valuable, received),
        "concluded": board.total("tips_concluded"),
        "decided_in_time": board.total("tips_decided_in_time"),
        "share_in_time": _rounded(board.total("share_decided_in_time")),
        "paragraph": summary_paragraph(board.figures),
        "summary_url": _url("stats:dashboard_summary", unit=board.place.key, **keep),
        "up_url": (
            _url("stats:dashboard", unit=board.parent.key, **keep)
            if board.parent is not None
            else ""
        ),
        "coverage_url": _coverage_url(board),
        "series": _series(board),
        "categories": _categories(board),
        "report_params": {
            "unit": board.place.key,
            "period": board.period.id,
            "geography": board.geography,
        },
    }
    if board.places is not None:
        context["places"] = _places(board.places, keep)
        context["places_params"] = {
            "indicators": list(DASHBOARD_TIPS),
            "period": board.period.id,
            "geography": board.geography,
            "unit": board.place.key,
            "level": board.places.level,
            "rows": "place",
            "columns": "indicator",
        }
    return context


def _names(table: Table) -> tuple[str, str]:
    return table.item_name("indicator", TIPS_RECEIVED), table.item_name("indicator", TIPS_VALUABLE)


def _series(board: Dashboard) -> dict[str, Any]:
    table = board.series
    received_name, valuable_name = _names(table)
    rows = tip_rows(table, "period")
    chart = line_chart(
        chart_id="chart-series",
        title=_("Tips by %(interval)s, %(period)s")
        % {"interval": _interval_name(board.interval), "period": period_label(board.period)},
        description=_(
            "Lines of the tips received and the valuable tips in each period; the table "
            "below the chart holds the same numbers."
        ),
        labels=[_axis_label(row.item.id, row.item.name, board.interval) for row in rows],
        series=[
            Series(received_name, [row.received for row in rows]),
            Series(valuable_name, [row.valuable for row in rows]),
        ],
    )
    return {
        "chart": chart,
        "rows": rows,
        "received_name": received_name,
        "valuable_name": valuable_name,
    }


def _interval_name(interval: str) -> str:
    names = {
        "month": pgettext("chart interval", "month"),
        "quarter": pgettext("chart interval", "quarter"),
        "half": pgettext("chart interval", "half-year"),
        "year": pgettext("chart interval", "year"),
    }
    return names[interval]


def _axis_label(period_id: str, name: str, interval: str) -> str:
    """A short label under a time axis: "8/24" for a month, the name otherwise ("2024")."""
    if interval == "month" and len(period_id) == 6 and period_id.isdigit():
        return f"{int(period_id[4:])}/{period_id[2:4]}"
    return name


def _ranked(rows: list[TipRow]) -> list[TipRow]:
    """The most tips first; equal counts by name."""
    return sorted(rows, key=lambda row: (-float(row.received or 0), row.item.name))


def _bars(rows: list[TipRow], limit: int = MAX_BARS) -> list[Bar]:
    """The rows with tips, the most first, at most `limit`."""
    ranked = _ranked([row for row in rows if row.received])
    return [Bar(row.item.name, row.received, row.valuable) for row in ranked[:limit]]


def _has_dashboard(key: str, drillable: bool, level: str) -> bool:
    """A place one level down has its own dashboard: a province with communes, and a commune
    itself (the bottom of the drill-down); not the figures without a known commune or the
    central units' own."""
    if level == geo.LEVEL_COMMUNE:
        return not key.endswith(geo.UNKNOWN_COMMUNE)
    return drillable


def _places(table: Table, keep: dict[str, str]) -> dict[str, Any]:
    received_name, valuable_name = _names(table)
    rows = tip_rows(table, "place")
    links = {
        row.item.id: _url("stats:dashboard", unit=row.item.id, **keep)
        for row in rows
        if _has_dashboard(row.item.id, row.item.drillable, table.level)
    }
    bars = _bars(rows, PLACES_BARS)
    title = (
        _("Communes side by side")
        if table.level == geo.LEVEL_COMMUNE
        else _("Provinces side by side")
    )
    chart = None
    if bars:
        chart = bar_chart(
            chart_id="chart-places",
            title=f"{title}, {period_label(table.period)}",
            description=_(
                "One bar per place with tips, the most first: its length is the tips "
                "received, the darker part the valuable tips. The table below lists every "
                "place."
            ),
            bars=bars,
            value_name=received_name,
            part_name=valuable_name,
        )
    lines = {row.item.id: {"row": row, "url": links.get(row.item.id, "")} for row in rows}
    ranked = [lines[row.item.id] for row in _ranked(rows)]
    # Both ends only when they leave something to open; a short list is shown whole.
    ends = len(ranked) > 2 * PLACES_AT_EACH_END + 2
    return {
        "title": title,
        "chart": chart,
        "rows": list(lines.values()),
        "top": ranked[:PLACES_AT_EACH_END] if ends else [],
        "bottom": ranked[-PLACES_AT_EACH_END:][::-1] if ends else [],
        "shown": len(bars),
        "with_tips": sum(1 for row in rows if row.received),
        "received_name": received_name,
        "valuable_name": valuable_name,
    }


def _categories(board: Dashboard) -> dict[str, Any]:
    table = board.categories
    received_name, valuable_name = _names(table)
    rows = tip_rows(table, "category")
    bars = _bars(rows)
    chart = None
    if bars:
        chart = bar_chart(
            chart_id="chart-categories",
            title=_("Tips by category, %(period)s") % {"period": period_label(board.period)},
            description=_(
                "One bar per category with tips, the most first: its length is the tips "
                "received, the darker part the valuable tips. The table below holds the same "
                "numbers."
            ),
            bars=bars,
            value_name=received_name,
            part_name=valuable_name,
        )
    return {
        "chart": chart,
        "rows": rows,
        "received_name": received_name,
        "valuable_name": valuable_name,
    }
