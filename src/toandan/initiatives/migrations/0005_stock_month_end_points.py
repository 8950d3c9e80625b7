"""Month-end points of the communes' totals (`StockMonthEnds` says through which month end they
are kept), the points marked as communes' totals and, on PostgreSQL, a partial index of those
on the day carrying the key and the counts, so the counts of all communes on a date are one
index-only range. An empty stock starts with
them; an existing one keeps the lookup per key until the morning task (`initiatives.tasks`)
or a rebuild writes its month-end points."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations, models

INDEX = "initiatives_point_day_cover"


def create_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON initiatives_stockpoint "
            "(day) INCLUDE (key_id, models_count, sites, teams, members) WHERE commune_total"
        )


def start_month_ends(apps: Any, schema_editor: Any) -> None:
    """An empty stock has all its month-end points: they are kept from now on."""
    from django.utils import timezone

    if not apps.get_model("initiatives", "StockPoint").objects.exists():
        today = timezone.localdate()
        month_end = today if (today + dt.timedelta(days=1)).day == 1 else today.replace(day=1)
        if month_end != today:
            month_end -= dt.timedelta(days=1)
        apps.get_model("initiatives", "StockMonthEnds").objects.create(through=month_end)


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0004_stock_point_covering_index")]

    operations = [
        migrations.CreateModel(
            name="StockMonthEnds",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("through", models.DateField()),
            ],
        ),
        migrations.AddField(
            model_name="stockpoint",
            name="commune_total",
            field=models.BooleanField(default=False),
        ),
        migrations.RunSQL(
            "UPDATE initiatives_stockpoint SET commune_total = TRUE WHERE key_id IN ("
            "SELECT id FROM initiatives_stockkey "
            "WHERE commune_id IS NOT NULL AND theme_id IS NULL)",
            migrations.RunSQL.noop,
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(start_month_ends, migrations.RunPython.noop),
    ]
