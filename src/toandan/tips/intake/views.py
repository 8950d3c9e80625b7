"""Tip pages: send a tip, write the receipt down, follow up, and the staff's intake pages.

Views parse the request, call one service or selector, and render. Two pieces of session state
carry a citizen between pages, both short-lived:

- the one-time receipt (after sending a tip, or when a staff-issued receipt is replaced): the
  receipt is sealed with a key derived from SECRET_KEY (so the session table never holds it in
  clear) and shown, with its card, until the citizen confirms they wrote it down (a reload or
  the back button does not lose it), then deleted; it expires after `RECEIPT_STATE_SECONDS`;
- the open follow-up: the id of the tip the receipt opened, until the citizen closes it or it
  sits idle for TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES.

No view records the client's address or user agent: the rate limits get an opaque client key
from `toandan.core.ratelimit.client_key`.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from toandan.accounts.models import POLICE_ROLES
from toandan.core import ratelimit
from toandan.core.access import public, staff_required
from toandan.tips import selectors, services
from toandan.tips.intake import documents, receipts
from toandan.tips.intake.forms import (
    FollowupForm,
    ReceiptNotedForm,
    ReplyForm,
    StaffTipForm,
    TipForm,
)
from toandan.tips.models import Channel, ReceiptKind, Tip

RECEIPT_STATE_KEY = "tips_receipt"
FOLLOWUP_STATE_KEY = "tips_followup"
# The receipt card can be downloaded from the receipt page for this long after the tip was sent.
RECEIPT_STATE_SECONDS = 15 * 60

KIND_NEW = "new"
KIND_REPLACED = "replaced"
KIND_STAFF = "staff"


# --- the one-time receipt ---------------------------------------------------------------------


def _fernet() -> Fernet:
    key = salted_hmac("toandan.tips.views.receipt-state", "session", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _receipt_state_put(
    request: HttpRequest, *, kind: str, reference: str, receipt: str, unit: str
) -> None:
    state = {
        "kind": kind,
        "reference": reference,
        "receipt": receipt,
        "unit": unit,
        "created": time.time(),
    }
    request.session[RECEIPT_STATE_KEY] = _fernet().encrypt(json.dumps(state).encode()).decode()


def _receipt_state_get(request: HttpRequest) -> dict[str, Any] | None:
    sealed = request.session.get(RECEIPT_STATE_KEY)
    if not isinstance(sealed, str):
        return None
    try:
        state = json.loads(_fernet().decrypt(sealed.encode(), ttl=RECEIPT_STATE_SECONDS))
    except (InvalidToken, ValueError):
        _receipt_state_clear(request)
        return None
    return state if isinstance(state, dict) else None


def _receipt_state_clear(request: HttpRequest) -> None:
    request.session.pop(RECEIPT_STATE_KEY, None)


def _receipt_digit_groups(receipt: str) -> list[str]:
    return receipt.split()


def _receipt_page(
    request: HttpRequest, *, kinds: set[str], template: str = "tips/receipt.html"
) -> HttpResponse:
    """The "write this down" page: GET shows the receipt (again on a reload, until it expires);
    POST confirms it is written down, forgets it and moves on."""
    state = _receipt_state_get(request)
    if state is None or state.get("kind") not in kinds:
        return render(request, "tips/receipt_gone.html", status=410)
    if request.method == "POST":
        form = ReceiptNotedForm(request.POST)
        if form.is_valid():
            _receipt_state_clear(request)
            return redirect(_after_receipt(request, state))
    else:
        form = ReceiptNotedForm()
    return render(
        request,
        template,
        {
            "form": form,
            "state": state,
            "groups": _receipt_digit_groups(str(state["receipt"])),
        },
    )


def _after_receipt(request: HttpRequest, state: dict[str, Any]) -> str:
    kind = state.get("kind")
    if kind == KIND_STAFF:
        messages.success(request, _("The tip is recorded in the intake register."))
        return reverse("tips:staff_new")
    if kind == KIND_REPLACED:
        return reverse("tips:followup")
    messages.success(
        request,
        _(
            "Thank you: the police received your tip. Come back to this page with your "
            "receipt to see what happened and to answer questions."
        ),
    )
    return reverse("tips:followup")


def _card_response(request: HttpRequest, *, kinds: set[str]) -> HttpResponse:
    state = _receipt_state_get(request)
    if state is None or state.get("kind") not in kinds:
        raise Http404
    pdf = documents.receipt_card_pdf(
        str(state["reference"]), str(state["receipt"]), str(state["unit"])
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{state["reference"]}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- sending a tip ----------------------------------------------------------------------------


def _files_sent(request: HttpRequest) -> list[str]:
    """Names of the files sent with a form that comes back: the browser cannot keep them, so
    the page says which ones to choose again."""
    return [str(f.name) for f in request.FILES.getlist("attachments") if f]


def _unit_name(tip: Tip) -> str:
    return tip.register_unit.name


def _language_switched(request: HttpRequest) -> str:
    """The language chosen with a language button that sent the form (activated), or ""."""
    code = request.POST.get("switch_language", "") if request.method == "POST" else ""
    if code not in {language for language, _name in settings.LANGUAGES}:
        return ""
    translation.activate(code)
    request.LANGUAGE_CODE = code
    return code


def _language_cookie(response: HttpResponse, code: str) -> HttpResponse:
    """Remember the language chosen with a language button, as Django's set_language does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


PREFILL_IDENTIFIER_MAX = 200


def _prefill(request: HttpRequest) -> dict[str, Any] | None:
    """ "Report it" from the fraud check: `?category=<code>&identifier=<what contacted me>`."""
    if request.method != "GET":
        return None
    initial: dict[str, Any] = {}
    category = request.GET.get("category", "")[:40]
    if category and selectors.active_category(category) is not None:
        initial["category"] = category
    identifier = request.GET.get("identifier", "").strip()[:PREFILL_IDENTIFIER_MAX]
    if identifier:
        initial["description"] = (
            _("I was contacted by: %(identifier)s") % {"identifier": identifier} + "\n"
        )
    return initial or None


@require_http_methods(["GET", "POST"])
@never_cache
def tip_new(request: HttpRequest) -> HttpResponse:
    """The citizen's tip form. Each step of the place picker re-renders it with everything typed."""
    switch_to = _language_switched(request)
    form = TipForm(request.POST or None, request.FILES or None, initial=_prefill(request))
    context: dict[str, Any] = {
        "form": form,
        "form_action": reverse("tips:new"),
        "files_dropped": _files_sent(request),
        "staff": False,
        "language_form": "tip-form",
    }
    if switch_to:
        # The language buttons send this form: the page comes back in the new language with
        # everything typed, like a step of the place picker (nothing validated yet).
        return _language_cookie(render(request, "tips/tip_form.html", context), switch_to)
    if request.method != "POST" or form.place_in_progress() or not form.is_valid():
        return render(request, "tips/tip_form.html", context)

    wait = ratelimit.submission_wait(request)
    if wait:
        form.add_error(
            None,
            _(
                "Too many tips were sent from this connection. Please wait %(wait)s and send "
                "again; nothing you typed is lost."
            )
            % {"wait": ratelimit.wait_text(wait)},
        )
        return render(request, "tips/tip_form.html", context, status=429)
    try:
        submitted = services.tip_submit(
            data=form.tip_input(),
            channel=Channel.WEB,
            sender_device=ratelimit.device_id(request),
        )
    except services.TipRejectedError as error:
        form.add_service_errors(error.errors)
        return render(request, "tips/tip_form.html", context, status=_status(error))
    _receipt_state_put(
        request,
        kind=KIND_NEW,
        reference=submitted.tip.reference,
        receipt=submitted.receipt,
        unit=_unit_name(submitted.tip),
    )
    return redirect("tips:receipt")


public(tip_new, description="citizens send tips without an account")


@require_http_methods(["GET", "POST"])
@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    return _receipt_page(request, kinds={KIND_NEW, KIND_REPLACED})


public(receipt, description="the one-time receipt of the tip sent in this session")


@require_GET
@never_cache
def receipt_card(request: HttpRequest) -> HttpResponse:
    return _card_response(request, kinds={KIND_NEW, KIND_REPLACED})


public(receipt_card, description="the receipt card of the tip sent in this session")


# --- follow-up --------------------------------------------------------------------------------


def _followup_tip(request: HttpRequest) -> Tip | None:
    state = request.session.get(FOLLOWUP_STATE_KEY)
    if not isinstance(state, dict):
        return None
    idle = settings.TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES * 60
    if time.time() - float(state.get("seen", 0)) > idle:
        request.session.pop(FOLLOWUP_STATE_KEY, None)
        return None
    tip_id = state.get("tip")
    tip = Tip.objects.filter(pk=tip_id).first() if isinstance(tip_id, int) else None
    if tip is None:
        request.session.pop(FOLLOWUP_STATE_KEY, None)
        return None
    request.session[FOLLOWUP_STATE_KEY] = {"tip": tip.pk, "seen": time.time()}
    return tip


def _followup_open(request: HttpRequest, tip: Tip) -> None:
    # A new session key: whoever knew the old cookie does not inherit the opened tip.
    request.session.cycle_key()
    request.session[FOLLOWUP_STATE_KEY] = {"tip": tip.pk, "seen": time.time()}


def _throttled_message(retry_after: int) -> str:
    return _("Too many attempts from this device: wait %(wait)s and try again.") % {
        "wait": ratelimit.wait_text(retry_after)
    }


def _receipt_wait(request: HttpRequest) -> int:
    """Seconds before a receipt typed on this device is checked at all (0: checked now)."""
    return ratelimit.receipt_wait(ratelimit.client_key(request), ratelimit.device_key(request))


def _rejected_message(retry_after: int) -> str:
    """The one answer for unknown, wrong and malformed receipts that were checked, with the wait
    the failure imposes on the next try."""
    text = _(
        "This receipt does not open a tip. Check the digits and try again. "
        "Several wrong tries make you wait longer."
    )
    if retry_after > 0:
        text += " " + _("You can try again in %(wait)s.") % {
            "wait": ratelimit.wait_text(retry_after)
        }
    return text


@require_http_methods(["GET", "POST"])
@never_cache
def followup(request: HttpRequest) -> HttpResponse:
    """Follow a tip with its receipt: status, the officer's questions, the tipster's replies."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "close":
        request.session.pop(FOLLOWUP_STATE_KEY, None)
        request.session.cycle_key()
        messages.success(request, _("The tip is closed on this device."))
        return redirect("tips:followup")

    if action == "open":
        # A new receipt typed in: whatever tip was open here is closed first.
        request.session.pop(FOLLOWUP_STATE_KEY, None)
    # The language buttons of the tip page send the reply form: the page comes back in the new
    # language with the reply back in its box, neither sent nor stored on the server.
    switch_to = _language_switched(request) if action == "reply" else ""
    tip = _followup_tip(request)
    if tip is None:
        response = _followup_login(request, action)
    elif switch_to:
        response = _followup_tip_page(
            request,
            tip,
            "",
            draft=_reply_draft(request, action),
            keep_location=bool(request.POST.get("keep_location")),
            files_dropped=_files_sent(request),
        )
    else:
        response = _followup_tip_page(request, tip, action)
    return _language_cookie(response, switch_to) if switch_to else response


public(followup, description="citizens follow their tip with its receipt")


def _followup_login(request: HttpRequest, action: str) -> HttpResponse:
    form = FollowupForm(request.POST if action == "open" else None)
    # An answer typed while the tip closed itself for idleness (or carried over from that
    # page) is not thrown away: it goes back into the answer box once the receipt opens it.
    draft = _reply_draft(request, action)
    wait = _receipt_wait(request) if action == "open" else 0
    if wait:
        # A throttled try is not checked at all: say only "wait", the same for any receipt. A
        # right receipt told that it is wrong would be given up for good.
        form.is_valid()
        form.add_error("receipt", _throttled_message(wait))
    elif (
        action == "open"
        and form.is_valid()
        and receipts.looks_like_reference(form.cleaned_data["receipt"])
    ):
        # No database is read: the answer depends on the shape of the text alone, so it tells
        # nothing about any tip, and costs the guesser nothing either.
        form.add_error(
            "receipt",
            _(
                "This is the tip's reference: the police use it to find the tip, but it does "
                "not open it. Type the 20-digit receipt you wrote down when you sent the tip."
            ),
        )
    elif action == "open" and form.is_valid():
        try:
            tip = services.followup_open(
                receipt=form.cleaned_data["receipt"],
                client_key=ratelimit.client_key(request),
                device_key=ratelimit.device_key(request),
            )
        except services.ReceiptRejectedError as error:
            # The same answer, and the same status, for unknown, wrong and malformed receipts.
            form.add_error("receipt", _rejected_message(error.retry_after))
        else:
            _followup_open(request, tip)
            if tip.receipt_kind == ReceiptKind.STAFF_ISSUED:
                # The officer who handed the receipt over knows it: replace it before anything
                # is shown, and show the new one once.
                new_receipt = services.receipt_replace(tip=tip)
                _receipt_state_put(
                    request,
                    kind=KIND_REPLACED,
                    reference=tip.reference,
                    receipt=new_receipt,
                    unit=_unit_name(tip),
                )
                return redirect("tips:receipt")
            if draft:
                return _followup_tip_page(request, tip, "", draft=draft)
            return redirect("tips:followup")
    elif action == "reply":
        messages.warning(
            request,
            _(
                "The tip was closed after some time without use: open it again. "
                "Your answer is kept below."
            )
            if draft
            else _("The tip was closed after some time without use: open it again."),
        )
    return render(
        request,
        "tips/followup_open.html",
        {"form": form, "draft": draft, "draft_max": settings.TOANDAN_TIP_MAX_TEXT_CHARS},
    )


def _reply_draft(request: HttpRequest, action: str) -> str:
    field = {"reply": "body", "open": "draft"}.get(action, "")
    text = request.POST.get(field, "") if field else ""
    return text.strip()[: settings.TOANDAN_TIP_MAX_TEXT_CHARS]


def _followup_tip_page(
    request: HttpRequest,
    tip: Tip,
    action: str,
    *,
    draft: str = "",
    keep_location: bool = False,
    files_dropped: list[str] | None = None,
) -> HttpResponse:
    initial: dict[str, Any] = {"body": draft} if draft else {}
    if keep_location:
        initial["keep_location"] = True
    reply_form = ReplyForm(
        request.POST if action == "reply" else None,
        request.FILES if action == "reply" else None,
        initial=initial or None,
    )
    reply_wait = 0
    status = 200
    if action == "reply" and reply_form.is_valid():
        reply_wait = ratelimit.reply_retry_after(f"tip-{tip.pk}", ratelimit.client_key(request))
    if reply_wait:
        reply_form.add_error(
            None,
            _(
                "Too many answers in a short time: please wait %(wait)s and send again; "
                "nothing you typed is lost."
            )
            % {"wait": ratelimit.wait_text(reply_wait)},
        )
    elif action == "reply" and reply_form.is_valid():
        try:
            services.tipster_reply(
                tip=tip,
                body=reply_form.cleaned_data["body"],
                attachments=reply_form.upload_data(),
            )
        except services.TipRejectedError as error:
            reply_form.add_service_errors(error.errors)
            status = _status(error)
        else:
            messages.success(request, _("Your answer was sent to the police."))
            return redirect("tips:followup")
    view = selectors.tip_public_view(tip)
    return render(
        request,
        "tips/followup.html",
        {
            "view": view,
            "reply_form": reply_form,
            "files_dropped": _files_sent(request) if action == "reply" else files_dropped or [],
            "idle_minutes": settings.TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES,
            "language_form": "reply-form",
        },
        status=429 if reply_wait else status,
    )


def _status(error: services.TipRejectedError) -> int:
    """503 when the tip was fine but the server too busy to check its files; 200 (the form
    again, with the errors) otherwise."""
    return 503 if error.retry_after else 200


# --- staff ------------------------------------------------------------------------------------


@staff_required(POLICE_ROLES, description="police record tips received by phone, in person, mail")
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    form = StaffTipForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "form_action": reverse("tips:staff_new"),
        "files_dropped": _files_sent(request),
        "staff": True,
    }
    if request.method != "POST" or form.place_in_progress() or not form.is_valid():
        return render(request, "tips/tip_form.html", context)
    try:
        submitted = services.tip_submit_by_staff(
            actor=_staff_user(request),
            data=form.tip_input(),
            channel=form.cleaned_data["channel"],
            reason=form.cleaned_data.get("reason", ""),
            received_at=form.cleaned_data["received_at"],
        )
    except services.TipRejectedError as error:
        form.add_service_errors(error.errors)
        return render(request, "tips/tip_form.html", context, status=_status(error))
    _receipt_state_put(
        request,
        kind=KIND_STAFF,
        reference=submitted.tip.reference,
        receipt=submitted.receipt,
        unit=_unit_name(submitted.tip),
    )
    return redirect("tips:staff_receipt")


@staff_required(POLICE_ROLES, description="the receipt of the tip this officer just entered")
@require_http_methods(["GET", "POST"])
@never_cache
def staff_receipt(request: HttpRequest) -> HttpResponse:
    return _receipt_page(request, kinds={KIND_STAFF}, template="tips/staff_receipt.html")


@staff_required(POLICE_ROLES, description="the receipt card of the tip this officer just entered")
@require_GET
def staff_receipt_card(request: HttpRequest) -> HttpResponse:
    return _card_response(request, kinds={KIND_STAFF})


def _staff_user(request: HttpRequest) -> AbstractBaseUser:
    # staff_required let only a logged-in user through.
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


def _tip_for_staff(request: HttpRequest, reference: str) -> Tip:
    tip = selectors.tip_get_for_staff(user=request.user, reference=reference)
    if tip is None:
        raise Http404
    return tip


@staff_required(POLICE_ROLES, description="intake record of a tip in the officer's jurisdiction")
@require_GET
def intake_record_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    tip = _tip_for_staff(request, reference)
    response = HttpResponse(
        documents.intake_record_pdf(tip, actor=_staff_user(request)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{tip.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required(POLICE_ROLES, description="intake record of a tip in the officer's jurisdiction")
@require_GET
def intake_record_docx(request: HttpRequest, reference: str) -> HttpResponse:
    tip = _tip_for_staff(request, reference)
    response = HttpResponse(
        documents.intake_record_docx(tip, actor=_staff_user(request)),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{tip.reference}.docx"'
    response["Cache-Control"] = "no-store"
    return response
