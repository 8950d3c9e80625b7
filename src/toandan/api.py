"""The JSON API root: one NinjaAPI, each app contributes a router."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error
from ninja import NinjaAPI
from ninja.parser import Parser

from toandan.accounts.api import router as accounts_router
from toandan.accounts.api_auth import ApiAuth
from toandan.accounts.units.api import router as orgs_router
from toandan.antifraud.api import router as antifraud_router
from toandan.awards.api import router as awards_router
from toandan.core.text import clean_input_text
from toandan.geo.api import router as geo_router
from toandan.initiatives.api import router as initiatives_router
from toandan.notifications.api import router as notifications_router
from toandan.stats.api import router as stats_router
from toandan.tips.handling.api import router as staff_tips_router
from toandan.tips.intake.api import bench_router
from toandan.tips.intake.api import router as tips_router


def clean_json(value: Any) -> Any:
    """Every string of a parsed JSON body, keys included, through clean_input_text."""
    if isinstance(value, str):
        return clean_input_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_input_text(key): clean_json(item) for key, item in value.items()}
    return value


class CleanTextParser(Parser):
    """JSON bodies get the same cleaning as forms and query strings
    (`core.middleware.CleanInputTextMiddleware` does those; ninja reads them from there)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        parsed: dict[str, Any] = clean_json(super().parse_body(request))
        return parsed


api = NinjaAPI(
    title="toandan API",
    version="1",
    description=(
        "API of toandan, the platform of the all-people movement to protect national security."
    ),
    urls_namespace="api",
    docs_url="/docs",
    parser=CleanTextParser(),
)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a JSON 413, not Django's HTML 400."""
    message = _("The request is too large: send at most %(mb)d MB, or fewer or smaller files.")
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return api.create_response(request, {"detail": message % {"mb": limit_mb}}, status=413)


# A database restart or failover takes seconds: clients (the citizens' phone app above all)
# should try again soon rather than give up.
DATABASE_RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> JsonResponse:
    response = JsonResponse(
        {
            "detail": _("The service is briefly unavailable: please try again in a minute."),
            "code": "database_unavailable",
        },
        status=503,
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database cannot be reached (down, restarting, connections exhausted): a JSON 503
    with Retry-After, not an HTML 500 that the client would take for a bug."""
    return database_unavailable_response()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an error outside the API's own handlers (a middleware reading the session
    while the database is down) still gets the JSON 503 under /api/; pages get 500.html."""
    # Django calls handler500 inside its `except` block, so the exception is the current one.
    if request.path.startswith("/api/") and isinstance(
        sys.exception(), OperationalError | InterfaceError
    ):
        return database_unavailable_response()
    return django_server_error(request)


api.add_router("/geo", geo_router)
api.add_router("/orgs", orgs_router)
api.add_router("/accounts", accounts_router)
api.add_router("/tips", tips_router)
api.add_router("/notifications", notifications_router, auth=ApiAuth())
api.add_router("/stats", stats_router)
api.add_router("/community-models", initiatives_router)
api.add_router("/awards", awards_router)
api.add_router("/fraud", antifraud_router)
api.add_router("/staff/", staff_tips_router)
# The benchmark baseline answers 404 unless settings.TOANDAN_BENCH_ENDPOINTS is on.
api.add_router("/bench", bench_router)
