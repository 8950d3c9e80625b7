"""Pages of the geography app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from toandan.core.access import public
from toandan.geo.forms import PlacePickerForm
from toandan.geo.selectors import ancestors


def picker(request: HttpRequest) -> HttpResponse:
    """The place picker on its own page: province, then commune, as plain GET forms."""
    form = PlacePickerForm(request.GET or None)
    place = form.picker.place
    return render(
        request,
        "geo/picker.html",
        {
            "form": form,
            "place": place,
            "ancestors": list(ancestors(place)) if place is not None else [],
        },
    )


public(picker, description="reference data: anyone may pick a place")
