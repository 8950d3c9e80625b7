"""Indexes that every new tip updated and no query needed (the intake writes each index of its
rows while it holds the register's lock):

- the single-column indexes of foreign keys that lead a composite index already: five of the
  tip (province, commune, register_unit, responsible_unit, pending_unit) and its route's
  org_unit;
- on PostgreSQL, the prefix-search (`varchar_pattern_ops`) indexes that `unique=True` adds to
  `receipt_hash` and `register_number`: nothing searches them by prefix. Their uniqueness is
  now declared as constraints with the names it had, so the database keeps the same unique
  constraints and only the prefix indexes are dropped.
"""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The names Django gave them (derived from table and column, the same in every database).
PREFIX_INDEXES = {
    "tips_tip_receipt_hash_41b98c26_like": "receipt_hash",
    "tips_tip_register_number_40df8ac7_like": "register_number",
}


def drop_prefix_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # only PostgreSQL made them
    for name in PREFIX_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_prefix_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in PREFIX_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "tips_tip" ("{column}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0001_initial"),
        ("orgs", "0001_initial"),
        ("tips", "0011_message_link"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tip",
            name="commune",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.adminunit",
                verbose_name="commune",
            ),
        ),
        migrations.AlterField(
            model_name="tip",
            name="pending_unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pending_tips",
                to="orgs.orgunit",
                verbose_name="forwarded to",
            ),
        ),
        migrations.AlterField(
            model_name="tip",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="geo.adminunit",
                verbose_name="province",
            ),
        ),
        migrations.AlterField(
            model_name="tip",
            name="register_unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="registered_tips",
                to="orgs.orgunit",
                verbose_name="receiving unit",
            ),
        ),
        migrations.AlterField(
            model_name="tip",
            name="responsible_unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responsible_tips",
                to="orgs.orgunit",
                verbose_name="responsible unit",
            ),
        ),
        migrations.AlterField(
            model_name="tiproute",
            name="org_unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tip_routes",
                to="orgs.orgunit",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="tip",
                    name="receipt_hash",
                    field=models.CharField(max_length=64),
                ),
                migrations.AlterField(
                    model_name="tip",
                    name="register_number",
                    field=models.CharField(max_length=60, verbose_name="register number"),
                ),
                migrations.AddConstraint(
                    model_name="tip",
                    constraint=models.UniqueConstraint(
                        fields=("receipt_hash",), name="tips_tip_receipt_hash_key"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="tip",
                    constraint=models.UniqueConstraint(
                        fields=("register_number",), name="tips_tip_register_number_key"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_prefix_indexes, create_prefix_indexes),
            ],
        ),
    ]
