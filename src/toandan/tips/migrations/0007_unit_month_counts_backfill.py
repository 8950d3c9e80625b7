"""Count the tips recorded before `UnitMonthCount` existed (from then on, every tip change
keeps the counts current). The counting mirrors `toandan.tips.dashboard.unit_counts.tip_counts`, frozen
here so the migration does not change when the code does."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import migrations

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BANDS = (1, 2, 4, 8, 12, 24, 48, 72, 168)
BAND_COLUMNS = (*(f"first_action_{h}h" for h in BANDS), "first_action_later")


def _month(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date().replace(day=1)


def _band(delay: dt.timedelta) -> str:
    for hours, column in zip(BANDS, BAND_COLUMNS, strict=False):
        if delay <= dt.timedelta(hours=hours):
            return column
    return BAND_COLUMNS[-1]


def backfill(apps: Any, schema_editor: Any) -> None:
    Tip = apps.get_model("tips", "Tip")
    UnitMonthCount = apps.get_model("tips", "UnitMonthCount")
    counts: dict[tuple[int, dt.date], dict[str, int]] = {}

    def add(unit: int, moment: dt.datetime, name: str) -> None:
        row = counts.setdefault((unit, _month(moment)), {})
        row[name] = row.get(name, 0) + 1

    rows = Tip.objects.filter(responsible_unit__isnull=False).values_list(
        "responsible_unit_id",
        "received_at",
        "status",
        "concluded_at",
        "decided_in_time",
        "valuable",
        "first_action_at",
    )
    for unit, received, status, concluded, in_time, valuable, acted in rows.iterator(
        chunk_size=10_000
    ):
        add(unit, received, "received")
        if status == "concluded" and concluded is not None:
            add(unit, concluded, "concluded")
            if in_time is not None:
                add(unit, concluded, "decided")
                if in_time:
                    add(unit, concluded, "decided_in_time")
            if valuable is True:
                add(unit, concluded, "valuable")
        if acted is not None:
            add(unit, acted, "first_action_count")
            add(unit, acted, _band(acted - received))
    UnitMonthCount.objects.bulk_create(
        (
            UnitMonthCount(org_unit_id=unit, month=month, **measures)
            for (unit, month), measures in sorted(counts.items())
        ),
        batch_size=2000,
    )


def forget(apps: Any, schema_editor: Any) -> None:
    apps.get_model("tips", "UnitMonthCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tips", "0006_unit_month_counts")]

    operations = [migrations.RunPython(backfill, forget)]
