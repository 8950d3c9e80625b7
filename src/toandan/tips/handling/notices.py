"""Notifications about tips: who is told and in which words (`toandan.notifications.notify`).

What a notification about a tip may say is fixed here and nowhere else: the register number,
the unit and whether the unit handles the tip or got an information copy. Never the
description, the category (it says what the tip is about), the place, or anything about the
tipster: email leaves the system and is read on phones, in shared inboxes and on lock screens.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext

from toandan.accounts.models import POLICE_ROLES, REVEAL_ROLES, Role, RoleAssignment, User
from toandan.core.sql import Statement
from toandan.notifications.kinds import kind_register
from toandan.notifications.services import Notice, email_text, notices_send
from toandan.tips.handling.inbox import due_soon_lazy
from toandan.tips.models import ContactReveal, RouteRole, Tip, TipAction, TipEvent, TipRoute

# The kinds of notification the tips app sends (stored codes: never renamed).
TIP_RECEIVED = kind_register("tip_received", gettext_lazy("New tip"))
TIPSTER_REPLIED = kind_register("tipster_replied", gettext_lazy("Tipster replied"))
TIP_FORWARDED = kind_register("tip_forwarded", gettext_lazy("Tip forwarded to your unit"))
TIP_MOVED = kind_register("tip_moved", gettext_lazy("Tip sent back or re-routed"))
DEADLINE_SOON = kind_register(
    "deadline_soon", due_soon_lazy(gettext_noop("Deadline in %(days)s days"))
)
OVERDUE = kind_register("overdue", gettext_lazy("Deadline passed"))
DIGEST = kind_register("digest", gettext_lazy("Daily digest"))
IDENTITY_REVEAL = kind_register("identity_reveal", gettext_lazy("Tipster identity revealed"))

# The officers' tip page (tip handling).
TIP_PAGE_URL_NAME = "tips:staff_by_number"


def protection_sentence() -> str:
    """Why an email about a tip says so little (the last paragraph of every such email)."""
    return _(
        "For the tipster's protection this email does not contain what the tip says. Log in to "
        "read it."
    )


@dataclass(frozen=True)
class UnitRoute:
    """A unit a tip is routed to, as the notifications need it."""

    org_unit_id: int
    unit_name: str
    role: str  # RouteRole


@dataclass(frozen=True)
class UnitRecipient:
    """An officer told about a tip, with the route that reaches them (for the wording)."""

    user_id: int
    email: str
    unit_name: str
    role: str  # RouteRole of the route that reaches this user


def recipients_of(routes: Sequence[UnitRoute]) -> list[UnitRecipient]:
    """Active police officers and leaders of the units a tip is routed to, in one query; a
    user reached through several routes is told once, as the handling unit if one of them
    is the primary route.

    Intake asks this before its transaction (the units are known from routing), so the
    intake register's lock is not held while it runs."""
    if not routes:
        return []
    sql, params = recipients_statement(routes)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return recipients_from_rows(routes, rows)


def recipients_statement(routes: Sequence[UnitRoute]) -> Statement:
    """The query of `recipients_of`, for a caller that sends it together with another
    (`core.sql.execute_together_last_rows`) and passes its rows to `recipients_from_rows`.
    `routes` is not empty."""
    unit_ids = sorted({route.org_unit_id for route in routes})
    today = timezone.localdate()
    return _police_of_units_sql(len(unit_ids)), [*unit_ids, *sorted(POLICE_ROLES), today, today]


def recipients_from_rows(
    routes: Sequence[UnitRoute], rows: Iterable[Sequence[Any]]
) -> list[UnitRecipient]:
    """`recipients_of` from the rows of its query (`recipients_statement`)."""
    ordered = sorted(
        enumerate(routes), key=lambda item: (item[1].role != RouteRole.PRIMARY, item[0])
    )
    units_of_user: dict[int, set[int]] = {}
    emails: dict[int, str] = {}
    for user_id, org_unit_id, email in rows:
        units_of_user.setdefault(int(user_id), set()).add(int(org_unit_id))
        emails[int(user_id)] = str(email or "")
    recipients = []
    for user_id, unit_ids in units_of_user.items():
        route = next(r for _i, r in ordered if r.org_unit_id in unit_ids)
        recipients.append(
            UnitRecipient(
                user_id=user_id,
                email=emails[user_id],
                unit_name=route.unit_name,
                role=route.role,
            )
        )
    return recipients


def _police_of_units(unit_ids: Sequence[int], today: dt.date) -> list[tuple[int, int, str]]:
    """(user id, unit id, email) of every police role held today in these units by an active
    user, ordered by user (`_police_of_units_sql`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _police_of_units_sql(len(unit_ids)), [*unit_ids, *sorted(POLICE_ROLES), today, today]
        )
        return [(int(u), int(o), str(e or "")) for u, o, e in cursor.fetchall()]


@functools.lru_cache(maxsize=16)
def _police_of_units_sql(unit_count: int) -> str:
    """The query of `_police_of_units` for `unit_count` units. The same query as

        RoleAssignment.objects.filter(
            org_unit_id__in=unit_ids, role__in=POLICE_ROLES, valid_from__lte=today,
            user__is_active=True,
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("user_id").values_list("user_id", "org_unit_id", "user__email")

    written out because every tip runs it and building it through the ORM costs several
    times more than running it (about 0.7 ms against 0.1 ms: `make bench`); its text is made
    once per number of units.
    """
    quote = connection.ops.quote_name

    def name_of(model: type[models.Model], field_name: str = "") -> str:
        table = quote(model._meta.db_table)
        if not field_name:
            return table
        field = model._meta.get_field(field_name)
        assert isinstance(field, models.Field)
        return f"{table}.{quote(field.column)}"

    ra = {f: name_of(RoleAssignment, f) for f in ("user", "org_unit", "role", "valid_from")}
    valid_to = name_of(RoleAssignment, "valid_to")
    units_in = ", ".join(["%s"] * unit_count)
    roles_in = ", ".join(["%s"] * len(POLICE_ROLES))
    return (
        f"SELECT {ra['user']}, {ra['org_unit']}, {name_of(User, 'email')} "  # noqa: S608 - names from the models
        f"FROM {name_of(RoleAssignment)} INNER JOIN {name_of(User)} "
        f"ON {name_of(User, 'id')} = {ra['user']} "
        f"WHERE {ra['org_unit']} IN ({units_in}) AND {ra['role']} IN ({roles_in}) "
        f"AND {ra['valid_from']} <= %s AND ({valid_to} IS NULL OR {valid_to} >= %s) "
        f"AND {name_of(User, 'is_active')} "
        f"ORDER BY {ra['user']}"
    )


def _recipients(tip: Tip) -> list[UnitRecipient]:
    """`recipients_of` the tip's active routes, read from the database."""
    routes = (
        TipRoute.objects.filter(tip=tip, active=True)
        .order_by("id")
        .values_list("org_unit_id", "org_unit__name", "role")
    )
    return recipients_of([UnitRoute(unit, name, role) for unit, name, role in routes])


def _tip_link(tip: Tip) -> str:
    # By register number, never by reference: the reference also opens the public Open311
    # record of the tip (see tips.handling.views.tip_by_number).
    return tip_page_link(unit_id=tip.register_unit_id, year=tip.register_year, seq=tip.register_seq)


def _role_words(role: str) -> str:
    if role == RouteRole.PRIMARY:
        return pgettext("tip route", "to handle")
    return pgettext("tip route", "information copy")


def _notify(
    *,
    tip: Tip,
    kind: str,
    recipients: Sequence[UnitRecipient],
    title_for: dict[int, str],
    body: str,
    subject: str,
) -> None:
    link = _tip_link(tip)
    protection = protection_sentence()
    notices_send(
        notices=[
            Notice(
                user_id=r.user_id,
                kind=kind,
                title=title_for[r.user_id],
                body=body,
                link=link,
                email=r.email,
                email_subject=subject,
                email_body=email_text(title_for[r.user_id], protection),
            )
            for r in recipients
        ],
    )


def notify_tip_received(tip: Tip, *, recipients: Sequence[UnitRecipient] | None = None) -> None:
    """Tell the police of every unit the tip was routed to (handling unit and information
    copies) that it arrived: one in-app notification each, written in the caller's
    transaction, and one email each once that transaction commits (BLTTHS Art. 146: the
    receiving unit records and checks tips without delay).

    `recipients`: `recipients_of` the tip's routes when the caller already asked (intake
    does, before taking the register's lock); read from the tip's routes otherwise."""
    if recipients is None:
        recipients = _recipients(tip)
    if not recipients:
        return
    # Written in the interface's first language: staff accounts have no language of their own.
    with translation.override(settings.LANGUAGE_CODE):
        titles = {
            r.user_id: _("New tip no. %(number)s (%(role)s) at %(unit)s")
            % {"number": tip.register_number, "role": _role_words(r.role), "unit": r.unit_name}
            for r in recipients
        }
        _notify(
            tip=tip,
            kind=TIP_RECEIVED,
            recipients=recipients,
            title_for=titles,
            body=_("Open the tip from your unit's list of tips to read and handle it."),
            subject=_("New tip no. %(number)s") % {"number": tip.register_number},
        )


def notify_tipster_replied(tip: Tip) -> None:
    """Tell the police of the units the tip is routed to that the tipster answered."""
    recipients = _recipients(tip)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("The tipster replied on tip no. %(number)s") % {"number": tip.register_number}
        _notify(
            tip=tip,
            kind=TIPSTER_REPLIED,
            recipients=recipients,
            title_for={r.user_id: title for r in recipients},
            body=_("Open the tip to read the reply."),
            subject=title,
        )


def _unit_recipients(unit_id: int, unit_name: str) -> list[UnitRecipient]:
    return recipients_of([UnitRoute(unit_id, unit_name, RouteRole.PRIMARY)])


def notify_tip_event(tip: Tip, event: TipEvent) -> None:
    """Tell the unit that must act next: the unit a tip was forwarded to, or the unit that has
    it again after it was sent back or re-routed. In the caller's transaction; like every
    notification, it names the register number, never what the tip says."""
    if event.action == TipAction.FORWARD and tip.pending_unit is not None:
        unit = tip.pending_unit
        kind = TIP_FORWARDED
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Tip no. %(number)s was forwarded to %(unit)s: accept it or send it back") % {
                "number": tip.register_number,
                "unit": unit.name,
            }
    elif event.action in {TipAction.RETURN, TipAction.REROUTE} and tip.responsible_unit:
        unit = tip.responsible_unit
        kind = TIP_MOVED
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Tip no. %(number)s is now with %(unit)s") % {
                "number": tip.register_number,
                "unit": unit.name,
            }
    else:
        return
    recipients = _unit_recipients(unit.pk, unit.name)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _notify(
            tip=tip,
            kind=kind,
            recipients=recipients,
            title_for={r.user_id: title for r in recipients},
            body=_("Open the tip from your unit's list of tips to read and handle it."),
            subject=title,
        )


# --- Identity reveals (BLTTHS Art. 56) ------------------------------------------------------------


def _reveal_recipients(reveal: ContactReveal, roles: Iterable[str]) -> list[tuple[int, str]]:
    """(user id, email) of those holding `roles` today in the unit that had the tip and in the
    requester's unit above it, the requester excepted."""
    from toandan.tips.reveal.services import requester_units

    units = {reveal.unit_id, *(u.pk for u in requester_units(reveal.requested_by, reveal.unit))}
    today = timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(
            org_unit_id__in=units, role__in=list(roles), valid_from__lte=today, user__is_active=True
        )
        .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=today))
        .exclude(user_id=reveal.requested_by_id)
        .order_by("user_id")
        .values_list("user_id", "user__email")
        .distinct()
    )
    return [(int(user_id), str(email or "")) for user_id, email in rows]


def _notify_about_reveal(
    reveal: ContactReveal, *, recipients: Sequence[tuple[int, str]], title: str
) -> None:
    try:
        link = reverse("tips:reveal_detail", kwargs={"pk": reveal.pk})
    except NoReverseMatch:
        link = ""
    body = _(
        "Every reveal is recorded with its reason; the list of identity reveals shows them all."
    )
    email_body = email_text(title, protection_sentence())
    notices_send(
        notices=[
            Notice(
                user_id=user_id,
                kind=IDENTITY_REVEAL,
                title=title,
                body=body,
                link=link,
                email=email,
                email_subject=title,
                email_body=email_body,
            )
            for user_id, email in recipients
        ],
    )


def notify_identity_revealed(reveal: ContactReveal) -> None:
    """Tell the police leaders of the unit that had the tip, and of the requester's unit, that
    the tipster's identity was revealed: who revealed it and on which tip (register number),
    never the contact details, the reason or what the tip says. In the caller's transaction."""
    recipients = _reveal_recipients(reveal, [Role.POLICE_LEADER.value])
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(officer)s revealed the identity of the tipster of tip no. %(number)s") % {
            "officer": reveal.requested_by.get_full_name(),
            "number": reveal.tip.register_number,
        }
        _notify_about_reveal(reveal, recipients=recipients, title=title)


def notify_reveal_requested(reveal: ContactReveal) -> None:
    """Ask the other leaders and identity custodians of the same units to approve or refuse a
    request to reveal a tipster (when TOANDAN_REVEAL_SECOND_APPROVAL is on)."""
    recipients = _reveal_recipients(reveal, REVEAL_ROLES)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title = _(
            "%(officer)s asks to reveal the tipster of tip no. %(number)s: approve or refuse"
        ) % {
            "officer": reveal.requested_by.get_full_name(),
            "number": reveal.tip.register_number,
        }
        _notify_about_reveal(reveal, recipients=recipients, title=title)


# --- For scheduled notifications (toandan.tips.handling.reminders) --------------------------------


def police_of_units(unit_ids: Sequence[int], today: dt.date) -> list[tuple[int, int, str]]:
    """(user id, unit id, email) of the active police officers and leaders of these units
    (the units themselves, not the units below them), in one query."""
    if not unit_ids:
        return []
    return _police_of_units(sorted(set(unit_ids)), today)


def tip_page_link(*, unit_id: int, year: int, seq: int) -> str:
    """The officers' page of the tip entered under this intake register number."""
    return reverse(TIP_PAGE_URL_NAME, kwargs={"unit_id": unit_id, "year": year, "seq": seq})
