"""The chain head gets a keyed MAC; an existing head is sealed with the current chain key."""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def seal_head(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from toandan.audit.services import head_mac

    head_model = apps.get_model("audit", "AuditHead")
    for head in head_model.objects.using(schema_editor.connection.alias).all():
        head.mac = head_mac(head.last_seq, head.last_hash)
        head.save(update_fields=["mac"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [
        migrations.AddField(
            model_name="audithead",
            name="mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(seal_head, migrations.RunPython.noop),
    ]
