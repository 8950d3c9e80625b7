"""GeoReport v2 under /open311/v2/: every endpoint in `.json` and `.xml`."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path, register_converter

from toandan.open311 import views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns: list[URLPattern | URLResolver] = [
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.services, name="services"),
    path(
        # Any text up to the format: an unknown code gets the spec's error document, not
        # Django's HTML 404.
        "services/<str:code>.<open311_format:fmt>",
        views.service_definition,
        name="service_definition",
    ),
    path("requests.<open311_format:fmt>", views.requests, name="requests"),
    path(
        "requests/<str:request_id>.<open311_format:fmt>",
        views.request_detail,
        name="request_detail",
    ),
    # Anything else (an unknown format such as services.csv, a mistyped endpoint): a 404 in
    # the spec's error format, never Django's HTML page.
    re_path(r"^.*$", views.not_found, name="not_found"),
]
