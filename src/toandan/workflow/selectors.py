"""Reads of workflow history."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import QuerySet

from toandan.workflow.models import StateChange


def history_of(obj: models.Model) -> QuerySet[StateChange]:
    """The steps of one object, oldest first, with the actor (for the object's page)."""
    return StateChange.objects.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
    ).select_related("actor")


def state_on(obj: models.Model, day: dt.date) -> str | None:
    """The state the object was in at the end of `day` by the steps' effective dates (the
    date of the step where no effective date was given), or None before its first step."""
    last = None
    for change in history_of(obj):
        when = change.effective_on or change.at.date()
        if when <= day:
            last = change.to_state
    return last
