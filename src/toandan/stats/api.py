"""JSON API of statistics: indicator roll-ups and report coverage, within the caller's
jurisdiction (an analyst at a central unit sees the whole country)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from toandan.accounts.api_auth import ApiAuth
from toandan.accounts.selectors import user_has_any_role
from toandan.stats.schemas import CoverageOut, ErrorOut, QueryOut
from toandan.stats.selectors import (
    REPORT_ROLES,
    STATS_READ_ROLES,
    StatsAccessError,
    StatsNotFoundError,
    StatsQueryError,
    coverage_as_dict,
    coverage_for_user,
    stats_query,
)

router = Router(tags=["stats"], auth=ApiAuth())


def _require_reader(request: HttpRequest) -> None:
    if not user_has_any_role(request.user, STATS_READ_ROLES | REPORT_ROLES):
        raise HttpError(403, _("Statistics are for staff with a statistics role."))


def _bad_request(error: StatsQueryError) -> HttpError:
    return HttpError(400, f"{error.field}: {error.message}" if error.field else error.message)


class QueryIn(Schema):
    indicator: str
    period: str = "LAST_12_MONTHS"
    unit: str = ""
    level: str = ""
    by: str = "period,place"
    geography: str = "current"
    interval: str = ""
    category: str = ""
    channel: str = ""


@router.get(
    "/query",
    response={200: QueryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Indicators by period, place and category (DHIS2 analytics shape)",
)
def query(request: HttpRequest, params: Query[QueryIn]) -> dict[str, Any]:
    """`indicator`: codes, comma-separated (`tips_received,tips_valuable`). `period`: 2024,
    2024Q3, 202408, 2024S1, 2019-2024, LAST_12_MONTHS… `unit`: a place (VN, 01 for today's Hà
    Nội, L01 for Hà Nội before 01/07/2025, 00070 for a commune, region:macro:north); by default
    the caller's own. `level`: country, region, statistical_region, province or commune (by
    default one below the unit). `by`: any of period, place, category, channel.
    `geography`: current (old units re-aggregated onto today's) or old (as recorded).
    `interval`: month, quarter, half or year for the period dimension. `category`, `channel`:
    codes to keep (tip indicators)."""
    _require_reader(request)
    try:
        table = stats_query(request.user, **params.dict())
    except (StatsNotFoundError, StatsAccessError) as error:
        # As the pages do: a place outside the caller's jurisdiction is as unknown as one
        # that does not exist, and the answer does not tell the two apart.
        raise HttpError(404, _("Unknown place, or outside your jurisdiction.")) from error
    except StatsQueryError as error:
        raise _bad_request(error) from error
    return table.as_dict()


@router.get(
    "/coverage",
    response={200: CoverageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Who has and has not reported a data set, by name",
)
def coverage_view(
    request: HttpRequest, dataset: str, period: str, unit: str = "", level: str = ""
) -> dict[str, Any]:
    """Expected units (of the data set's kind and level, existing on the period's last day),
    how many reported, how many on time, and the missing ones by name. `unit` is an
    organisation unit code (PN-TW, PN-01…); by default the caller's own."""
    _require_reader(request)
    try:
        result = coverage_for_user(
            request.user, dataset=dataset, period=period, unit=unit, level=level
        )
    except StatsNotFoundError as error:
        if error.field == "dataset":
            raise HttpError(404, error.message) from error
        raise HttpError(404, _("Unknown unit, or outside your jurisdiction.")) from error
    except StatsAccessError as error:
        raise HttpError(404, _("Unknown unit, or outside your jurisdiction.")) from error
    except StatsQueryError as error:
        raise _bad_request(error) from error
    return coverage_as_dict(result)
