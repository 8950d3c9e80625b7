from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.accounts.units import views

app_name = "orgs"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.unit_list, name="list"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/branches/new/", views.branch_create, name="branch_create"),
]
