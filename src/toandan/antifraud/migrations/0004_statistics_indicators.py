"""The statistics indicators of the "antifraud" source (`toandan.stats.sources.antifraud`):
written here, with the app whose tables they count, so that the stats app's own migrations
stay its own. Reversible: the rows are removed on the way back."""

from __future__ import annotations

from typing import Any

from django.db import migrations

INDICATORS = [
    ("fraud_reports", "Số báo cáo lừa đảo được xác nhận", "Fraud reports confirmed", 500),
    ("fraud_losses_vnd", "Thiệt hại do lừa đảo được báo (đồng)", "Fraud losses reported (VND)", 501),
    ("fraud_verified", "Số dấu hiệu lừa đảo được xác minh", "Fraud indicators verified", 502),
    ("fraud_lookups", "Số lượt tra cứu lừa đảo", "Fraud checks made", 503),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("stats", "Indicator")
    for code, name_vi, name_en, order in INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "source": "antifraud",
                "aggregation": "sum",
                "order": order,
            },
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("stats", "Indicator").objects.filter(
        code__in=[code for code, *_rest in INDICATORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("antifraud", "0003_warnings"),
        ("stats", "0003_commune_summary"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
