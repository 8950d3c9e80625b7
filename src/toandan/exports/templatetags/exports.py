"""`{% load exports %}{% export_buttons "stats.pivot" params %}`: the buttons that start a
background export of what a page shows, one per format its producer offers. Plain POST
buttons: they work without JavaScript."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder

from toandan.exports.models import ExportFormat
from toandan.exports.registry import get_producer

register = template.Library()


@register.inclusion_tag("exports/includes/export_buttons.html")
def export_buttons(kind: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    producer = get_producer(kind)
    offered = producer.formats if producer is not None else frozenset()
    return {
        "kind": kind,
        "params_json": json.dumps(params or {}, cls=DjangoJSONEncoder, ensure_ascii=False),
        "formats": [(value, label) for value, label in ExportFormat.choices if value in offered],
    }
