"""The unit dashboard page (see `toandan.tips.dashboard` for what each figure means)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from toandan.accounts.models import POLICE_ROLES
from toandan.core.access import staff_required
from toandan.tips.dashboard.selectors import (
    DEFAULT_SORT,
    FIRST_ACTION_LATER_HOURS,
    SORTS,
    DashboardScopeError,
    unit_dashboard,
)
from toandan.tips.dashboard.unit_counts import FIRST_ACTION_BANDS
from toandan.tips.handling.inbox import due_soon_lazy

# The columns of the side-by-side table, in order; each heading sorts by its column.
SORT_COLUMNS = [
    ("name", _("Unit")),
    ("open", _("Open")),
    ("due_soon", due_soon_lazy(gettext_noop("Deadline within %(days)s days"))),
    ("overdue", _("Overdue")),
    ("incoming", _("Awaiting acceptance")),
    ("first_action", _("Median hours to the first action (at most)")),
    ("share", _("Decided in time (%)")),
    ("valuable", _("Valuable this month")),
]

# The bands the median time to the first action is read from, for the note under it.
BANDS_TEXT = ", ".join(str(hours) for hours in FIRST_ACTION_BANDS)


class DashboardForm(forms.Form):
    # A police unit under the officer's own (a province officer looking at one commune).
    unit = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])


@staff_required(POLICE_ROLES, description="police: figures of the units in the officer's charge")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET)
    form.is_valid()
    # A unit that is not a number is as unknown as one outside the officer's charge; a sort
    # that is not offered falls back to the default.
    if "unit" in form.errors:
        raise Http404
    unit_id = form.cleaned_data.get("unit")
    sort = form.cleaned_data.get("sort") or DEFAULT_SORT
    try:
        board = unit_dashboard(request.user, unit_id=unit_id, sort=sort)
    except DashboardScopeError as error:
        raise Http404 from error
    return render(
        request,
        "tips/dashboard/dashboard.html",
        {
            "board": board,
            "sort_columns": SORT_COLUMNS,
            "due_soon_label": dict(SORT_COLUMNS)["due_soon"],
            "bands_text": BANDS_TEXT,
            "later_hours": FIRST_ACTION_LATER_HOURS,
        },
    )
