"""The unit's inbox: which tips an officer sees, filtered and sorted, one indexed query a page.

A tip is in a unit's inbox when the unit is responsible for it (`Tip.responsible_unit`), when it
was forwarded to the unit and awaits acceptance (`Tip.pending_unit`), or, read-only, when the
unit holds an information copy (an active `TipRoute` with role "information"). Officers of a
unit above (the province) see the tips of every unit under theirs.

Only clear columns are read here: the list never decrypts a tip, so opening the inbox is not an
audit event (opening a tip is).

The second half holds the other reads of the handling pages that need no decryption by the
caller (deadlines with their article, routes, files, forwarding targets, filter choices), and
the tip's history, whose free text is decrypted only for a user who may open the tip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from toandan.accounts.models import POLICE_ROLES
from toandan.accounts.selectors import (
    jurisdiction_admin_units,
    jurisdiction_org_units,
)
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.tips.deadlines import due_date, end_of_day, local_date
from toandan.tips.models import (
    OPEN_STATUSES,
    Category,
    DueKind,
    OffenceChapter,
    Outcome,
    RouteRole,
    SuspensionGround,
    Tip,
    TipAction,
    TipAttachment,
    TipEvent,
    TipRoute,
    TipStatus,
    ValuableReason,
)

AnyUser = AbstractBaseUser | AnonymousUser

DUE_SOON_DAYS = 3


def due_soon_text(message: str) -> str:
    """`message`, a msgid with `%(days)s`, translated and given the days that count as due
    soon: the labels say the number the queries count with."""
    return gettext(message) % {"days": DUE_SOON_DAYS}


# The same for labels made at import (form choices, table headings, notification kinds).
due_soon_lazy = lazy(due_soon_text, str)


def deadline_running() -> Q:
    """The tips whose `due_at` is a deadline someone must still meet.

    A forwarded tip has met its forwarding deadline (BLTTHS Art. 146; joint circular 01/2017):
    forwarding is what was due. The unit it went to starts its own clock when it accepts the
    tip (`timeline`), so until then the tip is neither due soon nor overdue, for the unit that
    forwarded it or for the one it waits at (which finds it among the tips forwarded to it).
    """
    return ~Q(status=TipStatus.FORWARDED)


class Box:
    """Which part of the inbox: tips the units handle, tips forwarded to them awaiting
    acceptance, or information copies."""

    HANDLING = "handling"
    INCOMING = "incoming"
    COPIES = "copies"
    ALL = (HANDLING, INCOMING, COPIES)


class DueFilter:
    OVERDUE = "overdue"
    TODAY = "today"
    SOON = "soon"  # within DUE_SOON_DAYS
    NONE = "none"  # no running deadline
    ALL = (OVERDUE, TODAY, SOON, NONE)


@dataclass(frozen=True)
class InboxFilters:
    box: str = Box.HANDLING
    statuses: tuple[str, ...] = ()  # empty: open statuses for HANDLING, any otherwise
    category: str = ""  # Category.code
    commune: int | None = None  # AdminUnit pk
    unit: int | None = None  # OrgUnit pk (a commune police under a province)
    due: str = ""  # DueFilter
    channel: str = ""
    valuable: bool | None = None
    # Concluded tips nobody has yet said were valuable or not (the movement's backlog).
    valuable_unassessed: bool = False
    number: str = ""  # register number, or part of it
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    sort: str = "due"  # "due" (soonest deadline first), "received", "-received"


def _unit_ids(user: AnyUser) -> QuerySet[Any]:
    return jurisdiction_org_units(user, POLICE_ROLES).values("pk")


def inbox_tips(  # noqa: PLR0912 - one branch per filter reads better than a table
    user: AnyUser, filters: InboxFilters, *, now: dt.datetime | None = None
) -> QuerySet[Tip]:
    """The tips of the user's inbox, filtered and sorted. Paginate the result (it is lazy)."""
    now = now or timezone.now()
    units = _unit_ids(user)
    qs = Tip.objects.select_related("category", "responsible_unit", "pending_unit", "commune")
    if filters.box == Box.INCOMING:
        qs = qs.filter(pending_unit__in=units, status=TipStatus.FORWARDED)
    elif filters.box == Box.COPIES:
        copies = TipRoute.objects.filter(
            org_unit__in=units, role=RouteRole.INFORMATION, active=True
        ).values("tip_id")
        qs = qs.filter(pk__in=copies)
    else:
        qs = qs.filter(responsible_unit__in=units)
    statuses = filters.statuses
    # Open tips by default, also among information copies. A search by register number finds
    # closed ones too, and so does asking whether tips were valuable (only concluded ones are).
    assessing = filters.valuable is not None or filters.valuable_unassessed
    if not statuses and filters.box != Box.INCOMING and not filters.number and not assessing:
        statuses = tuple(sorted(OPEN_STATUSES))
    if statuses:
        qs = qs.filter(status__in=statuses)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.commune is not None:
        qs = qs.filter(commune_id=filters.commune)
    if filters.unit is not None:
        qs = qs.filter(Q(responsible_unit_id=filters.unit) | Q(pending_unit_id=filters.unit))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.valuable is not None:
        qs = qs.filter(valuable=filters.valuable)
    if filters.valuable_unassessed:
        qs = qs.filter(valuable__isnull=True, status=TipStatus.CONCLUDED)
    if filters.number:
        qs = qs.filter(_number_or_reference(filters.number))
    if filters.received_from is not None:
        qs = qs.filter(received_at__date__gte=filters.received_from)
    if filters.received_to is not None:
        qs = qs.filter(received_at__date__lte=filters.received_to)
    if filters.due:
        qs = _due_filter(qs, filters.due, now)
    if filters.sort == "received":
        return qs.order_by("received_at", "pk")
    if filters.sort == "-received":
        return qs.order_by("-received_at", "-pk")
    return qs.order_by(F("due_at").asc(nulls_last=True), "received_at", "pk")


def _number_or_reference(text: str) -> Q:
    """All or part of a register number, or the whole reference as the tipster reads it out
    (any case, spaces or dashes between the characters)."""
    reference = "".join(ch for ch in text if ch.isalnum()).upper()
    found = Q(register_number__icontains=text.strip())
    if reference:
        found |= Q(reference=reference)
    return found


def _due_filter(qs: QuerySet[Tip], due: str, now: dt.datetime) -> QuerySet[Tip]:
    if due == DueFilter.NONE:
        return qs.filter(Q(due_at__isnull=True) | ~deadline_running())
    if due == DueFilter.OVERDUE:
        return qs.filter(deadline_running(), due_at__lt=now)
    if due == DueFilter.TODAY:
        return qs.filter(
            deadline_running(), due_at__gte=now, due_at__lte=end_of_day(local_date(now))
        )
    if due == DueFilter.SOON:
        limit = end_of_day(local_date(now) + dt.timedelta(days=DUE_SOON_DAYS))
        return qs.filter(deadline_running(), due_at__gte=now, due_at__lte=limit)
    return qs


def inbox_counts(user: AnyUser, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The numbers on the inbox tabs: handling (open), incoming, open information copies,
    overdue, due today."""
    now = now or timezone.now()
    units = _unit_ids(user)
    # One pass over the unit's open tips gives three of the numbers.
    handling = Tip.objects.filter(responsible_unit__in=units, status__in=OPEN_STATUSES).aggregate(
        handling=Count("pk"),
        overdue=Count("pk", filter=deadline_running() & Q(due_at__lt=now)),
        today=Count(
            "pk",
            filter=deadline_running() & Q(due_at__gte=now, due_at__lte=end_of_day(local_date(now))),
        ),
    )
    return {
        "handling": handling["handling"],
        "incoming": Tip.objects.filter(pending_unit__in=units, status=TipStatus.FORWARDED).count(),
        "copies": Tip.objects.filter(
            pk__in=TipRoute.objects.filter(
                org_unit__in=units, role=RouteRole.INFORMATION, active=True
            ).values("tip_id"),
            status__in=OPEN_STATUSES,
        ).count(),
        "overdue": handling["overdue"],
        "today": handling["today"],
    }


# --- Deadlines as the officer reads them ---------------------------------------------------------


@dataclass(frozen=True)
class DueInfo:
    """A running deadline: its last day, the law behind it, and whether it is today or past."""

    due_at: dt.datetime
    date: dt.date
    label: str
    article: str
    overdue: bool
    today: bool


def due_info(tip: Tip, *, now: dt.datetime | None = None) -> DueInfo | None:
    """The tip's current deadline (`Tip.due_at`), or None when no clock runs (suspended,
    concluded, merged, or forwarded and not yet accepted: see `deadline_running`)."""
    from toandan.tips.handling.timeline import DUE_ARTICLES

    if tip.due_at is None or tip.status == TipStatus.FORWARDED:
        return None
    now = now or timezone.now()
    last_day = due_date(tip.due_at)
    overdue = tip.due_at < now
    return DueInfo(
        due_at=tip.due_at,
        date=last_day,
        label=str(DueKind(tip.due_kind).label) if tip.due_kind in DueKind.values else "",
        article=str(DUE_ARTICLES.get(tip.due_kind, "")),
        overdue=overdue,
        today=not overdue and last_day == local_date(now),
    )


def procuracy_due_info(tip: Tip, *, now: dt.datetime | None = None) -> DueInfo | None:
    """A decision to prosecute (Art. 154(2)), not to prosecute (Art. 158) or to suspend
    (Art. 148(2)) goes to the procuracy within 24 h; shown until the sending is recorded."""

    if tip.procuracy_due_at is None or tip.procuracy_sent_at is not None:
        return None
    now = now or timezone.now()
    overdue = tip.procuracy_due_at < now
    last_day = due_date(tip.procuracy_due_at)
    if tip.outcome == Outcome.PROSECUTED:
        label = str(_("Send the decision to prosecute to the procuracy"))
        article = str(_("BLTTHS Art. 154(2); TT 28/2020 Art. 16"))
    elif tip.status == TipStatus.SUSPENDED:
        label = str(_("Send the decision to suspend to the procuracy"))
        article = str(_("BLTTHS Art. 148(2)"))
    else:
        label = str(_("Send the decision not to prosecute to the procuracy"))
        article = str(_("BLTTHS Art. 158"))
    return DueInfo(
        due_at=tip.procuracy_due_at,
        date=last_day,
        label=label,
        article=article,
        overdue=overdue,
        today=not overdue and last_day == local_date(now),
    )


# --- The tip page --------------------------------------------------------------------------------


def tip_routes(tip: Tip) -> list[TipRoute]:
    """Every unit the tip was routed to, in order, including routes no longer active: the
    history of where it has been."""
    return list(
        TipRoute.objects.filter(tip=tip).select_related("org_unit").order_by("created_at", "pk")
    )


def tip_files(tip: Tip) -> list[TipAttachment]:
    """The files sent with the tip itself (those of replies come with the messages). Names
    stay encrypted: the list shows kind and size, the download gives the name."""
    return list(tip.attachments.filter(message__isnull=True).order_by("created_at", "pk"))


def tip_file(tip: Tip, attachment_id: int) -> TipAttachment | None:
    """One attachment of this tip (of the tip or of a reply) or of a tip merged into it, or
    None."""
    return (
        TipAttachment.objects.select_related("tip")
        .filter(Q(tip=tip) | Q(tip__merged_into=tip), pk=attachment_id)
        .first()
    )


@dataclass(frozen=True)
class HistoryEntry:
    event: TipEvent
    action_label: str
    actor_name: str
    from_status_label: str
    to_status_label: str
    text: str
    facts: tuple[tuple[str, str], ...]
    merged_into: str  # reference of the surviving tip, for a link


def _status_label(value: str) -> str:
    return str(TipStatus(value).label) if value in TipStatus.values else value


def _yes_no(value: object) -> str:
    if value is None:
        return str(_("not assessed"))
    return str(_("yes")) if value else str(_("no"))


def _reasons_text(codes: object) -> str:
    if not isinstance(codes, list):
        return ""
    return ", ".join(
        str(ValuableReason(code).label) if code in ValuableReason.values else str(code)
        for code in codes
    )


def _chapter_text(value: object) -> str:
    if isinstance(value, int) and value in OffenceChapter.values:
        return str(OffenceChapter(value).label)
    return ""


def outcome_facts(values: dict[str, Any]) -> list[tuple[str, str]]:
    """What the movement counts (valuable, why, offence, arrests, property), as label/value."""
    from django.utils.formats import number_format

    facts: list[tuple[str, str]] = []
    if "valuable" in values:
        facts.append((str(_("Valuable")), _yes_no(values["valuable"])))
    reasons = _reasons_text(values.get("valuable_reasons"))
    if reasons:
        facts.append((str(_("Why valuable")), reasons))
    chapter = _chapter_text(values.get("offence_chapter"))
    if chapter:
        facts.append((str(_("Offence (Criminal Code chapter)")), chapter))
    if values.get("arrested_count") is not None:
        facts.append((str(_("People arrested")), str(values["arrested_count"])))
    if values.get("property_recovered_vnd") is not None:
        amount = number_format(values["property_recovered_vnd"], force_grouping=True)
        facts.append((str(_("Property recovered (VND)")), amount))
    return facts


def _parse_moment(value: object) -> str:
    if not isinstance(value, str):
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return ""
    return due_date(moment).strftime("%d/%m/%Y")


def _event_facts(event: TipEvent) -> tuple[tuple[str, str], ...]:
    """The clear data of an event, in words (decision numbers, grounds, new deadlines...)."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    facts: list[tuple[str, str]] = []
    if data.get("decision_number"):
        facts.append((str(_("Decision number")), str(data["decision_number"])))
    if data.get("months"):
        facts.append((str(_("Extended by (months)")), str(data["months"])))
    ground = data.get("ground")
    if ground in SuspensionGround.values:
        facts.append((str(_("Ground (BLTTHS Art. 148)")), str(SuspensionGround(ground).label)))
    if data.get("agency"):
        facts.append((str(_("Handed to")), str(data["agency"])))
    if "due_at" in data:
        due = _parse_moment(data["due_at"])
        if due:
            facts.append((str(_("New deadline")), due))
    if event.action == TipAction.CHECK and "flagrant" in data:
        facts.append((str(_("Flagrant or urgent")), _yes_no(bool(data["flagrant"]))))
    if "in_time" in data:
        facts.append((str(_("Within 24 hours")), _yes_no(bool(data["in_time"]))))
    if event.action == TipAction.CORRECT_OUTCOME:
        before = data.get("before") if isinstance(data.get("before"), dict) else {}
        after = data.get("after") if isinstance(data.get("after"), dict) else {}
        facts.extend(
            (str(_("Before: %(what)s")) % {"what": label}, value)
            for label, value in outcome_facts(before or {})
        )
        facts.extend(
            (str(_("After: %(what)s")) % {"what": label}, value)
            for label, value in outcome_facts(after or {})
        )
    else:
        facts.extend(outcome_facts(data))
    return tuple(facts)


def tip_history(tip: Tip, *, actor: AnyUser) -> list[HistoryEntry]:
    """The tip's history, oldest first, with reasons and notes decrypted. Only for a user who
    may open the tip; the caller has recorded the opening (`selectors.tip_content`)."""
    from toandan.tips import policies, selectors
    from toandan.tips.handling import timeline

    if not policies.may_open_tip(actor, tip):
        raise PermissionDenied
    events = list(
        TipEvent.objects.filter(tip=tip)
        .select_related("actor", "unit", "target_unit")
        .order_by("created_at", "pk")
    )
    data_key = selectors.tip_data_key(tip) if any(e.text for e in events) else b""
    return [
        HistoryEntry(
            event=event,
            action_label=(
                str(TipAction(event.action).label)
                if event.action in TipAction.values
                else event.action
            ),
            actor_name=event.actor.get_full_name() if event.actor else "",
            from_status_label=_status_label(event.from_status),
            to_status_label=_status_label(event.to_status),
            text=timeline.open_event_text(tip, event, data_key),
            facts=_event_facts(event),
            merged_into=str(event.data.get("merged_into", ""))
            if isinstance(event.data, dict)
            else "",
        )
        for event in events
    ]


# --- Choices of the forms ------------------------------------------------------------------------


def forward_targets(tip: Tip, *, today: dt.date | None = None) -> list[OrgUnit]:
    """The police units a tip is usually forwarded or re-routed to: the province police of the
    tip's province and the police units under it, open today, except the one that has it."""
    today = today or timezone.localdate()
    province_police = (
        OrgUnit.objects.filter(
            kind=OrgKind.POLICE, level=OrgLevel.PROVINCE, admin_unit_id=tip.province_id
        )
        .order_by("pk")
        .first()
    )
    if province_police is None:
        return []
    units = (
        OrgUnit.objects.filter(kind=OrgKind.POLICE, path__startswith=province_police.path)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .exclude(pk=tip.responsible_unit_id or 0)
        .order_by("depth", "name")
    )
    return list(units)


def unit_by_code(code: str) -> OrgUnit | None:
    """The unit with this code ("CA-01-00004"), whatever its kind: the timeline says why a unit
    that is not police, or no longer exists, cannot receive a tip."""
    code = code.strip().upper()
    return OrgUnit.objects.filter(code=code).first() if code else None


def merge_target(user: AnyUser, value: str) -> Tip | None:
    """The tip a user means by a register number or a reference, if they may open it."""
    from toandan.tips import selectors

    value = value.strip()
    if not value:
        return None
    reference = (
        Tip.objects.filter(Q(register_number__iexact=value) | Q(reference=value.upper()))
        .values_list("reference", flat=True)
        .first()
    )
    if reference is None:
        return None
    return selectors.tip_get_for_staff(user=user, reference=reference)


# How many places or units a filter offers as a list; beyond that the officer types a code.
CHOICES_LIMIT = 400


def inbox_communes(user: AnyUser) -> list[AdminUnit]:
    """Today's communes in the user's police jurisdiction (CHOICES_LIMIT + 1 at most)."""
    return list(
        jurisdiction_admin_units(user, POLICE_ROLES)
        .filter(level=Level.COMMUNE, generation=Generation.CURRENT)
        .order_by("name", "pk")[: CHOICES_LIMIT + 1]
    )


def inbox_units(user: AnyUser) -> list[OrgUnit]:
    """The police units open today in the user's jurisdiction (CHOICES_LIMIT + 1 at most)."""
    today = timezone.localdate()
    return list(
        jurisdiction_org_units(user, POLICE_ROLES)
        .filter(kind=OrgKind.POLICE)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("depth", "name")[: CHOICES_LIMIT + 1]
    )


def inbox_categories() -> list[Category]:
    return list(Category.objects.filter(active=True).order_by("order", "code"))


def inbox_ids(tips: QuerySet[Tip]) -> QuerySet[Any]:
    """The ids of `inbox_tips(...)` in the same order: paginate these, then `tips_in_order`.

    On a province with tens of thousands of open tips, sorting and slicing only ids lets
    PostgreSQL answer from the inbox index alone (it covers the sort columns), and the joins
    of the full rows then run for one page instead of for every candidate."""
    return tips.values_list("pk", flat=True)


def tips_in_order(ids: Sequence[int]) -> list[Tip]:
    """The tips with these ids, with what the inbox row shows, in the order given."""
    by_id = Tip.objects.select_related(
        "category", "responsible_unit", "pending_unit", "commune"
    ).in_bulk(list(ids))
    return [by_id[pk] for pk in ids if pk in by_id]
