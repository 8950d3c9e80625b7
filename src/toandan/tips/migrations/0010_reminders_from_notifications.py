"""The deadline reminders and daily digests, moved from the notifications app (notifications
migration 0005) without touching their tables: `db_table` keeps the names they had, so the
rows stay and nothing is copied."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0009_category_seriousness"),
        ("notifications", "0005_kinds_registered_reminders_to_tips"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=20, verbose_name="kind")),
                        ("due_at", models.DateTimeField(verbose_name="due at")),
                        ("sent_at", models.DateTimeField(verbose_name="sent at")),
                        (
                            "tip",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tips.tip",
                                verbose_name="tip",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "deadline reminder",
                        "verbose_name_plural": "deadline reminders",
                        "db_table": "notifications_reminder",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("tip", "kind", "due_at"),
                                name="notifications_reminder_once",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DailyDigest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("day", models.DateField(verbose_name="day")),
                        ("sent_at", models.DateTimeField(verbose_name="sent at")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "daily digest",
                        "verbose_name_plural": "daily digests",
                        "db_table": "notifications_dailydigest",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "day"), name="notifications_digest_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
