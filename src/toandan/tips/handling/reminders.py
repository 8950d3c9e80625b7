"""Scheduled notifications: deadline reminders (every hour) and the daily digest (07:00).

Like every notification, they name register numbers, units, deadlines and counts, never what a
tip says, its category or place, or anything about the tipster (see `services`).

Deadline reminders (BLTTHS Art. 146-149 deadlines, `toandan.tips.handling.timeline`): an open tip
whose deadline ends within DUE_SOON_DAYS (the inbox's "due soon": until the end of the third day
from today) is reminded once; when the deadline has passed it is reminded once more. Both are kept
per deadline (`Reminder`), so an extension or a new unit's clock is reminded afresh. The unit
told is the one that must act: the unit the tip was forwarded to while it awaits acceptance,
otherwise the responsible unit. Each officer gets one in-app notification per tip (linking to
the tip) and one email per run listing them, not one email per tip.

A deadline that passed more than OVERDUE_LOOKBACK_DAYS ago is not reminded one by one any more:
when the reminders are first switched on, or after an outage, a unit would otherwise receive one
notification per old overdue tip. Those tips are counted in the daily digest every morning.

The daily digest: one per police officer and leader per day, counting for the units in their
charge (the unit and every unit under it): tips received in the last 24 hours, due soon,
overdue, and forwarded to them awaiting acceptance. Nobody gets an empty digest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from toandan.accounts.models import POLICE_ROLES, RoleAssignment
from toandan.audit.services import audit_record
from toandan.core.tasks import send_email_on_commit
from toandan.notifications.audit_actions import NotificationsAction
from toandan.notifications.services import Notice, notices_send, notifications_page_url
from toandan.orgs.models import OrgUnit
from toandan.tips.deadlines import LOCAL_TZ, due_date, end_of_day, local_date
from toandan.tips.handling.inbox import DUE_SOON_DAYS, deadline_running
from toandan.tips.handling.notices import (
    DEADLINE_SOON,
    DIGEST,
    OVERDUE,
    police_of_units,
    protection_sentence,
    tip_page_link,
)
from toandan.tips.handling.timeline import DUE_ARTICLES
from toandan.tips.models import OPEN_STATUSES, DailyDigest, DueKind, Reminder, Tip, TipStatus

OVERDUE_LOOKBACK_DAYS = 7
DIGEST_NEW_WINDOW = dt.timedelta(hours=24)


# --- Deadline reminders ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    tip_id: int
    link: str  # by register number: a reminder never carries the tip's public reference
    register_number: str
    kind: str  # DEADLINE_SOON or OVERDUE
    due_at: dt.datetime
    due_kind: str
    unit_id: int


@dataclass(frozen=True)
class ReminderRun:
    """What one run sent: tips reminded (by kind), notifications written, emails queued."""

    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0
    emails: int = 0


def _when(due_at: dt.datetime) -> str:
    """ "at the end of 03/12/2026" for a deadline in days, "at 14:30 on 03/12/2026" for one in
    hours (24 h and 48 h forwarding deadlines)."""
    local = due_at.astimezone(LOCAL_TZ)
    if local.time() == dt.time(0, 0):
        return _("at the end of %(date)s") % {"date": date_format(due_date(due_at), "d/m/Y")}
    return _("at %(time)s on %(date)s") % {
        "time": date_format(local, "H:i"),
        "date": date_format(local.date(), "d/m/Y"),
    }


def _deadline_name(due_kind: str) -> str:
    return str(DueKind(due_kind).label) if due_kind in DueKind.values else _("deadline")


def _reminder_title(due: _Due) -> str:
    values = {
        "number": due.register_number,
        "deadline": _deadline_name(due.due_kind),
        "when": _when(due.due_at),
    }
    if due.kind == OVERDUE:
        return _("Tip no. %(number)s is overdue: the deadline “%(deadline)s” ended %(when)s") % (
            values
        )
    return _("Tip no. %(number)s: the deadline “%(deadline)s” ends %(when)s") % values


def _reminder_body(due: _Due) -> str:
    article = DUE_ARTICLES.get(due.due_kind)
    text = _("Open the tip from your unit's list of tips to handle it.")
    if article is None:
        return text
    return _("Legal basis: %(article)s.") % {"article": article} + " " + text


def _due_tips(now: dt.datetime) -> list[_Due]:
    """Open tips whose deadline ends by the end of the third day from today and passed at most
    OVERDUE_LOOKBACK_DAYS ago, with the unit that must act (one indexed query)."""
    soon_limit = end_of_day(local_date(now) + dt.timedelta(days=DUE_SOON_DAYS))
    rows = (
        Tip.objects.filter(
            deadline_running(),
            status__in=OPEN_STATUSES,
            due_at__gte=now - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            due_at__lte=soon_limit,
        )
        .order_by("due_at", "pk")
        .values_list(
            "pk",
            "register_unit_id",
            "register_year",
            "register_seq",
            "register_number",
            "status",
            "due_at",
            "due_kind",
            "responsible_unit_id",
            "pending_unit_id",
        )
    )
    result = []
    for pk, unit, year, seq, number, status, due_at, due_kind, responsible, pending in rows:
        unit_id = pending if status == TipStatus.FORWARDED and pending else responsible
        if unit_id is None or due_at is None:
            continue
        kind = OVERDUE if due_at < now else DEADLINE_SOON
        link = tip_page_link(unit_id=unit, year=year, seq=seq)
        result.append(_Due(pk, link, number, kind, due_at, due_kind, unit_id))
    return result


def _not_yet_reminded(dues: Sequence[_Due]) -> list[_Due]:
    sent = set(
        Reminder.objects.filter(tip_id__in=[d.tip_id for d in dues]).values_list(
            "tip_id", "kind", "due_at"
        )
    )
    return [d for d in dues if (d.tip_id, d.kind, d.due_at) not in sent]


def _officers_by_unit(unit_ids: Iterable[int], today: dt.date) -> dict[int, list[tuple[int, str]]]:
    officers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for user_id, unit_id, email in police_of_units(list(unit_ids), today):
        officers[unit_id].append((user_id, email))
    return officers


@dataclass
class _Mailbox:
    email: str
    lines: list[str] = field(default_factory=list)
    soon: int = 0
    overdue: int = 0


def deadline_reminders_send(*, now: dt.datetime | None = None) -> ReminderRun:
    """Remind the unit that must act of each deadline ending within three days, and of each
    deadline that passed (BLTTHS Art. 146: forwarding; Art. 147: the 20-day decision; Art.
    147(2), 149: extended deadlines), once per tip and deadline. See the module docstring."""
    now = now or timezone.now()
    dues = _not_yet_reminded(_due_tips(now))
    if not dues:
        return ReminderRun()
    officers = _officers_by_unit({d.unit_id for d in dues}, local_date(now))
    # A tip whose unit has nobody to tell stays unreminded: the officer assigned later is told.
    dues = [d for d in dues if officers.get(d.unit_id)]
    if not dues:
        return ReminderRun()
    notifications: list[Notice] = []
    mailboxes: dict[int, _Mailbox] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for due in dues:
            title, body, link = (
                _reminder_title(due),
                _reminder_body(due),
                due.link,
            )
            for user_id, email in officers[due.unit_id]:
                # In the app one by one; by email one list per officer (below).
                notifications.append(
                    Notice(user_id=user_id, kind=due.kind, title=title, body=body, link=link)
                )
                if not email:
                    continue
                box = mailboxes.setdefault(user_id, _Mailbox(email))
                box.lines.append(f"- {title}.")
                if due.kind == OVERDUE:
                    box.overdue += 1
                else:
                    box.soon += 1
        emails = [_reminder_email(box) for box in mailboxes.values()]
    soon = sum(1 for d in dues if d.kind == DEADLINE_SOON)
    with transaction.atomic():
        Reminder.objects.bulk_create(
            Reminder(tip_id=d.tip_id, kind=d.kind, due_at=d.due_at, sent_at=now) for d in dues
        )
        notices_send(notices=notifications)
        audit_record(
            actor=None,
            action=NotificationsAction.REMINDERS_SEND,
            object_type="notifications.reminder",
            data={
                "due_soon": soon,
                "overdue": len(dues) - soon,
                "notifications": len(notifications),
                "emails": len(emails),
            },
        )
        for subject, body, to in emails:
            send_email_on_commit(subject=subject, body=body, to=[to])
    return ReminderRun(
        due_soon=soon,
        overdue=len(dues) - soon,
        notifications=len(notifications),
        emails=len(emails),
    )


def _reminder_email(box: _Mailbox) -> tuple[str, str, str]:
    subject = _("Tip deadlines: %(soon)s ending within %(days)s days, %(overdue)s overdue") % {
        "soon": box.soon,
        "days": DUE_SOON_DAYS,
        "overdue": box.overdue,
    }
    body = "\n\n".join(
        [
            "\n".join(box.lines),
            _("See your notifications: %(url)s") % {"url": notifications_page_url()},
            protection_sentence(),
        ]
    )
    return subject, body, box.email


# --- Daily digest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestCounts:
    new: int = 0
    due_soon: int = 0
    overdue: int = 0
    incoming: int = 0

    def __add__(self, other: DigestCounts) -> DigestCounts:
        return DigestCounts(
            self.new + other.new,
            self.due_soon + other.due_soon,
            self.overdue + other.overdue,
            self.incoming + other.incoming,
        )

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.due_soon or self.overdue or self.incoming)


@dataclass(frozen=True)
class DigestRun:
    digests: int = 0
    emails: int = 0


def _counts_by_unit(now: dt.datetime) -> dict[int, DigestCounts]:
    """Each unit's own counts (not those of the units under it), in three grouped queries."""
    soon_limit = end_of_day(local_date(now) + dt.timedelta(days=DUE_SOON_DAYS))
    counts: dict[int, DigestCounts] = defaultdict(DigestCounts)
    deadlines = (
        Tip.objects.filter(
            deadline_running(),
            status__in=OPEN_STATUSES,
            responsible_unit__isnull=False,
            due_at__lte=soon_limit,
        )
        .values("responsible_unit_id")
        .annotate(
            soon=Count("pk", filter=Q(due_at__gte=now)),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
        )
        .order_by()
    )
    for row in deadlines:
        counts[row["responsible_unit_id"]] += DigestCounts(
            due_soon=row["soon"], overdue=row["overdue"]
        )
    new = (
        Tip.objects.filter(received_at__gte=now - DIGEST_NEW_WINDOW, responsible_unit__isnull=False)
        .values("responsible_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in new:
        counts[row["responsible_unit_id"]] += DigestCounts(new=row["n"])
    incoming = (
        Tip.objects.filter(status=TipStatus.FORWARDED, pending_unit__isnull=False)
        .values("pending_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in incoming:
        counts[row["pending_unit_id"]] += DigestCounts(incoming=row["n"])
    return counts


def _rolled_up(counts: dict[int, DigestCounts]) -> dict[int, DigestCounts]:
    """Each unit's counts plus those of every unit under it (the materialised path lists a
    unit's ancestors, so one query for the paths is enough)."""
    totals: dict[int, DigestCounts] = defaultdict(DigestCounts)
    for unit_id, path in OrgUnit.objects.filter(pk__in=list(counts)).values_list("pk", "path"):
        for ancestor in path.strip("/").split("/"):
            if ancestor:
                totals[int(ancestor)] += counts[unit_id]
    return totals


def _police_staff(today: dt.date) -> dict[int, tuple[str, list[tuple[int, str]]]]:
    """user id -> (email, [(unit id, unit path)]) for every active police role held today in
    an open unit."""
    rows = (
        RoleAssignment.objects.filter(
            role__in=sorted(POLICE_ROLES), valid_from__lte=today, user__is_active=True
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .filter(Q(org_unit__valid_to__isnull=True) | Q(org_unit__valid_to__gte=today))
        .filter(Q(org_unit__valid_from__isnull=True) | Q(org_unit__valid_from__lte=today))
        .order_by("user_id", "org_unit__path")
        .values_list("user_id", "user__email", "org_unit_id", "org_unit__path")
    )
    staff: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for user_id, email, unit_id, path in rows:
        staff.setdefault(user_id, (email or "", []))[1].append((unit_id, path))
    return staff


def _outermost(units: Sequence[tuple[int, str]]) -> list[int]:
    """The units not under another of the list, so a unit is never counted twice."""
    kept: list[tuple[int, str]] = []
    for unit_id, path in sorted(set(units), key=lambda u: len(u[1])):
        if not any(path.startswith(p) for _u, p in kept):
            kept.append((unit_id, path))
    return [unit_id for unit_id, _p in kept]


def _dashboard_link() -> str:
    return reverse("tips:dashboard")


def digest_texts(day: dt.date, counts: DigestCounts) -> tuple[str, str, str]:
    """(notification title, notification body, email body) of a digest, in the active
    language."""
    values = {
        "date": date_format(day, "d/m/Y"),
        "new": counts.new,
        "soon": counts.due_soon,
        "overdue": counts.overdue,
        "incoming": counts.incoming,
        "days": DUE_SOON_DAYS,
    }
    title = (
        _(
            "Daily digest for %(date)s: %(new)s new, %(soon)s due within %(days)s days, "
            "%(overdue)s overdue, %(incoming)s awaiting acceptance"
        )
        % values
    )
    body = _("For the units in your charge. The dashboard shows the figures of each unit.")
    url = settings.TOANDAN_SITE_URL.rstrip("/") + _dashboard_link()
    email = "\n\n".join(
        [
            _("Daily digest for %(date)s, for the units in your charge.") % values,
            "\n".join(
                [
                    _("New tips (last 24 hours): %(new)s") % values,
                    _("Deadline within %(days)s days: %(soon)s") % values,
                    _("Overdue: %(overdue)s") % values,
                    _("Forwarded to your units, awaiting acceptance: %(incoming)s") % values,
                ]
            ),
            _("Dashboard: %(url)s") % {"url": url},
            protection_sentence(),
        ]
    )
    return title, body, email


def digests_send(*, now: dt.datetime | None = None) -> DigestRun:
    """Send today's digest to every police officer and leader who has something to hear about
    and has not had it yet (see the module docstring). A fixed number of queries, however many
    officers and units."""
    now = now or timezone.now()
    today = local_date(now)
    staff = _police_staff(today)
    already = set(
        DailyDigest.objects.filter(day=today, user_id__in=list(staff)).values_list(
            "user_id", flat=True
        )
    )
    pending = {user_id: v for user_id, v in staff.items() if user_id not in already}
    if not pending:
        return DigestRun()
    totals = _rolled_up(_counts_by_unit(now))
    notifications: list[Notice] = []
    digests: list[DailyDigest] = []
    emails: list[tuple[str, str, str]] = []
    link = _dashboard_link()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Daily digest for %(date)s") % {"date": date_format(today, "d/m/Y")}
        for user_id, (email, units) in pending.items():
            counts = sum((totals.get(u, DigestCounts()) for u in _outermost(units)), DigestCounts())
            if counts.is_empty:
                continue
            title, body, email_body = digest_texts(today, counts)
            notifications.append(
                Notice(
                    user_id=user_id,
                    kind=DIGEST,
                    title=title,
                    body=body,
                    link=link,
                )
            )
            digests.append(DailyDigest(user_id=user_id, day=today, sent_at=now))
            if email:
                emails.append((subject, email_body, email))
    if not digests:
        return DigestRun()
    with transaction.atomic():
        DailyDigest.objects.bulk_create(digests)
        notices_send(notices=notifications)
        audit_record(
            actor=None,
            action=NotificationsAction.DIGEST_SEND,
            object_type="notifications.dailydigest",
            data={"day": today.isoformat(), "digests": len(digests), "emails": len(emails)},
        )
        for subject_text, body_text, to in emails:
            send_email_on_commit(subject=subject_text, body=body_text, to=[to])
    return DigestRun(digests=len(digests), emails=len(emails))
