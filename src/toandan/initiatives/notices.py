"""Notifications of community models: the yearly review is due soon, or overdue.

Who is told: the union cadres and leaders (and police) holding a role in the model's host
unit. What a notice says: the model's name, the review year and the deadline; nothing else.
Sent by `toandan initiatives remind` (run daily), at most once per model, year and kind.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toandan.accounts.models import RoleAssignment
from toandan.initiatives.models import ENDED_STATUSES, Initiative, Review, ReviewStatus
from toandan.initiatives.policies import HOST_ROLES
from toandan.notifications.kinds import kind_register
from toandan.notifications.models import Notification
from toandan.notifications.services import Recipient, notify

# Stored codes: never renamed.
REVIEW_DUE_SOON = kind_register("review_due_soon", gettext_lazy("Model review due soon"))
REVIEW_OVERDUE = kind_register("review_overdue", gettext_lazy("Model review overdue"))


def _recipients(initiative: Initiative, day: dt.date) -> list[Recipient]:
    assignments = (
        RoleAssignment.objects.filter(
            org_unit_id=initiative.host_unit_id, role__in=list(HOST_ROLES), valid_from__lte=day
        )
        .exclude(valid_to__lt=day)
        .select_related("user")
    )
    seen: dict[int, Recipient] = {}
    for a in assignments:
        if a.user.is_active:
            seen[a.user_id] = Recipient(a.user_id, a.user.email or "")
    return list(seen.values())


def review_reminders_send(*, today: dt.date, year: int) -> int:
    """Tell the hosts of the models whose review of `year` is not submitted: "due soon" within
    the calendar's reminder days before the deadline, "overdue" after it. Returns how many
    notifications were written."""
    from toandan.initiatives.services import calendar_on, review_period

    calendar = calendar_on(dt.date(year, 11, 1))
    filed = set(
        Review.objects.filter(year=year)
        .exclude(status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        .values_list("initiative_id", flat=True)
    )
    sent = 0
    with transaction.atomic():
        for area_kind in ("residential", "commune", "agency"):
            _start, end, due = review_period(year, area_kind)
            if today > due:
                kind = REVIEW_OVERDUE
                title = _("The %(year)s review of “%(name)s” is overdue (due %(due)s).")
            elif (due - today).days <= calendar.remind_days_before:
                kind = REVIEW_DUE_SOON
                title = _("The %(year)s review of “%(name)s” is due on %(due)s.")
            else:
                continue
            models = (
                Initiative.objects.filter(area_kind=area_kind, started_on__lte=end)
                .exclude(status__in=list(ENDED_STATUSES))
                .exclude(pk__in=filed)
            )
            for initiative in models:
                link = reverse("initiatives:detail", args=[initiative.pk])
                recipients = [
                    r
                    for r in _recipients(initiative, today)
                    if not Notification.objects.filter(
                        user_id=r.user_id, kind=kind, link=link, title__contains=str(year)
                    ).exists()
                ]
                sent += notify(
                    recipients=recipients,
                    kind=kind,
                    title=title
                    % {"year": year, "name": initiative.name, "due": due.strftime("%d/%m/%Y")},
                    link=link,
                )
    return sent
