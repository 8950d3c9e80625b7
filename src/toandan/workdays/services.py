"""Writes of the working-day calendar: an administrator records an announced change.

Deadlines computed before a change was announced may now end on another day (BLTTHS Art. 134:
a period in months that ends on a day off ends on the next working day). Domains that keep
deadlines register a hook here (in their AppConfig.ready, so this app imports none of them);
each hook recomputes what the changed days affect, in the same transaction as the change and
its audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from toandan.audit.services import audit_record
from toandan.workdays.audit_actions import WorkdaysAction
from toandan.workdays.models import CalendarChange, ChangeKind

# Called with (the days whose status changed, the administrator).
CalendarChangeHook = Callable[[list[dt.date], AbstractBaseUser | None], None]
CALENDAR_CHANGE_HOOKS: list[CalendarChangeHook] = []


def _changed(days: list[dt.date], actor: AbstractBaseUser | None) -> None:
    for hook in CALENDAR_CHANGE_HOOKS:
        hook(days, actor)


def calendar_change_save(
    *,
    actor: AbstractBaseUser | None,
    day: dt.date,
    kind: str,
    name: str,
    source: str,
    previous_day: dt.date | None = None,
) -> CalendarChange:
    """Record (or correct) the announced status of one day, with the document announcing it."""
    with transaction.atomic():
        change = CalendarChange.objects.select_for_update().filter(day=previous_day or day).first()
        before = (
            {"day": change.day.isoformat(), "kind": change.kind, "source": change.source}
            if change
            else None
        )
        change = change or CalendarChange()
        change.day, change.kind, change.name, change.source = day, kind, name, source
        change.full_clean()
        if kind not in ChangeKind.values:  # full_clean checks it too; keeps mypy honest
            raise ValueError(kind)
        change.save()
        # The hooks lock the rows they recompute before the audit chain is taken, the order
        # of every tip change (toandan.tips.handling.timeline.tip_act): no deadlock with an officer.
        _changed(sorted({day, previous_day or day}), actor)
        audit_record(
            actor=actor,
            action=WorkdaysAction.CHANGE_SAVE,
            target=change,
            data={"before": before, "day": day.isoformat(), "kind": kind, "source": source},
        )
    return change


def calendar_change_delete(*, actor: AbstractBaseUser | None, change: CalendarChange) -> None:
    """Withdraw an announced change: the day follows the fixed rules again."""
    with transaction.atomic():
        day = change.day
        data = {"day": day.isoformat(), "kind": change.kind, "source": change.source}
        pk = change.pk
        change.delete()
        _changed([day], actor)
        audit_record(
            actor=actor,
            action=WorkdaysAction.CHANGE_DELETE,
            object_type="workdays.calendarchange",
            object_id=str(pk),
            data=data,
        )
