"""The police's handling pages: the unit's inbox, the tip page, and the actions of the legal
timeline (BLTTHS Art. 146-149, 158).

Only police officers and leaders get in (`staff_required(POLICE_ROLES)`); a tip outside the
officer's jurisdiction is a 404, like a tip that does not exist. Opening a tip decrypts its
content through `selectors.tip_content`, which records the reading; every action goes through
`timeline.tip_act`, which records it and refuses, with a message, what the law does not allow.
Every page works without JavaScript: plain forms, POST then redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from toandan.accounts.models import POLICE_ROLES
from toandan.core.access import staff_required
from toandan.tips import policies, selectors, services
from toandan.tips.download import attachment_response
from toandan.tips.duplicates import fingerprints as duplicates
from toandan.tips.handling import inbox, timeline
from toandan.tips.handling import services as handling
from toandan.tips.handling.forms import ActionForm, InboxFilterForm, MessageForm, NoteForm
from toandan.tips.handling.inbox import Box
from toandan.tips.models import Tip, TipAction, TipStatus

PAGE_SIZE = 25
A = TipAction

# Actions that take no input: one button on the tip page does them.
ONE_CLICK_ACTIONS = (A.TAKE, A.ACCEPT, A.RESUME)


def _user(request: HttpRequest) -> AbstractBaseUser:
    # staff_required let only a logged-in user through.
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


def _tip_or_404(request: HttpRequest, reference: str) -> Tip:
    tip = selectors.tip_get_for_staff(user=request.user, reference=reference)
    if tip is None:
        raise Http404
    return tip


# --- The inbox -----------------------------------------------------------------------------------


@staff_required(POLICE_ROLES, description="police: the tips of their units, filtered")
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(
        request.GET,
        categories=inbox.inbox_categories(),
        communes=inbox.inbox_communes(request.user),
        units=inbox.inbox_units(request.user),
    )
    form.is_valid()
    filters = form.filters()
    now = timezone.now()
    tips = inbox.inbox_tips(request.user, filters, now=now)
    page = Paginator(inbox.inbox_ids(tips), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (tip, inbox.due_info(tip, now=now)) for tip in inbox.tips_in_order(list(page.object_list))
    ]
    counts = inbox.inbox_counts(request.user, now=now)
    tabs = [
        (Box.HANDLING, pgettext("inbox tab", "Handling"), counts["handling"]),
        (Box.INCOMING, _("Forwarded to us"), counts["incoming"]),
        (Box.COPIES, _("Information copies"), counts["copies"]),
    ]
    return render(
        request,
        "tips/handling/inbox.html",
        {
            "form": form,
            "box": filters.box,
            "tabs": tabs,
            "counts": counts,
            "page": page,
            "rows": rows,
            "show_unit": form.shows_units,
            # The filter box stays open while filters are in use or wrong.
            "filtering": bool(form.errors)
            or any(value for key, value in request.GET.items() if key not in {"box", "page"}),
        },
    )


# --- The tip page --------------------------------------------------------------------------------


def _reveal_url(request: HttpRequest, tip: Tip) -> str | None:
    if not policies.may_request_reveal(request.user, tip):
        return None
    try:
        return reverse("tips:reveal_request", kwargs={"reference": tip.reference})
    except NoReverseMatch:
        # The reveal pages come in their own change; until then there is nowhere to go.
        return None


def _action_buttons(tip: Tip, actions: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "action": action,
            "label": A(action).label,
            "url": reverse(
                "tips:staff_action", kwargs={"reference": tip.reference, "action": action}
            ),
            "one_click": action in ONE_CLICK_ACTIONS,
        }
        for action in actions
    ]


def _tip_page(
    request: HttpRequest,
    tip: Tip,
    *,
    note_form: NoteForm | None = None,
    message_form: MessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    content = selectors.tip_content(tip, actor=user)
    actions = timeline.allowed_actions(tip, user)
    merge_allowed = A.MERGE in actions
    now = timezone.now()
    return render(
        request,
        "tips/handling/tip.html",
        {
            "tip": tip,
            "content": content,
            "due": inbox.due_info(tip, now=now),
            "procuracy_due": inbox.procuracy_due_info(tip, now=now),
            "files": inbox.tip_files(tip),
            "routes": inbox.tip_routes(tip),
            "history": inbox.tip_history(tip, actor=user),
            "conversation": selectors.tip_messages_for_staff(tip, actor=user),
            "buttons": _action_buttons(tip, actions),
            "handles": policies.may_handle(user, tip),
            "outcome_facts": inbox.outcome_facts(
                {
                    "valuable": tip.valuable,
                    "valuable_reasons": list(tip.valuable_reasons or []),
                    "offence_chapter": tip.offence_chapter,
                    "arrested_count": tip.arrested_count,
                    "property_recovered_vnd": tip.property_recovered_vnd,
                }
            ),
            "duplicates": (
                duplicates.similar_open_tips(tip, actor=user)
                if tip.status != TipStatus.MERGED
                else []
            ),
            "merged_tips": duplicates.merged_tips_for_staff(tip, actor=user),
            "merge_allowed": merge_allowed,
            "reveal_url": _reveal_url(request, tip),
            "note_form": note_form or NoteForm(),
            "message_form": message_form or MessageForm(),
        },
        status=status,
    )


@staff_required(POLICE_ROLES, description="police whose units the tip is routed to (404 otherwise)")
@require_GET
def tip_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _tip_page(request, _tip_or_404(request, reference))


@staff_required(POLICE_ROLES, description="the tip page, reached by its intake register number")
@require_GET
def tip_by_number(request: HttpRequest, unit_id: int, year: int, seq: int) -> HttpResponse:
    """Links in notifications and emails name the register entry, not the tip's reference:
    the reference also opens the public Open311 record, so an email read over someone's
    shoulder must not carry it. Same 404 as the tip page for tips the user may not open."""
    tip = selectors.tip_get_by_number_for_staff(
        user=request.user, unit_id=unit_id, year=year, seq=seq
    )
    if tip is None:
        raise Http404
    return redirect("tips:staff_detail", reference=tip.reference)


@staff_required(POLICE_ROLES, description="a file of a tip the officer may open (audited)")
@require_GET
def attachment_download(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponse:
    tip = _tip_or_404(request, reference)
    attachment = inbox.tip_file(tip, attachment_id)
    if attachment is None:
        raise Http404
    try:
        if attachment.tip_id == tip.pk:
            data = selectors.tip_attachment_for_staff(attachment, actor=request.user)
        else:
            # A file of a tip merged into this one, read through it.
            data = duplicates.merged_attachment_for_staff(attachment, actor=request.user)
    except (PermissionDenied, FileNotFoundError) as error:
        raise Http404 from error
    return attachment_response(name=data.name, content_type=data.content_type, data=data.data)


@staff_required(POLICE_ROLES, description="officers of the unit handling the tip: internal note")
@require_POST
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    tip = _tip_or_404(request, reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            timeline.tip_note_add(actor=_user(request), tip=tip, text=form.cleaned_data["text"])
        except timeline.TipNotFoundError as error:
            raise Http404 from error
        except timeline.TransitionRefusedError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("The note is added to the history."))
            return redirect("tips:staff_detail", reference=tip.reference)
    return _tip_page(request, tip, note_form=form, status=422)


@staff_required(POLICE_ROLES, description="police whose units the tip is routed to: a message")
@require_POST
def message_send(request: HttpRequest, reference: str) -> HttpResponse:
    tip = _tip_or_404(request, reference)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.tip_message_to_tipster(
                actor=_user(request), tip=tip, body=form.cleaned_data["body"]
            )
        except PermissionDenied as error:
            raise Http404 from error
        except services.TipRejectedError as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(
                request, _("The message is sent: the tipster sees it on the follow-up page.")
            )
            return redirect("tips:staff_detail", reference=tip.reference)
    return _tip_page(request, tip, message_form=form, status=422)


# --- Actions -------------------------------------------------------------------------------------

# What the officer is told after each action.
DONE_MESSAGES: dict[str, Promise] = {
    A.CHECK: gettext_lazy("The preliminary check has started."),
    A.FORWARD: gettext_lazy("The tip is forwarded; it waits for the receiving unit to accept it."),
    A.ACCEPT: gettext_lazy("Your unit has accepted the tip."),
    A.RETURN: gettext_lazy("The tip is sent back to the unit that forwarded it."),
    A.REROUTE: gettext_lazy("The responsible unit is corrected."),
    A.TAKE: gettext_lazy("The tip is taken for resolution."),
    A.EXTEND_COMPLEX: gettext_lazy("The deadline is extended: the case is complex."),
    A.EXTEND_PROCURACY: gettext_lazy("The procuracy's extension is recorded."),
    A.SUSPEND: gettext_lazy("The resolution is suspended."),
    A.RESUME: gettext_lazy("The resolution has resumed."),
    A.PROSECUTE: gettext_lazy("The decision is recorded; the tipster is told the result."),
    A.NOT_PROSECUTE: gettext_lazy(
        "The decision is recorded; the tipster is told the result and the reason."
    ),
    A.HAND_OVER: gettext_lazy(
        "The hand-over is recorded; the tipster is told the result and the reason."
    ),
    A.MERGE: gettext_lazy("The tip is merged."),
    A.SEND_TO_PROCURACY: gettext_lazy("Sending to the procuracy is recorded."),
    A.CORRECT_OUTCOME: gettext_lazy("The outcome is corrected."),
    A.PROCURACY_CANCEL_SUSPENSION: gettext_lazy(
        "The procuracy's cancellation of the suspension is recorded; the resolution goes on."
    ),
    A.PROCURACY_CANCEL_NOT_PROSECUTE: gettext_lazy(
        "The procuracy's cancellation of the decision not to prosecute is recorded; the tip is "
        "resolved again."
    ),
}


# The law behind each action, shown on its form.
ACTION_HELP: dict[str, Promise] = {
    A.REROUTE: gettext_lazy(
        "For the unit above: correct a tip routed to the wrong unit. A tip still being checked "
        "starts afresh at the right unit; a decision deadline already running keeps running."
    ),
    A.TAKE: gettext_lazy("A decision is due within 20 days of receipt (BLTTHS Art. 147(1))."),
    A.EXTEND_COMPLEX: gettext_lazy(
        "A complex case may take up to 2 months from receipt (BLTTHS Art. 147(2))."
    ),
    A.EXTEND_PROCURACY: gettext_lazy(
        "The procuracy may extend the time limit once, by up to 2 months (BLTTHS Art. 147(2)). "
        "Enter the number of its decision."
    ),
    A.SUSPEND: gettext_lazy(
        "Suspension only once the time limit of Art. 147 has run out, on the grounds of BLTTHS "
        "Art. 148(1); after resumption a decision is due within 1 month (Art. 149)."
    ),
    A.PROCURACY_CANCEL_SUSPENSION: gettext_lazy(
        "BLTTHS Art. 148(2): the resolution goes on for at most 1 month from the day the unit "
        "receives the procuracy's cancellation. Enter the number of its decision."
    ),
    A.PROCURACY_CANCEL_NOT_PROSECUTE: gettext_lazy(
        "BLTTHS Art. 159: the tip is resolved again within 20 days of receiving the "
        "procuracy's cancellation. Enter the number of its decision."
    ),
    A.NOT_PROSECUTE: gettext_lazy(
        "BLTTHS Art. 158: the decision goes to the procuracy within 24 hours; the tipster is "
        "told the result and the reason, and may complain."
    ),
    A.MERGE: gettext_lazy(
        "The merged tip closes and its tipster follows the surviving tip; both histories stay."
    ),
    A.CORRECT_OUTCOME: gettext_lazy("The correction and its reason are kept in the history."),
}


def forward_help() -> str:
    """The forwarding rule with the hours and days the settings give (the circulars predate the
    2025 reform, so they are configurable), not a copy of them."""
    return _(
        "Forward within %(urgent)s hours when the case is serious or flagrant (%(remote)s hours "
        "from a remote commune; a category may set its own hours), within %(days)s days "
        "otherwise (joint circulars 01/2017 and 01/2021). The receiving unit accepts the tip or "
        "sends it back."
    ) % {
        "urgent": timeline.deadline_setting("forward_urgent_hours"),
        "remote": timeline.deadline_setting("forward_urgent_remote_hours"),
        "days": timeline.deadline_setting("forward_days"),
    }


def _action_help(action: str) -> str:
    if action == A.FORWARD:
        return forward_help()
    return str(ACTION_HELP.get(action, ""))


def _done_message(tip: Tip, action: str) -> str:
    text = str(DONE_MESSAGES[action])
    due = inbox.due_info(tip)
    if due is not None:
        text += " " + _("Deadline: %(date)s (%(article)s).") % {
            "date": due.date.strftime("%d/%m/%Y"),
            "article": due.article,
        }
    return text


def _action_page(
    request: HttpRequest,
    tip: Tip,
    form: ActionForm,
    *,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "tips/handling/action.html",
        {
            "tip": tip,
            "form": form,
            "action": form.action,
            "action_label": A(form.action).label,
            "allowed": form.action in timeline.allowed_actions(tip, user),
            "help": _action_help(form.action),
            "due": inbox.due_info(tip),
            "preview": form.tipster_preview(),
            # Typed text is previewed once sent; an empty form shows where it will go.
            "previewing": form.is_bound,
        },
        status=status,
    )


@staff_required(POLICE_ROLES, description="police of the unit handling the tip: one action")
@require_http_methods(["GET", "POST"])
def tip_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    tip = _tip_or_404(request, reference)
    if action not in timeline.TRANSITIONS:
        raise Http404
    user = _user(request)
    if request.method != "POST":
        initial = {"merge_into": request.GET.get("merge_into", "")[:60]}
        return _action_page(
            request, tip, ActionForm(action=action, tip=tip, user=user, initial=initial)
        )
    form = ActionForm(request.POST, action=action, tip=tip, user=user)
    if not form.is_valid():
        return _action_page(request, tip, form, status=422)
    if request.POST.get("preview"):
        # The tipster's page as it will read; nothing is recorded until the officer confirms.
        return _action_page(request, tip, form)
    try:
        tip = handling.tip_act_with_note(
            actor=user,
            tip=tip,
            action=action,
            data=form.action_input(),
            internal_note=form.note_text(),
        )
    except timeline.TipNotFoundError as error:
        raise Http404 from error
    except timeline.TransitionRefusedError as error:
        form.add_refusal(error)
        # 422: what was typed needs changing; 409: the tip's state does not allow it now.
        return _action_page(request, tip, form, status=422 if error.field else 409)
    messages.success(request, _done_message(tip, action))
    return redirect("tips:staff_detail", reference=tip.reference)
