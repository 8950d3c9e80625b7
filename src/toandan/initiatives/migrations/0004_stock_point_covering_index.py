"""On PostgreSQL, the points' index also carries the counts (INCLUDE), so the counts on a date
are one index-only lookup per key. SQLite has no covering indexes: nothing to do there."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDEX = "initiatives_point_key_day_cover"


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON initiatives_stockpoint "
            "(key_id, day DESC) INCLUDE (models_count, sites, teams, members)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0003_stock_province_keys")]

    operations = [migrations.RunPython(create, drop)]
