from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.stats import views, views_dashboard

app_name = "stats"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path(
        "dashboard/summary.txt",
        views_dashboard.dashboard_summary_text,
        name="dashboard_summary",
    ),
    path("coverage/", views.coverage_page, name="coverage"),
    path("pivot/", views.pivot, name="pivot"),
    path("reports/", views.reports_home, name="reports"),
    path(
        "reports/<slug:dataset_code>/<str:unit_code>/<str:period_id>/",
        views.report_detail,
        name="report",
    ),
]
