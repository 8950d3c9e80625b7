"""In-app notifications for staff: a line of text and a link, never the content of a tip.

A notification tells an officer that something needs them ("tip no. … arrived at your unit").
What the tip says stays in the tip, behind its access checks and audit: a notification list,
an email or a lock screen must not become a second place where tip content can be read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TIP_RECEIVED = "tip_received", _("New tip")
    TIPSTER_REPLIED = "tipster_replied", _("Tipster replied")
    TIP_FORWARDED = "tip_forwarded", _("Tip forwarded to your unit")
    TIP_MOVED = "tip_moved", _("Tip sent back or re-routed")
    DEADLINE_SOON = "deadline_soon", _("Deadline in 3 days")
    OVERDUE = "overdue", _("Deadline passed")
    DIGEST = "digest", _("Daily digest")
    IDENTITY_REVEAL = "identity_reveal", _("Tipster identity revealed")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # A path inside the site ("/tips/staff/…"), never an outside address.
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
