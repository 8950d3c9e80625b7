"""Notification kinds come from a registry (`toandan.notifications.kinds`), not choices; the
deadline reminders and daily digests (about tips) move to the tips app.

The move changes only Django's state: the tables `notifications_reminder` and
`notifications_dailydigest` stay where they are, with their rows, and `tips.Reminder` /
`tips.DailyDigest` name them with `db_table` (tips migration 0010).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_role_grant_kind"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=20, verbose_name="kind"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Reminder"),
                migrations.DeleteModel(name="DailyDigest"),
            ],
            database_operations=[],
        ),
    ]
