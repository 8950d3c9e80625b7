"""No foreign-key constraint on a tip's band rows: each of a new tip's 32 rows fired a deferred
check of the tip at COMMIT, under the register's lock (about 0.15 ms a tip here). The rows are
written in the tip's own transaction and deleted with it by the ORM's cascade; the index on
`tip_id` stays for that delete."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tips", "0012_tip_indexes_intake_pays_for"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tipband",
            name="tip",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="tips.tip",
            ),
        ),
    ]
