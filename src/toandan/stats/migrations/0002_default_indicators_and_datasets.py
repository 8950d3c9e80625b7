"""The movement's default indicators and data sets (see toandan.stats.defaults)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from toandan.stats.defaults import DATASETS, INDICATORS, ensure_defaults


def forward(apps: Any, schema_editor: Any) -> None:
    ensure_defaults(
        apps.get_model("stats", "Indicator"),
        apps.get_model("stats", "DataSet"),
        apps.get_model("stats", "DataElement"),
        apps.get_model("stats", "ValidationRule"),
    )


def backward(apps: Any, schema_editor: Any) -> None:
    dataset = apps.get_model("stats", "DataSet")
    indicator = apps.get_model("stats", "Indicator")
    # Data sets with reports stay (PROTECT would refuse anyway): figures are never dropped.
    dataset.objects.filter(code__in=[s.code for s in DATASETS], reports__isnull=True).delete()
    codes = [s.code for s in INDICATORS]
    # Formulas before their parts.
    indicator.objects.filter(code__in=codes, source="formula").delete()
    indicator.objects.filter(code__in=codes, elements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_summary_indicators_reports")]

    operations = [migrations.RunPython(forward, backward)]
