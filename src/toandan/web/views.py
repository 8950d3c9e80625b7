"""The web shell's own pages: the home page and the deployment health check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from toandan.accounts.selectors import active_role_assignments
from toandan.core.access import public
from toandan.geo.selectors import reform_summary
from toandan.web.navigation import url_if_allowed


@public
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    authenticated = request.user.is_authenticated
    context = {
        # The roles this user holds today, each with its unit (one query, units joined).
        "assignments": list(active_role_assignments(request.user)) if authenticated else [],
        "picker_url": url_if_allowed(request, "geo:picker"),
        "login_url": None if authenticated else reverse("accounts:login"),
        "geography": reform_summary(dt.date.fromisoformat(settings.TOANDAN_GEO_REFORM_DATE)),
    }
    return render(request, "web/home.html", context)


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and deploy scripts: 200 when this server can query its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # No detail: this endpoint is public.
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
