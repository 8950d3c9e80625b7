"""The police's tips API (`/api/v1/staff/tips...`): the inbox, one tip, and its next step.

For scripts and the police's own tools, with a personal token (`Authorization: Bearer tdn_…`)
or the browser session. The same rules as the web pages, because the same functions apply
them: the inbox is `toandan.tips.handling.inbox.inbox_tips`, opening a tip is
`selectors.tip_get_for_staff` + `selectors.tip_content` (an audited content view), and every
step is `toandan.tips.handling.timeline.tip_act`.

- Only police roles handle tips: anyone else gets 403 `police_only`, and never content.
- A tip outside the caller's units answers exactly like one that does not exist (404).
- A step the timeline refuses answers 409 `transition_refused` with the officer's message and
  the `field` to correct; malformed input (unknown action, unit or tip) answers 422.
- Answers that carry a tip's content are never cached (`Cache-Control: no-store`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from toandan.accounts.api_auth import ApiAuth
from toandan.accounts.models import POLICE_ROLES, User
from toandan.accounts.selectors import user_has_any_role
from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit
from toandan.tips import selectors
from toandan.tips.deadlines import due_date
from toandan.tips.handling import services as handling
from toandan.tips.handling import timeline
from toandan.tips.handling.inbox import InboxFilters, inbox_ids, inbox_tips, tips_in_order
from toandan.tips.handling.schemas import (
    ActionIn,
    InboxOut,
    InboxQuery,
    StaffErrorOut,
    TipDetailOut,
)
from toandan.tips.intake.api import NO_STORE, field_errors_response
from toandan.tips.intake.schemas import ValidationErrorOut
from toandan.tips.models import (
    DueKind,
    Outcome,
    Tip,
    TipAction,
    TipEvent,
    TipStatus,
)

router = Router(tags=["staff: tips"], auth=ApiAuth())


class StaffApiError(Exception):
    """An answer other than success: a stable `code` for programs, a `detail` for people."""

    def __init__(self, status: int, code: str, detail: str, *, field: str = "") -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field

    def response(self) -> JsonResponse:
        body = {"code": self.code, "detail": self.detail, "field": self.field}
        response = JsonResponse(body, status=self.status)
        response["Cache-Control"] = NO_STORE
        return response


class FieldRejectedError(Exception):
    """Input that names something unknown: 422 in ninja's shape, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field)
        self.field = field
        self.message = message


def answers(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors above into their JSON answers (functools.wraps keeps the signature
    ninja reads)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except StaffApiError as error:
            return error.response()
        except FieldRejectedError as rejected:
            return field_errors_response({rejected.field: [rejected.message]})

    return wrapped


def police_caller(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User) or not user_has_any_role(user, POLICE_ROLES):
        raise StaffApiError(403, "police_only", _("Only police officers handle tips."))
    return user


def not_found() -> StaffApiError:
    # One answer for "no such tip" and "not in your units": a reference proves nothing.
    return StaffApiError(404, "not_found", _("No tip with this reference in your units."))


# --- Output --------------------------------------------------------------------------------------


def _code_name(unit: OrgUnit | AdminUnit | None) -> dict[str, str] | None:
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.name}


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _deadline(tip: Tip, now: dt.datetime) -> dict[str, Any] | None:
    if tip.due_at is None:
        return None
    return {
        "due_at": tip.due_at,
        "due_date": due_date(tip.due_at),
        "kind": tip.due_kind,
        "kind_label": _label(DueKind, tip.due_kind),
        "article": str(timeline.DUE_ARTICLES.get(tip.due_kind, "")),
        "overdue": tip.due_at < now,
    }


def inbox_row(tip: Tip, now: dt.datetime) -> dict[str, Any]:
    return {
        "reference": tip.reference,
        "register_number": tip.register_number,
        "status": tip.status,
        "status_label": _label(TipStatus, tip.status),
        "category": {"code": tip.category.code, "name": tip.category.localized_name()},
        "commune": _code_name(tip.commune),
        "received_at": tip.received_at,
        "due_at": tip.due_at,
        "due_kind": tip.due_kind,
        "due_article": str(timeline.DUE_ARTICLES.get(tip.due_kind, "")),
        "overdue": tip.due_at is not None and tip.due_at < now,
        "responsible_unit": _code_name(tip.responsible_unit),
        "pending_unit": _code_name(tip.pending_unit),
        "valuable": tip.valuable,
    }


def _history(tip: Tip) -> list[dict[str, Any]]:
    """The history with its texts, decrypted: only for a caller who has just opened the tip
    (the content view's audit event covers this reading)."""
    events = (
        TipEvent.objects.filter(tip=tip)
        .select_related("actor", "unit", "target_unit")
        .order_by("created_at", "pk")
    )
    data_key = selectors.tip_data_key(tip)
    return [
        {
            "action": event.action,
            "action_label": _label(TipAction, event.action),
            "at": event.created_at,
            "actor": event.actor.get_full_name() if event.actor else "",
            "unit": _code_name(event.unit),
            "target_unit": _code_name(event.target_unit),
            "from_status": event.from_status,
            "to_status": event.to_status,
            "data": event.data,
            "text": timeline.open_event_text(tip, event, data_key),
        }
        for event in events
    ]


def tip_detail(tip: Tip, user: User, *, can_open: bool = True) -> dict[str, Any]:
    """The tip as the officer handles it. With `can_open`, its content and the texts of its
    history are decrypted: `selectors.tip_content` records the reading (one audit event)."""
    now = timezone.now()
    content: dict[str, str] | None = None
    if can_open:
        content = {str(k): str(v) for k, v in selectors.tip_content(tip, actor=user).items()}
    return {
        "reference": tip.reference,
        "register_number": tip.register_number,
        "status": tip.status,
        "status_label": _label(TipStatus, tip.status),
        "channel": tip.channel,
        "category": {"code": tip.category.code, "name": tip.category.localized_name()},
        "province": _code_name(tip.province),
        "commune": _code_name(tip.commune),
        "received_at": tip.received_at,
        "register_unit": _code_name(tip.register_unit),
        "responsible_unit": _code_name(tip.responsible_unit),
        "pending_unit": _code_name(tip.pending_unit),
        "is_flagrant": tip.is_flagrant,
        "deadline": _deadline(tip, now),
        "complex_extended": tip.complex_extended,
        "procuracy_decision": tip.procuracy_decision,
        "suspended_at": tip.suspended_at,
        "suspension_ground": tip.suspension_ground,
        "outcome": tip.outcome,
        "outcome_label": _label(Outcome, tip.outcome) if tip.outcome else "",
        "decided_in_time": tip.decided_in_time,
        "concluded_at": tip.concluded_at,
        "procuracy_due_at": tip.procuracy_due_at,
        "procuracy_sent_at": tip.procuracy_sent_at,
        "valuable": tip.valuable,
        "valuable_reasons": list(tip.valuable_reasons or []),
        "offence_chapter": tip.offence_chapter,
        "arrested_count": tip.arrested_count,
        "property_recovered_vnd": tip.property_recovered_vnd,
        "merged_into": tip.merged_into.reference if tip.merged_into else None,
        "merged_tips": list(
            Tip.objects.filter(merged_into=tip).order_by("pk").values_list("reference", flat=True)
        ),
        "content": content,
        "history": _history(tip) if can_open else [],
        "allowed_actions": [
            {"action": action, "label": _label(TipAction, action)}
            for action in timeline.allowed_actions(tip, user)
        ]
        if can_open
        else [],
    }


def _tip_rows() -> QuerySet[Tip]:
    return Tip.objects.select_related(
        "category",
        "province",
        "commune",
        "register_unit",
        "responsible_unit",
        "pending_unit",
        "merged_into",
    )


# --- Input ---------------------------------------------------------------------------------------


def inbox_filters(query: InboxQuery) -> InboxFilters:
    commune_pk = None
    if query.commune:
        commune = selectors.current_commune(query.commune)
        if commune is None:
            raise FieldRejectedError(
                "commune",
                _("Unknown commune “%(code)s”: give the code of a current commune.")
                % {"code": query.commune},
            )
        commune_pk = commune.pk
    unit_pk = None
    if query.unit:
        unit = OrgUnit.objects.filter(code=query.unit.strip()).first()
        if unit is None:
            raise FieldRejectedError("unit", _("Unknown unit “%(code)s”.") % {"code": query.unit})
        unit_pk = unit.pk
    return InboxFilters(
        box=query.box,
        statuses=tuple(query.status),
        category=query.category.strip(),
        commune=commune_pk,
        unit=unit_pk,
        due=query.due,
        channel=query.channel,
        valuable=query.valuable,
        number=query.number,
        received_from=query.received_from,
        received_to=query.received_to,
        sort=query.sort,
    )


def action_input(payload: ActionIn, user: User) -> timeline.ActionInput:
    """The timeline's input from the API's: units by code, tips by reference."""
    target_unit = None
    if payload.target_unit:
        target_unit = OrgUnit.objects.filter(code=payload.target_unit.strip()).first()
        if target_unit is None:
            raise FieldRejectedError(
                "target_unit", _("Unknown unit “%(code)s”.") % {"code": payload.target_unit}
            )
    merge_into = None
    if payload.merge_into:
        merge_into = selectors.tip_get_for_staff(user=user, reference=payload.merge_into)
        if merge_into is None:
            raise FieldRejectedError("merge_into", _("No tip with this reference in your units."))
    return timeline.ActionInput(
        reason=payload.reason,
        target_unit=target_unit,
        decision_number=payload.decision_number,
        months=payload.months,
        ground=payload.ground,
        merge_into=merge_into,
        flagrant=payload.flagrant,
        agency=payload.agency,
        valuable=payload.valuable,
        valuable_reasons=tuple(payload.valuable_reasons),
        offence_chapter=payload.offence_chapter,
        arrested_count=payload.arrested_count,
        property_recovered_vnd=payload.property_recovered_vnd,
    )


# --- Operations ----------------------------------------------------------------------------------

ERRORS: dict[int, Any] = {403: StaffErrorOut, 404: StaffErrorOut, 422: ValidationErrorOut}


@router.get(
    "/tips",
    response={200: InboxOut, 403: StaffErrorOut, 422: ValidationErrorOut},
    summary="The inbox of my units",
)
@answers
def inbox(
    request: HttpRequest, response: HttpResponse, filters: Query[InboxQuery]
) -> dict[str, Any]:
    """Tips my units handle (or were forwarded, or hold a copy of), soonest deadline first.
    Lists only clear fields: reading the inbox opens no tip."""
    user = police_caller(request)
    response["Cache-Control"] = NO_STORE
    now = timezone.now()
    tips = inbox_tips(user, inbox_filters(filters), now=now)
    count = tips.count()
    size = filters.page_size
    start = (filters.page - 1) * size
    ids = list(inbox_ids(tips)[start : start + size]) if start < count else []
    rows = tips_in_order(ids)
    return {
        "count": count,
        "page": filters.page,
        "pages": max(1, math.ceil(count / size)),
        "results": [inbox_row(tip, now) for tip in rows],
    }


@router.get("/tips/{reference}", response={200: TipDetailOut, **ERRORS}, summary="One tip")
@answers
def detail(request: HttpRequest, response: HttpResponse, reference: str) -> dict[str, Any]:
    """The tip, its deadline and the law behind it, its history, and what I may do next.
    Opening a tip decrypts its content: the reading is recorded in the audit log."""
    user = police_caller(request)
    response["Cache-Control"] = NO_STORE
    found = selectors.tip_get_for_staff(user=user, reference=reference[:32])
    if found is None:
        raise not_found()
    return tip_detail(_tip_rows().get(pk=found.pk), user)


@router.post(
    "/tips/{reference}/actions",
    response={200: TipDetailOut, 409: StaffErrorOut, **ERRORS},
    summary="Take the next step of the legal timeline",
)
@answers
def act(
    request: HttpRequest, response: HttpResponse, reference: str, payload: ActionIn
) -> dict[str, Any]:
    """Forward, accept, take for resolution, extend, suspend, decide, … (BLTTHS Art. 146–158).
    Answers the tip as it is now. After sending a tip back, the caller's unit no longer holds
    it: the answer then has no content, history or actions."""
    user = police_caller(request)
    response["Cache-Control"] = NO_STORE
    found = selectors.tip_get_for_staff(user=user, reference=reference[:32])
    if found is None:
        raise not_found()
    data = action_input(payload, user)
    try:
        handling.tip_act_with_note(
            actor=user,
            tip=found,
            action=payload.action,
            data=data,
            internal_note=payload.internal_note,
        )
    except timeline.TransitionRefusedError as refused:
        raise StaffApiError(
            409, "transition_refused", refused.message, field=refused.field
        ) from None
    except timeline.TipNotFoundError:
        # The caller may read the tip (an information copy) but their unit does not have it.
        raise StaffApiError(
            409,
            "transition_refused",
            _("Your unit has only an information copy of this tip; the unit that has it acts."),
        ) from None
    still_open = selectors.tip_get_for_staff(user=user, reference=found.reference) is not None
    return tip_detail(_tip_rows().get(pk=found.pk), user, can_open=still_open)
