"""Fill the first-action measures (0005) of the tips still held, so that the summary rows agree
with the tips before the next change of one of them subtracts what it counted (which would
otherwise leave a row below zero). Months whose tips the retention purge deleted keep 0: their
average time to the first action is unknown, not zero (no tip is counted either)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
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
        "TipFact": ("month", "province_id", "commune_id", "category_id", "channel", "union_unit_id"),
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
