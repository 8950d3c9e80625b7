from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.geo import views

app_name = "geo"
urlpatterns: list[URLPattern | URLResolver] = [
    path("picker/", views.picker, name="picker"),
]
