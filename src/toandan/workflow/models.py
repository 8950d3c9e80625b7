"""The history of every workflow object: one row per step, in the transaction of the step.

The audit chain records the same step for accountability; this table is what a page shows
("recognised on 12/03/2021 by Công an tỉnh …, decision 45/QĐ-CAT") and what a count "as of a
date" reads, so it is queryable by object and by date, which the append-only chain is not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StateChange(models.Model):
    machine = models.CharField(max_length=60)
    object_type = models.CharField(max_length=80)  # "<app_label>.<model>"
    object_id = models.CharField(max_length=40)
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The unit the actor acted for, as text: history outlives reorganisations.
    actor_unit = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    # The document the step rests on (a decision number and date, a file reference).
    document = models.CharField(max_length=255, blank=True)
    # The date the step takes effect (a recognition decision's date), may precede `at`.
    effective_on = models.DateField(null=True, blank=True)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("at", "id")
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="wf_change_object")]

    def __str__(self) -> str:
        return (
            f"{self.object_type}#{self.object_id} {self.action}: {self.from_state}→{self.to_state}"
        )
