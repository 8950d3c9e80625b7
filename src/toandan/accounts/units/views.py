"""Pages of the organisation tree: the units in my jurisdiction, one unit, a new branch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from toandan.accounts.models import UNION_ROLES
from toandan.accounts.policies import may_create_branch, may_see_unit
from toandan.accounts.selectors import role_assignments_in_unit
from toandan.accounts.units.forms import BranchCreateForm
from toandan.accounts.units.selectors import (
    org_unit_children_visible,
    org_unit_get_visible,
    org_unit_list,
)
from toandan.accounts.units.services import org_branch_create
from toandan.core.access import staff_required
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.orgs.selectors import org_unit_ancestors

PAGE_SIZE = 50


def _get_visible_or_404(request: HttpRequest, unit_id: int) -> OrgUnit:
    unit = org_unit_get_visible(request.user, unit_id)
    if unit is None:
        # Not "forbidden": a unit outside the jurisdiction is indistinguishable from none.
        raise Http404
    return unit


@staff_required(description="staff: the units in their jurisdiction")
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrgKind.values else ""
    level = request.GET.get("level", "")
    level = level if level in OrgLevel.values else ""
    # Units closed by the 2025 reform stay in the tree for 2019–2024 figures, but day-to-day
    # work is in today's units: those are shown unless asked.
    include_closed = request.GET.get("closed") == "1"
    units = org_unit_list(
        request.user, query=query, kind=kind, level=level, current_only=not include_closed
    )
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/unit_list.html",
        {
            "page": page,
            "query": query,
            "kind": kind,
            "level": level,
            "include_closed": include_closed,
            "kinds": OrgKind.choices,
            "levels": OrgLevel.choices,
        },
    )


@staff_required(description="staff whose jurisdiction includes the unit (404 otherwise)")
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get_visible_or_404(request, unit_id)
    ancestors = [a for a in org_unit_ancestors(unit) if may_see_unit(request.user, a)]
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": org_unit_children_visible(request.user, unit),
            "staff": role_assignments_in_unit(unit),
            "can_create_branch": may_create_branch(request.user, unit),
        },
    )


@staff_required(UNION_ROLES, description="Women's Union cadres and leaders above the commune")
def branch_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    parent = _get_visible_or_404(request, unit_id)
    if not may_create_branch(request.user, parent):
        raise PermissionDenied
    form = BranchCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            branch = org_branch_create(
                actor=request.user,  # type: ignore[arg-type]
                parent=parent,
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            for message in error.message_dict.get("name", []) + error.message_dict.get(
                "parent", []
            ):
                form.add_error("name", message)
        else:
            messages.success(request, _("The branch “%(name)s” was created.") % {"name": branch})
            return redirect("orgs:detail", unit_id=branch.pk)
    return render(request, "orgs/branch_form.html", {"parent": parent, "form": form})
