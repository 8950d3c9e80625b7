"""Identity-reveal pages (BLTTHS Art. 56): ask to see who sent a tip, approve or refuse a
request, read the contact details once approved, and the leaders' list of every reveal.

The contact details are shown only in the response to the requester's POST: never stored in the
session, never in a page that can be reloaded by a GET, and never cached (no-store).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toandan.accounts.models import REVEAL_ROLES
from toandan.core.access import staff_required
from toandan.tips import policies
from toandan.tips.models import ContactReveal, RevealStatus
from toandan.tips.reveal import services as reveals
from toandan.tips.reveal.forms import RevealDecideForm, RevealRequestForm

LIST_PAGE_SIZE = 50


def _user(request: HttpRequest) -> AbstractBaseUser:
    # staff_required let only a logged-in user through.
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


def _reveal_or_404(request: HttpRequest, pk: int) -> ContactReveal:
    found = reveals.reveal_get_for(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


@staff_required(
    REVEAL_ROLES,
    description="a police leader or identity custodian over the tip's unit asks, with a reason",
)
@require_http_methods(["GET", "POST"])
def reveal_request(request: HttpRequest, reference: str) -> HttpResponse:
    tip = reveals.tip_for_reveal(user=request.user, reference=reference)
    if tip is None:
        raise Http404
    form = RevealRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = reveals.reveal_request(
                actor=_user(request), tip=tip, reason=form.cleaned_data["reason"]
            )
        except reveals.RevealNotFoundError as error:
            raise Http404 from error
        except reveals.RevealRefusedError as error:
            form.add_error(error.field or None, error.message)
        else:
            messages.success(
                request,
                _("Your request is recorded and waits for a second officer's approval.")
                if created.status == RevealStatus.PENDING
                else _("Your request is recorded and approved."),
            )
            return redirect("tips:reveal_detail", pk=created.pk)
    return render(
        request,
        "tips/reveal/request.html",
        {
            "tip": tip,
            "form": form,
            "second_approval": settings.TOANDAN_REVEAL_SECOND_APPROVAL,
            "valid_hours": settings.TOANDAN_REVEAL_VALID_HOURS,
        },
    )


@staff_required(
    REVEAL_ROLES, description="a reveal the user asked for or one over their unit; read by POST"
)
@require_http_methods(["GET", "POST"])
def reveal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _reveal_or_404(request, pk)
    user = _user(request)
    contact: dict[str, str] | None = None
    if request.method == "POST":
        try:
            contact = reveals.reveal_read(actor=user, reveal=found)
        except reveals.RevealNotFoundError as error:
            raise Http404 from error
        except reveals.RevealRefusedError as error:
            messages.error(request, error.message)
            return redirect("tips:reveal_detail", pk=found.pk)
        found = _reveal_or_404(request, pk)
    response = render(
        request,
        "tips/reveal/detail.html",
        {
            "reveal": found,
            "contact": contact,
            "can_read": policies.may_read_reveal(user, found),
            "is_requester": found.requested_by_id == user.pk,
            "decide_form": RevealDecideForm() if policies.may_decide_reveal(user, found) else None,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required(REVEAL_ROLES, description="another leader or custodian over the unit decides")
@require_POST
def reveal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _reveal_or_404(request, pk)
    form = RevealDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse the request."))
        return redirect("tips:reveal_detail", pk=found.pk)
    try:
        decided = reveals.reveal_decide(
            actor=_user(request),
            reveal=found,
            approve=form.approve,
            note=form.cleaned_data["note"],
        )
    except reveals.RevealNotFoundError as error:
        raise Http404 from error
    except reveals.RevealRefusedError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The request is approved.")
            if decided.status == RevealStatus.APPROVED
            else _("The request is refused."),
        )
    return redirect("tips:reveal_detail", pk=found.pk)


@staff_required(REVEAL_ROLES, description="the reveals over the leader's units; pending approvals")
@require_GET
def reveal_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(reveals.reveals_for_unit(request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "tips/reveal/list.html",
        {
            "page": page,
            "awaiting": list(reveals.reveals_awaiting_decision(request.user)[:LIST_PAGE_SIZE]),
        },
    )
