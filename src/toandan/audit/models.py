"""The append-only audit log.

Each event carries the keyed hash (HMAC) of the one before it, so editing or deleting any event
breaks the chain from that point on; `toandan audit verify` walks it. The key lives outside the
database, so someone who can only write to the database cannot recompute a forged chain. The
database also refuses UPDATE and DELETE on the table (triggers in the migration).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    # Dense sequence, no gaps: a deleted event leaves a hole the verifier reports.
    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    # Actor copied by value, not a foreign key: a user deleted later must not rewrite history.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The single row holding the chain's last seq and hash.

    Writers lock it (SELECT ... FOR UPDATE) so concurrent transactions append one after another,
    and it lets the verifier notice that the newest events were deleted. Its `mac` is keyed
    with the chain's key (outside the database), so whoever deletes the newest events cannot
    point the head at the new last event; checkpoints kept outside the database
    (toandan.audit.services.audit_checkpoint_write) catch an older head put back whole.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    mac = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
