from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from toandan.accounts.views import admin_login_redirect
from toandan.api import api, server_error

urlpatterns = [
    path("", include("toandan.web.urls")),
    path("geo/", include("toandan.geo.urls")),
    path("orgs/", include("toandan.accounts.units.urls")),
    path("accounts/", include("toandan.accounts.urls")),
    path("audit/", include("toandan.audit.urls")),
    path("tips/", include("toandan.tips.urls")),
    path("initiatives/", include("toandan.initiatives.urls")),
    path("awards/", include("toandan.awards.urls")),
    path("fraud/", include("toandan.antifraud.urls")),
    path("notifications/", include("toandan.notifications.urls")),
    path("stats/", include("toandan.stats.urls")),
    path("exports/", include("toandan.exports.urls")),
    path("open311/v2/", include("toandan.open311.urls")),
    path("api/v1/", api.urls),
    # Before admin.site.urls so it wins over the admin's own login form (see the view).
    path("admin/login/", admin_login_redirect, name="admin_login"),
    path("admin/", admin.site.urls),
]

handler500 = server_error
