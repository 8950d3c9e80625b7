from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from toandan.api import api

urlpatterns = [
    path("", include("toandan.web.urls")),
    path("geo/", include("toandan.geo.urls")),
    path("orgs/", include("toandan.orgs.urls")),
    path("accounts/", include("toandan.accounts.urls")),
    path("audit/", include("toandan.audit.urls")),
    path("tips/", include("toandan.tips.urls")),
    path("notifications/", include("toandan.notifications.urls")),
    path("open311/v2/", include("toandan.open311.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
