from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.tips.dashboard import views as views_dashboard

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]
