"""Reads of workflow history."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from toandan.workflow.models import StateChange


def history_of(obj: models.Model) -> QuerySet[StateChange]:
    """The steps of one object, oldest first, with the actor (for the object's page)."""
    return StateChange.objects.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
    ).select_related("actor")
