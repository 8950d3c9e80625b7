from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.views.i18n import set_language

from toandan.core.access import public
from toandan.web import views

app_name = "web"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Django's language switch (POST, CSRF-protected); anyone may choose their language.
    path(
        "i18n/setlang/",
        public(set_language, description="switch the interface language"),
        name="set_language",
    ),
]
