"""Pages of community models: the register, one model, its sites, teams, channels and reviews,
the lifecycle and review steps, coverage, counts on a date and the public catalogue. No
JavaScript: every step is a form. A model outside the reader's area is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.core.access import public, staff_required
from toandan.documents.pdf import render_pdf
from toandan.documents.word import render_docx
from toandan.initiatives import policies, selectors, services
from toandan.initiatives.documents import recognition_decision, review_report
from toandan.initiatives.forms import (
    ChannelForm,
    InitiativeForm,
    ReplicateForm,
    ReviewForm,
    ReviewStepForm,
    SiteForm,
    StepForm,
    TeamEndForm,
    TeamForm,
)
from toandan.initiatives.importing import import_xlsx, template_xlsx
from toandan.initiatives.machines import INITIATIVE, REVIEW
from toandan.initiatives.models import Initiative, Review, ReviewStatus, Status, Theme
from toandan.initiatives.svg import province_map
from toandan.workflow.machine import Machine, WorkflowAccessError, WorkflowRefusedError
from toandan.workflow.selectors import history_of
from toandan.workflow.views import refusal_on_form

PAGE_SIZE = 50
IMPORT_MAX_BYTES = 5 * 1024 * 1024
STAFF = sorted(policies.STAFF_ROLES)


def _initiative_or_404(request: HttpRequest, pk: int) -> Initiative:
    initiative = selectors.initiative_get(request.user, pk)
    if initiative is None:
        raise Http404
    return initiative


@dataclass(frozen=True)
class HistoryLine:
    """A workflow step as the page shows it: the step's and the state's names, translated."""

    effective_on: dt.date | None
    at: dt.datetime
    label: str
    state: str
    document: str
    reason: str
    actor: Any


def _history(obj: Any, machine: Machine, states: type[models.TextChoices]) -> list[HistoryLine]:
    names = dict(states.choices)
    labels = {t.action: str(t.label) for t in machine.transitions if t.label}
    labels.setdefault("register", str(_("Registered")))
    labels.setdefault("draft", str(states.DRAFT.label) if hasattr(states, "DRAFT") else "")
    return [
        HistoryLine(
            c.effective_on,
            c.at,
            labels.get(c.action) or c.action,
            str(names.get(c.to_state, c.to_state)),
            c.document,
            c.reason,
            c.actor,
        )
        for c in history_of(obj)
    ]


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@staff_required(STAFF, description="staff: the models of their area")
def initiative_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    theme = request.GET.get("theme", "")
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    active_on = _date(request.GET.get("active_on"))
    rows = selectors.initiative_list(
        request.user, q=q, theme=theme, status=status, active_on=active_on
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/list.html",
        {
            "page": page,
            "q": q,
            "theme": theme,
            "status": status,
            "active_on": active_on,
            "themes": Theme.objects.all(),
            "statuses": Status.choices,
        },
    )


@staff_required(STAFF, description="staff registering a model in a unit of their area")
def initiative_register(request: HttpRequest) -> HttpResponse:
    form = InitiativeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.initiative_register(
                actor=request.user,
                name=data["name"],
                theme=data["theme"],
                host_unit=data["host_unit"],
                police_unit=data["police_unit"],
                commune=data["commune"],
                started_on=data["started_on"],
                area_kind=data["area_kind"],
                practice=data["practice"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                decision_issuer=data["decision_issuer"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                first_site=data["first_site"],
            )
        except WorkflowAccessError:
            form.add_error("host_unit", _("This unit is outside your area."))
        except WorkflowRefusedError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("The model was registered."))
            return redirect("initiatives:detail", initiative.pk)
    return render(request, "initiatives/register.html", {"form": form})


@staff_required(STAFF, description="staff whose area includes the model (404 otherwise)")
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative_or_404(request, pk)
    steps = INITIATIVE.available(request.user, initiative)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "history": _history(initiative, INITIATIVE, Status),
            "steps": [t for t in steps if t.action != "register"],
            "step_form": StepForm(),
            "may_edit": policies.may_edit(request.user, initiative)
            and initiative.status not in (Status.DISSOLVED, Status.MERGED),
            "may_see_contact": policies.may_see_contact(request.user, initiative),
            "replicas": initiative.replicas.all(),
        },
    )


def _host_form_page(
    request: HttpRequest,
    pk: int,
    make_form: Callable[[Initiative], Any],
    save: Callable[[Initiative, dict[str, Any]], object],
    *,
    done: str,
    title: str,
) -> HttpResponse:
    """A form on a model's host side (404 for anyone else): the service's refusals on the form,
    back to the model's page when saved."""
    initiative = _initiative_or_404(request, pk)
    if not policies.may_edit(request.user, initiative):
        raise Http404
    form = make_form(initiative)
    if request.method == "POST" and form.is_valid():
        try:
            save(initiative, form.cleaned_data)
        except WorkflowRefusedError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/form.html",
        {"initiative": initiative, "form": form, "title": title},
    )


@staff_required(STAFF, description="the host side of the model (404 otherwise)")
def site_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _host_form_page(
        request,
        pk,
        lambda i: SiteForm(request.POST or None, user=request.user, initiative=i),
        lambda i, data: services.site_add(actor=request.user, initiative=i, **data),
        done=_("The site was added."),
        title=_("Add a site"),
    )


@staff_required(STAFF, description="the host side of the model (404 otherwise)")
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _host_form_page(
        request,
        pk,
        lambda i: TeamForm(request.POST or None, initiative=i),
        lambda _i, data: services.team_add(actor=request.user, **data),
        done=_("The team was added."),
        title=_("Add a team"),
    )


@staff_required(STAFF, description="the host side of the model (404 otherwise)")
def team_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _host_form_page(
        request,
        pk,
        lambda i: TeamEndForm(request.POST or None, initiative=i),
        lambda _i, data: services.team_end(actor=request.user, **data),
        done=_("The team was ended."),
        title=_("End a team"),
    )


@staff_required(STAFF, description="the host side of the model (404 otherwise)")
def channel_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _host_form_page(
        request,
        pk,
        lambda _i: ChannelForm(request.POST or None, initial={"started_on": timezone.localdate()}),
        lambda i, data: services.channel_add(actor=request.user, initiative=i, **data),
        done=_("The channel was added."),
        title=_("Add a communication channel"),
    )


@staff_required(STAFF, description="staff whose area includes the model (404 otherwise)")
def initiative_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    initiative = _initiative_or_404(request, pk)
    if action not in INITIATIVE.actions() or action == "register":
        raise Http404
    transition = INITIATIVE.transition(action)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        merged_into = None
        if data.get("merged_into"):
            merged_into = selectors.initiative_get(request.user, data["merged_into"])
        try:
            services.initiative_step(
                actor=request.user,
                initiative=initiative,
                action=action,
                reason=data["reason"],
                document=data["document"],
                effective_on=data["effective_on"],
                merged_into=merged_into,
            )
        except WorkflowAccessError:
            raise Http404 from None
        except WorkflowRefusedError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": transition.label})
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/form.html",
        {"initiative": initiative, "form": form, "title": transition.label},
    )


@staff_required(STAFF, description="the host side of the model (404 otherwise)")
def review_file(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _initiative_or_404(request, pk)
    if not policies.may_edit(request.user, initiative):
        raise Http404
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.review_file(
                actor=request.user,
                initiative=initiative,
                year=data["year"],
                activities=data["activities"],
                members=data["members"],
                meetings=data["meetings"],
                tips_passed=data["tips_passed"],
                channel_posts=data["channel_posts"],
                scores=form.scores(),
                self_assessment=data["self_assessment"],
            )
        except WorkflowRefusedError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("The review was submitted to the commune police."))
            return redirect("initiatives:review", review.pk)
    return render(
        request,
        "initiatives/form.html",
        {"initiative": initiative, "form": form, "title": _("File the yearly review")},
    )


def _review_or_404(request: HttpRequest, pk: int) -> Review:
    review = selectors.review_get(request.user, pk)
    if review is None:
        raise Http404
    return review


@staff_required(STAFF, description="staff whose area includes the model (404 otherwise)")
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_or_404(request, pk)
    return render(
        request,
        "initiatives/review.html",
        {
            "review": review,
            "initiative": review.initiative,
            "steps": [t for t in REVIEW.available(request.user, review) if t.action != "submit"],
            "form": ReviewStepForm(),
            "history": _history(review, REVIEW, ReviewStatus),
            "figures": selectors.area_figures(review),
            "criteria": selectors.review_scores(review),
        },
    )


@staff_required(STAFF, description="the commune police or the province (404 otherwise)")
def review_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    review = _review_or_404(request, pk)
    if action not in REVIEW.actions() or action == "submit" or request.method != "POST":
        raise Http404
    form = ReviewStepForm(request.POST)
    if form.is_valid():
        try:
            services.review_step(
                actor=request.user,
                review=review,
                action=action,
                reason=form.cleaned_data["reason"],
                grade=form.cleaned_data["grade"],
            )
        except WorkflowAccessError:
            raise Http404 from None
        except WorkflowRefusedError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Done: %(step)s.") % {"step": REVIEW.transition(action).label}
            )
    return redirect("initiatives:review", review.pk)


@staff_required(STAFF, description="staff: the reviews of their area")
def review_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ReviewStatus.values else ""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    rows = selectors.reviews_visible(request.user, status=status, year=year)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.reviews_overdue(request.user, year=year, today=today)
    return render(
        request,
        "initiatives/reviews.html",
        {
            "page": page,
            "status": status,
            "year": year,
            "statuses": ReviewStatus.choices,
            "overdue": overdue[:200],
            "overdue_count": len(overdue),
        },
    )


@staff_required(STAFF, description="staff: communes of their area without an effective model")
def coverage(request: HttpRequest) -> HttpResponse:
    day = _date(request.GET.get("on")) or timezone.localdate()
    rows = selectors.communes_without_effective_model(request.user, day=day)
    return render(
        request, "initiatives/coverage.html", {"rows": rows[:500], "count": len(rows), "on": day}
    )


@public
def counts_page(request: HttpRequest) -> HttpResponse:
    """Counts on a date per province, with a map-like picture, or per Women's Union unit
    down the organisation tree (public: counts only)."""
    day = _date(request.GET.get("on")) or timezone.localdate()
    geography = request.GET.get("geography", "")
    geography = geography if geography in selectors.GEOGRAPHIES else ""
    if request.GET.get("by") == "organisation":
        counts = selectors.counts_by_organisation(day, unit=request.GET.get("unit", "")[:40])
        if counts is None:
            raise Http404
        context = {"counts": counts, "on": day, "by": "organisation", "svg": ""}
    else:
        counts = selectors.counts_on(day, by="province", geography=geography)
        context = {"counts": counts, "on": day, "geography": geography}
        context["svg"] = province_map(counts)
    return render(request, "initiatives/counts.html", context)


@public
def catalogue(request: HttpRequest) -> HttpResponse:
    """Exemplary models and how they work, for other communes (no contact data)."""
    theme = request.GET.get("theme", "")
    page = Paginator(selectors.exemplary_catalogue(theme=theme), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "initiatives/catalogue.html",
        {"page": page, "theme": theme, "themes": Theme.objects.all()},
    )


@public
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = selectors.exemplary_get(pk)
    if initiative is None:
        raise Http404
    return render(
        request,
        "initiatives/catalogue_detail.html",
        {
            "initiative": initiative,
            "replica_count": initiative.replicas.count(),
            "may_replicate": request.user.is_authenticated,
        },
    )


@staff_required(STAFF, description="staff starting a model of their area from an exemplary one")
def replicate(request: HttpRequest, pk: int) -> HttpResponse:
    origin = selectors.exemplary_get(pk)
    if origin is None:
        raise Http404
    form = ReplicateForm(request.POST or None, user=request.user, initial={"name": origin.name})
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_replicate(
                actor=request.user, origin=origin, **form.cleaned_data
            )
        except WorkflowAccessError:
            form.add_error("host_unit", _("This unit is outside your area."))
        except WorkflowRefusedError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("The model was started from the exemplary one."))
            return redirect("initiatives:detail", initiative.pk)
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "title": _("Replicate: %(name)s") % {"name": origin.name}},
    )


@staff_required(STAFF, description="staff importing models of their area from a spreadsheet")
def import_upload(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size is None or upload.size > IMPORT_MAX_BYTES:
            messages.error(request, _("Choose an XLSX file of at most 5 MB."))
        else:
            result = import_xlsx(actor=request.user, data=upload.read())
            if not result.errors:
                messages.success(request, _("%(n)d models imported.") % {"n": result.created})
                return redirect("initiatives:list")
    return render(request, "initiatives/import.html", {"result": result})


@staff_required(STAFF, description="staff: the import template")
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-mo-hinh.xlsx"'
    return response


def _document_response(doc: Any, fmt: str, name: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(render_pdf(doc), content_type="application/pdf")
    else:
        response = HttpResponse(
            render_docx(doc),
            content_type=(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@staff_required(STAFF, description="staff whose area includes the model (404 otherwise)")
def recognition_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    initiative = _initiative_or_404(request, pk)
    if fmt not in ("pdf", "docx"):
        raise Http404
    return _document_response(
        recognition_decision(initiative), fmt, f"quyet-dinh-cong-nhan-{initiative.pk}"
    )


@staff_required(STAFF, description="staff whose area includes the model (404 otherwise)")
def review_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = _review_or_404(request, pk)
    if fmt not in ("pdf", "docx"):
        raise Http404
    return _document_response(
        review_report(review), fmt, f"bao-cao-tong-ket-{review.initiative_id}-{review.year}"
    )
