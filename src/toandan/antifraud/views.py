"""Pages of antifraud: the public check, reporting from it, appeals; the officers' pages to
confirm a tip's identifiers, verify, delist and decide appeals.

The check form is sent by POST so what a citizen types never lands in an address bar, a
browser history or a server log; nothing of it is stored (`services.fraud_check`).
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from toandan.accounts.models import POLICE_ROLES, Role
from toandan.antifraud import limits, machines, selectors, services
from toandan.antifraud.forms import (
    AppealForm,
    CheckForm,
    ConfirmForm,
    ImportForm,
    ReasonForm,
    ReceiptForm,
    WarningForm,
)
from toandan.antifraud.models import IndicatorStatus, ScamType
from toandan.core import ratelimit
from toandan.core.access import public, staff_required
from toandan.identifiers.links import redacted
from toandan.tips.interface import fraud as tips_fraud
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

APPEAL_RECEIPT_KEY = "antifraud_appeal_receipt"
DEFAULT_REPORT_CATEGORY = "fraud-other"


def _report_url(verdict: selectors.Verdict) -> str:
    scam_type = verdict.scam_type
    category = scam_type.category_code if scam_type and scam_type.category_code else ""
    query = {
        "category": category or DEFAULT_REPORT_CATEGORY,
        "identifier": verdict.identifier.shown(),
    }
    return reverse("tips:new") + "?" + urlencode(query)


@require_http_methods(["GET", "POST"])
@never_cache
def check_page(request: HttpRequest) -> HttpResponse:
    """One box; per identifier found, its verdict."""
    form = CheckForm(request.POST or None)
    results: list[dict[str, Any]] | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = limits.check_wait(request)
        if wait:
            form.add_error(None, limits.check_refused_text(wait))
            status = 429
        else:
            verdicts = services.fraud_check(form.cleaned_data["q"])
            results = [{"v": v, "report_url": _report_url(v)} for v in verdicts]
    return render(
        request,
        "antifraud/check.html",
        {"form": form, "results": results, "scam_types": ScamType.objects.all()},
        status=status,
    )


check_page = public(check_page, description="the public fraud check")


@require_http_methods(["GET"])
def report_redirect(request: HttpRequest) -> HttpResponse:
    """ "I was contacted by this": the tip intake, with the fraud category and the identifier."""
    query = {
        "category": request.GET.get("category", DEFAULT_REPORT_CATEGORY)[:40],
        "identifier": request.GET.get("identifier", "")[:500],
    }
    return redirect(reverse("tips:new") + "?" + urlencode(query))


report_redirect = public(report_redirect)


@require_http_methods(["GET", "POST"])
@never_cache
def appeal_new(request: HttpRequest) -> HttpResponse:
    form = AppealForm(
        request.POST or None, initial={"identifier": request.GET.get("identifier", "")[:500]}
    )
    wait = limits.appeal_wait(request) if request.method == "POST" and form.is_valid() else 0
    if wait:
        form.add_error(None, limits.appeal_refused_text(wait))
        return render(request, "antifraud/appeal_form.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        indicator = selectors.listed_indicator(form.cleaned_data["identifier"])
        if indicator is None:
            form.add_error(
                "identifier",
                _("This is not on the list (the check shows no report for it): nothing to appeal."),
            )
        else:
            try:
                submitted = services.appeal_submit(
                    indicator=indicator,
                    statement=form.cleaned_data["statement"],
                    contact=form.cleaned_data["contact"],
                )
            except services.AntifraudError as error:
                form.add_error(error.field or None, error.message)
            else:
                request.session[APPEAL_RECEIPT_KEY] = {
                    "receipt": submitted.receipt,
                    "reference": submitted.appeal.reference,
                }
                return redirect("antifraud:appeal_receipt")
    return render(request, "antifraud/appeal_form.html", {"form": form})


appeal_new = public(appeal_new, description="the holder of a listed identifier asks for review")


@require_http_methods(["GET"])
@never_cache
def appeal_receipt(request: HttpRequest) -> HttpResponse:
    state = request.session.pop(APPEAL_RECEIPT_KEY, None)
    if not state:
        return redirect("antifraud:appeal_status")
    return render(request, "antifraud/appeal_receipt.html", state)


appeal_receipt = public(appeal_receipt)


@require_http_methods(["GET", "POST"])
@never_cache
def appeal_status(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    appeal = None
    if request.method == "POST" and form.is_valid():
        appeal = services.appeal_by_receipt(form.cleaned_data["receipt"])
        if appeal is None:
            form.add_error("receipt", _("No appeal has this receipt."))
    return render(request, "antifraud/appeal_status.html", {"form": form, "appeal": appeal})


appeal_status = public(appeal_status)


# --- Staff -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


@staff_required(POLICE_ROLES, description="police: the anti-fraud queue")
@require_http_methods(["GET"])
def staff_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    waiting = selectors.indicators_for_staff(user, status=IndicatorStatus.REPORTED)[:100]
    appeals = selectors.appeals_for_staff(user)[:100]
    return render(request, "antifraud/staff_queue.html", {"waiting": waiting, "appeals": appeals})


@staff_required(POLICE_ROLES, description="police handling a fraud tip")
@require_http_methods(["GET", "POST"])
def staff_tip(request: HttpRequest, tip_id: int) -> HttpResponse:
    """The identifiers found in a fraud tip; the officer confirms those that are the
    fraudster's (one report each)."""
    user = _user(request)
    tip = tips_fraud.fraud_tip_identifiers(user, tip_id)
    if tip is None:
        raise Http404
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            identifier = next(
                (
                    i
                    for i in tip.identifiers
                    if i.key == (form.cleaned_data["kind"], form.cleaned_data["value"])
                ),
                None,
            )
            if identifier is None:
                messages.error(request, _("This identifier was not found in the tip."))
            else:
                services.indicator_report_confirm(
                    actor=user, tip=tip, identifier=identifier,
                    loss_vnd=form.cleaned_data.get("loss_vnd") or 0,
                )  # fmt: skip
                messages.success(
                    request,
                    _("Confirmed as the fraudster's: %(identifier)s. A second officer verifies it.")
                    % {"identifier": identifier.shown()},
                )
        else:  # the loss amount: say why nothing was confirmed
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
        return redirect("antifraud:staff_tip", tip_id=tip_id)
    reported = selectors.reports_of_tip(tip.tip_id)
    known = selectors.police_indicators([redacted(i).key for i in tip.identifiers])
    rows = [
        {
            "identifier": i,
            "indicator": reported.get(redacted(i).key),
            # Reported from other tips only (not from this one yet): how many senders.
            "elsewhere": known.get(redacted(i).key),
            "form": ConfirmForm(initial={"kind": i.kind, "value": i.value}),
        }
        for i in tip.identifiers
    ]
    return render(request, "antifraud/staff_tip.html", {"tip": tip, "rows": rows})


@staff_required(POLICE_ROLES, description="police: one indicator")
@require_http_methods(["GET"])
def staff_indicator(request: HttpRequest, indicator_id: int) -> HttpResponse:
    user = _user(request)
    indicator = selectors.indicator_for_staff(user, indicator_id)
    if indicator is None:
        raise Http404
    actions = machines.INDICATOR.available(user, indicator)
    return render(
        request,
        "antifraud/staff_indicator.html",
        {
            "indicator": indicator,
            "reports": selectors.indicator_reports(indicator, user),
            "actions": [a for a in actions if a.by != "system"],
            "form": ReasonForm(),
        },
    )


@staff_required(POLICE_ROLES, description="police: verify, reject, delist, relist")
@require_http_methods(["POST"])
def staff_indicator_act(request: HttpRequest, indicator_id: int, action: str) -> HttpResponse:
    user = _user(request)
    indicator = selectors.indicator_for_staff(user, indicator_id)
    if indicator is None:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if action == "verify":
            services.indicator_verify(actor=user, indicator=indicator)
        else:
            services.indicator_decide(actor=user, indicator=indicator, action=action, reason=reason)
    except WorkflowAccessError:
        messages.error(request, _("You may not take this step on this indicator."))
    except WorkflowRefusedError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("antifraud:staff_indicator", indicator_id=indicator_id)


@staff_required(POLICE_ROLES, description="police: decide an appeal")
@require_http_methods(["GET", "POST"])
def staff_appeal(request: HttpRequest, appeal_id: int) -> HttpResponse:
    user = _user(request)
    appeal = selectors.appeal_for_staff(user, appeal_id)
    if appeal is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        try:
            services.appeal_decide(
                actor=user, appeal=appeal, uphold=decision == "uphold",
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except WorkflowAccessError:
            messages.error(request, _("You may not decide this appeal."))
        except WorkflowRefusedError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("The appeal was decided."))
            return redirect("antifraud:staff_appeal", appeal_id=appeal_id)
    return render(request, "antifraud/staff_appeal.html", {"appeal": appeal, "form": form})


EXPORT_MAX_BYTES = 20 * 1024 * 1024


@staff_required(POLICE_ROLES, description="police: export verified indicators")
@require_http_methods(["GET"])
def staff_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Verified indicators in force as STIX 2.1 or CSV; `?source=imported` exports the
    imported ones instead (labelled with their source), never both in one file."""
    from toandan.antifraud import exchange
    from toandan.antifraud.models import IndicatorSource

    source = request.GET.get("source", IndicatorSource.POLICE)
    if source not in IndicatorSource.values or fmt not in ("stix", "csv"):
        raise Http404
    indicators = exchange.indicators_in_force(source=source)
    if fmt == "stix":
        response = HttpResponse(exchange.export_stix(indicators), content_type="application/json")
        name = f"toandan-indicators-{source}.stix.json"
    else:
        response = HttpResponse(exchange.export_csv(indicators), content_type="text/csv")
        name = f"toandan-indicators-{source}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required({Role.POLICE_LEADER.value}, description="police leaders: import a partner list")
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest) -> HttpResponse:
    from toandan.antifraud import exchange

    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    rejected: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        if upload.size > EXPORT_MAX_BYTES:
            form.add_error("upload", _("The file is too large."))
        else:
            text = upload.read().decode("utf-8", errors="replace")
            parsed = (
                exchange.parse_stix(text)
                if text.lstrip().startswith("{")
                else exchange.parse_csv(text)
            )
            rejected = parsed.rejected[:50]
            try:
                result = services.indicators_import(
                    actor=_user(request), source_name=form.cleaned_data["source"], rows=parsed.rows
                )
            except services.AntifraudError as error:
                form.add_error(error.field or None, error.message)
    return render(
        request,
        "antifraud/staff_import.html",
        {"form": form, "result": result, "rejected": rejected},
    )


# --- Warnings ----------------------------------------------------------------------------------


def _published() -> Any:
    from toandan.antifraud.models import FraudWarning, WarningStatus

    return FraudWarning.objects.filter(status=WarningStatus.PUBLISHED).select_related(
        "scam_type", "audience"
    )


@require_http_methods(["GET"])
def warnings_list(request: HttpRequest) -> HttpResponse:
    return render(request, "antifraud/warnings.html", {"warnings": _published()[:50]})


warnings_list = public(warnings_list, description="published fraud warnings")


@require_http_methods(["GET"])
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    """A warning; `?u=<unit>` (the link its members got) counts one visit for that unit."""
    warning = _published().filter(pk=warning_id).first()
    if warning is None:
        raise Http404
    unit = request.GET.get("u", "")
    new_device = ""
    if unit.isdigit() and not ratelimit.device_id(request):
        # Give the browser its device cookie now, not after this visit: its next visit must
        # have the key this one was counted under.
        new_device = secrets.token_hex(16)
        request.COOKIES[ratelimit.DEVICE_COOKIE] = new_device
    services.warning_opened(
        warning=warning,
        unit_id=int(unit) if unit.isdigit() else None,
        device_key=ratelimit.device_key(request),
        address_key=ratelimit.client_key(request),
    )
    response = render(request, "antifraud/warning.html", {"warning": warning})
    if new_device:
        response.set_cookie(
            ratelimit.DEVICE_COOKIE,
            new_device,
            max_age=ratelimit.DEVICE_COOKIE_DAYS * 86400,
            secure=bool(settings.SESSION_COOKIE_SECURE),
            httponly=True,
            samesite="Lax",
        )
    return response


warning_detail = public(warning_detail)


@require_http_methods(["GET"])
def warning_card(request: HttpRequest, warning_id: int) -> HttpResponse:
    from toandan.antifraud.card import warning_card_png

    warning = _published().filter(pk=warning_id).first()
    if warning is None:
        raise Http404
    png = warning_card_png(
        heading=_("Fraud warning"),
        title=warning.title,
        advice=warning.what_to_do,
        footer=_("Check a number or link: %(site)s/fraud/") % {"site": request.get_host()},
    )
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


warning_card = public(warning_card)


class WarningsFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    link = "/fraud/warnings/"

    def title(self) -> str:
        return _("Fraud warnings")

    def subtitle(self) -> str:
        return _("Warnings about scams from the police and the Women's Union.")

    def items(self) -> Any:
        return _published()[:30]

    def item_title(self, item: Any) -> str:
        return str(item.title)

    def item_description(self, item: Any) -> str:
        return f"{item.how_it_works}\n\n{item.what_to_do}"

    def item_link(self, item: Any) -> str:
        return reverse("antifraud:warning", args=[item.pk])

    def item_pubdate(self, item: Any) -> Any:
        return item.published_at


warnings_feed = public(WarningsFeed(), description="Atom feed of published fraud warnings")


@staff_required(services.WARNING_ROLES, description="police and union staff: warnings")
@require_http_methods(["GET", "POST"])
def staff_warnings(request: HttpRequest) -> HttpResponse:
    """Write a warning for an audience in one's jurisdiction; the list of one's warnings."""
    from toandan.accounts.selectors import jurisdiction_org_units
    from toandan.antifraud.models import FraudWarning
    from toandan.orgs.models import OrgUnit

    user = _user(request)
    # Not a sliced queryset: the form filters it to validate the choice (Django refuses that).
    first = jurisdiction_org_units(user, services.WARNING_ROLES).order_by("path")[:500]
    units = OrgUnit.objects.filter(pk__in=list(first.values_list("pk", flat=True)))
    units = units.order_by("path")
    form = WarningForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            warning = services.warning_create(
                actor=user,
                title=form.cleaned_data["title"],
                how_it_works=form.cleaned_data["how_it_works"],
                what_to_do=form.cleaned_data["what_to_do"],
                audience=form.cleaned_data["audience"],
                scam_type=form.cleaned_data["scam_type"],
            )
        except services.AntifraudError as error:
            form.add_error(error.field or None, error.message)
        else:
            return redirect("antifraud:staff_warning", warning_id=warning.pk)
    mine = FraudWarning.objects.filter(created_by_id=user.pk).select_related("audience")[:50]
    return render(request, "antifraud/staff_warnings.html", {"form": form, "mine": mine})


@staff_required(services.WARNING_ROLES, description="police and union staff: one warning")
@require_http_methods(["GET", "POST"])
def staff_warning(request: HttpRequest, warning_id: int) -> HttpResponse:
    from toandan.antifraud.models import FraudWarning

    user = _user(request)
    warning = FraudWarning.objects.filter(pk=warning_id).select_related("audience").first()
    if warning is None or not services.may_write_warning(user, warning.audience):
        raise Http404
    if request.method == "POST":
        try:
            told = services.warning_publish(actor=user, warning=warning)
        except services.AntifraudError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Published: %(count)s members were told.") % {"count": told}
            )
        return redirect("antifraud:staff_warning", warning_id=warning_id)
    reach = warning.reach.select_related("unit").order_by("unit__path")
    return render(request, "antifraud/staff_warning.html", {"warning": warning, "reach": reach})


@require_http_methods(["GET"])
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The public monthly figures (`?month=2026-12`, default this month)."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    month = today.replace(day=1)
    raw = request.GET.get("month", "")
    try:
        if raw:
            month = dt.date.fromisoformat(f"{raw[:7]}-01")
    except ValueError:
        month = today.replace(day=1)
    if month > today:
        month = today.replace(day=1)
    stats = selectors.monthly_stats(month)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "antifraud/statistics.html",
        {
            "stats": stats,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m") if following <= today else "",
        },
    )


statistics_page = public(statistics_page, description="public monthly anti-fraud figures")
