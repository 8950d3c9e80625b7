"""In-app notifications for staff: a line of text and a link, never the content of a case.

A notification tells a staff member that something needs them ("tip no. … arrived at your
unit"). What a case says stays in its own app, behind its access checks and audit: a
notification list, an email or a lock screen must not become a second place where it can be
read. The app that sends a notification words it (`toandan.notifications.services.notify`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from toandan.notifications.kinds import KIND_MAX_LENGTH, kind_label


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    # A code registered by the app that sent it (`toandan.notifications.kinds`).
    kind = models.CharField(_("kind"), max_length=KIND_MAX_LENGTH)
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
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
