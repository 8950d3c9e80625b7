"""Data: a listing rule below two reports (possible until now) is raised to two, before
0007 makes the floor a constraint. Not reversed: the old value was the defect."""

from typing import Any

from django.db import migrations


def raise_rules(apps: Any, schema_editor: Any) -> None:
    ListingRule = apps.get_model("antifraud", "ListingRule")
    ListingRule.objects.filter(reports_to_show__lt=2).update(reports_to_show=2)


class Migration(migrations.Migration):
    dependencies = [("antifraud", "0005_independent_reporters")]

    operations = [migrations.RunPython(raise_rules, migrations.RunPython.noop)]
