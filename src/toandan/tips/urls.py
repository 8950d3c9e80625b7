from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "tips"
urlpatterns: list[URLPattern | URLResolver] = []
