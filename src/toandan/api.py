"""The JSON API root: one NinjaAPI, each app contributes a router."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from toandan.accounts.api import router as accounts_router
from toandan.accounts.api_auth import ApiAuth
from toandan.geo.api import router as geo_router
from toandan.notifications.api import router as notifications_router
from toandan.orgs.api import router as orgs_router
from toandan.stats.api import router as stats_router
from toandan.tips.api import bench_router
from toandan.tips.api import router as tips_router
from toandan.tips.api_staff import router as staff_tips_router

api = NinjaAPI(
    title="toandan API",
    version="1",
    description=(
        "API of toandan, the platform of the all-people movement to protect national security."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a JSON 413, not Django's HTML 400."""
    message = _("The request is too large: send at most %(mb)d MB, or fewer or smaller files.")
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return api.create_response(request, {"detail": message % {"mb": limit_mb}}, status=413)


api.add_router("/geo", geo_router)
api.add_router("/orgs", orgs_router)
api.add_router("/accounts", accounts_router)
api.add_router("/tips", tips_router)
api.add_router("/notifications", notifications_router, auth=ApiAuth())
api.add_router("/stats", stats_router)
api.add_router("/staff/", staff_tips_router)
# The benchmark baseline answers 404 unless settings.TOANDAN_BENCH_ENDPOINTS is on.
api.add_router("/bench", bench_router)
