"""Fill the first-action measures (0005) of the tips still held, so that the summary rows agree
with the tips before the next change of one of them subtracts what it counted (which would
otherwise leave a row below zero). Months whose tips the retention purge deleted keep 0: their
average time to the first action is unknown, not zero (no tip is counted either)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection as default_connection
from django.db import migrations

# On PostgreSQL the rows are filled by the database, set by set: updating them one by one took
# over ten minutes at 1,000,000 tips (about 1.6 million summary rows), hours at a country's size.
# The same arithmetic as `summary.first_action_measures` and `summary.month_of`: the month in
# Vietnam's time, whole hours rounded down, never below 0.
_GROUPED = """
CREATE TEMPORARY TABLE stats_first_action_backfill AS
SELECT (date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh'))::date AS month,
       province_id, COALESCE(commune_id, 0) AS commune_id, category_id, channel,
       COALESCE(union_branch_id, 0) AS union_unit_id, count(*) AS n,
       sum(GREATEST(floor(extract(epoch FROM first_action_at - received_at) / 3600), 0))::bigint
           AS hours
FROM tips_tip WHERE first_action_at IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6
"""
_UPDATES = (
    """UPDATE stats_tipfact f SET first_action = a.n, first_action_hours = a.hours
    FROM stats_first_action_backfill a
    WHERE f.month = a.month AND f.province_id = a.province_id AND f.commune_id = a.commune_id
      AND f.category_id = a.category_id AND f.channel = a.channel
      AND f.union_unit_id = a.union_unit_id""",
    """UPDATE stats_tipprovincefact f SET first_action = a.n, first_action_hours = a.hours
    FROM (SELECT month, province_id, category_id, sum(n) AS n, sum(hours) AS hours
          FROM stats_first_action_backfill GROUP BY 1, 2, 3) a
    WHERE f.month = a.month AND f.province_id = a.province_id AND f.category_id = a.category_id""",
    """UPDATE stats_tipcommunefact f SET first_action = a.n, first_action_hours = a.hours
    FROM (SELECT month, province_id, commune_id, sum(n) AS n, sum(hours) AS hours
          FROM stats_first_action_backfill GROUP BY 1, 2, 3) a
    WHERE f.month = a.month AND f.province_id = a.province_id AND f.commune_id = a.commune_id""",
    "DROP TABLE stats_first_action_backfill",
)


def forward(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection if schema_editor is not None else default_connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_GROUPED)
            for statement in _UPDATES:
                cursor.execute(statement)
        return
    _forward_in_python(apps)


def _forward_in_python(apps: Any) -> None:
    """Other databases (SQLite: an embedded installation's few thousand tips), row by row."""
    from toandan.stats.summary import first_action_measures, month_of

    tip = apps.get_model("tips", "Tip")
    fine: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        tip.objects.filter(first_action_at__isnull=False)
        .order_by()
        .values_list(
            "received_at",
            "first_action_at",
            "province_id",
            "commune_id",
            "category_id",
            "channel",
            "union_branch_id",
        )
    )
    for received, acted, province, commune, category, channel, union in rows.iterator(5000):
        measures = first_action_measures(received, acted)
        key = (month_of(received), province, commune or 0, category, channel, union or 0)
        fine[key][0] += measures["first_action"]
        fine[key][1] += measures["first_action_hours"]
    coarser: dict[str, dict[tuple[Any, ...], list[int]]] = {
        "TipProvinceFact": defaultdict(lambda: [0, 0]),
        "TipCommuneFact": defaultdict(lambda: [0, 0]),
    }
    for key, (count, hours) in fine.items():
        for name, coarse in (
            ("TipProvinceFact", (key[0], key[1], key[3])),
            ("TipCommuneFact", (key[0], key[1], key[2])),
        ):
            coarser[name][coarse][0] += count
            coarser[name][coarse][1] += hours
    columns = {
        "TipFact": (
            "month",
            "province_id",
            "commune_id",
            "category_id",
            "channel",
            "union_unit_id",
        ),
        "TipProvinceFact": ("month", "province_id", "category_id"),
        "TipCommuneFact": ("month", "province_id", "commune_id"),
    }
    for name, counts in (("TipFact", fine), *coarser.items()):
        model = apps.get_model("stats", name)
        for key, (count, hours) in counts.items():
            model.objects.filter(**dict(zip(columns[name], key, strict=True))).update(
                first_action=count, first_action_hours=hours
            )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0005_first_action_measures"),
        ("tips", "0011_message_link"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
