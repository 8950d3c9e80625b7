from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.core.db_router import reads_replica
from toandan.stats import views, views_dashboard

app_name = "stats"
urlpatterns: list[URLPattern | URLResolver] = [
    # Pages that only read figures may read a replica (TOANDAN_REPLICA_URLS).
    path("", reads_replica(views.index), name="index"),
    path("dashboard/", reads_replica(views_dashboard.dashboard_page), name="dashboard"),
    path(
        "dashboard/summary.txt",
        reads_replica(views_dashboard.dashboard_summary_text),
        name="dashboard_summary",
    ),
    path("coverage/", reads_replica(views.coverage_page), name="coverage"),
    path("pivot/", reads_replica(views.pivot), name="pivot"),
    path("reports/", views.reports_home, name="reports"),
    path(
        "reports/<slug:dataset_code>/<str:unit_code>/<str:period_id>/",
        views.report_detail,
        name="report",
    ),
]
