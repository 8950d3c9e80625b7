"""The announced changes table, loaded with the swaps and extra days off of 2019–2027
(`toandan.workdays.announced`). Loading is idempotent: a day already recorded (by an
administrator, say) is left as it is. The reverse removes only the rows loaded here, unchanged."""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from toandan.workdays.announced import ANNOUNCED

    change = apps.get_model("workdays", "CalendarChange")
    existing = set(change.objects.values_list("day", flat=True))
    change.objects.bulk_create(
        [
            change(day=day, kind=kind, name=name, source=source)
            for day, kind, name, source in ANNOUNCED
            if day not in existing
        ]
    )


def unload(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from toandan.workdays.announced import ANNOUNCED

    change = apps.get_model("workdays", "CalendarChange")
    for day, kind, name, source in ANNOUNCED:
        change.objects.filter(day=day, kind=kind, name=name, source=source).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="CalendarChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True, verbose_name="day")),
                (
                    "kind",
                    models.CharField(
                        choices=[("day_off", "Day off"), ("working_day", "Working day")],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("source", models.CharField(max_length=400, verbose_name="legal source")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
            ],
            options={
                "verbose_name": "announced calendar change",
                "verbose_name_plural": "announced calendar changes",
                "ordering": ["day"],
            },
        ),
        migrations.RunPython(load, unload),
    ]
