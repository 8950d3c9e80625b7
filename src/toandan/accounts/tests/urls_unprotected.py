"""A URLconf with a forgotten policy, for the test that proves the route walker can fail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from toandan.core.access import public, staff_required


def forgotten_view(request: HttpRequest) -> HttpResponse:  # no policy declared
    return HttpResponse("secret")


def public_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


@staff_required()
def staff_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("staff")


public(public_view)

inner: list[Any] = [path("forgotten/", forgotten_view, name="forgotten")]
urlpatterns = [
    path("hello/", public_view, name="hello"),
    path("staff/", staff_view, name="staff"),
    path("app/", include((inner, "app"))),
]
