"""Data: links confirmed before redaction existed lose their victims' data
(`toandan.identifiers.links.redact_url`): value, display and digests recomputed. A link whose
redacted form another row of the same source already holds is left as it is (its reports
would have to merge: an officer's decision); exports redact it on the way out all the same.
Not reversed: the old values were the defect."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.db import migrations


def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def forwards(apps: Any, schema_editor: Any) -> None:
    from toandan.antifraud.hashing import configured_range_key
    from toandan.identifiers.links import redacted
    from toandan.identifiers import Identifier, Kind

    Indicator = apps.get_model("antifraud", "Indicator")
    RangeKey = apps.get_model("antifraud", "RangeKey")
    keys = list(RangeKey.objects.order_by("-version")[:2])
    current = bytes.fromhex(keys[0].key_hex) if keys else configured_range_key()
    previous = (
        bytes.fromhex(keys[1].key_hex) if len(keys) > 1 and keys[1].retired_after else None
    )
    for row in Indicator.objects.filter(kind=Kind.URL.value).iterator():
        clean = redacted(Identifier(Kind.URL, row.value, row.display))
        if clean.value == row.value:
            continue
        taken = Indicator.objects.filter(kind=row.kind, value=clean.value, source=row.source)
        if taken.exclude(pk=row.pk).exists():
            continue
        row.value = clean.value
        row.display = clean.display
        row.digest = _digest(current, row.kind, clean.value)
        if row.digest_previous and previous is not None:
            row.digest_previous = _digest(previous, row.kind, clean.value)
        row.save(update_fields=["value", "display", "digest", "digest_previous"])


class Migration(migrations.Migration):
    dependencies = [("antifraud", "0008_range_key_rotation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
