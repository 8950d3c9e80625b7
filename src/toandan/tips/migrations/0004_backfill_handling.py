"""Tips recorded before the legal timeline existed: the unit with the primary route becomes
responsible, the clock starts at receipt, and open tips get their forwarding deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import migrations

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _forward_due(received_at: dt.datetime, *, urgent: bool, remote: bool) -> dt.datetime:
    # Mirrors toandan.tips.handling.timeline.forward_due with the default settings, frozen here so the
    # migration does not change when the code does.
    if urgent:
        return received_at + dt.timedelta(hours=48 if remote else 24)
    day = received_at.astimezone(LOCAL_TZ).date() + dt.timedelta(days=8)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LOCAL_TZ)


def backfill(apps: Any, schema_editor: Any) -> None:
    Tip = apps.get_model("tips", "Tip")
    TipRoute = apps.get_model("tips", "TipRoute")
    primary = dict(
        TipRoute.objects.filter(role="primary", active=True).values_list("tip_id", "org_unit_id")
    )
    for tip in Tip.objects.select_related("category", "register_unit").iterator():
        tip.responsible_unit_id = primary.get(tip.pk, tip.register_unit_id)
        tip.clock_started_at = tip.received_at
        if tip.status in {"received", "checking"}:
            tip.due_at = _forward_due(
                tip.received_at,
                urgent=tip.category.is_serious,
                remote=tip.register_unit.is_remote,
            )
            tip.due_kind = "forward"
        tip.save(update_fields=["responsible_unit", "clock_started_at", "due_at", "due_kind"])


class Migration(migrations.Migration):
    dependencies = [("tips", "0003_handling")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
