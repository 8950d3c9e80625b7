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
    ROLE_GRANT = "role_grant", _("Role waiting for a second administrator")


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


class Reminder(models.Model):
    """A deadline reminder that went out: one per tip, kind and deadline, so the hourly run
    tells the unit once that a deadline is near and once that it passed. A new deadline
    (acceptance after forwarding, extension, resumption) is a new `due_at` and gets its own."""

    tip = models.ForeignKey(
        "tips.Tip", on_delete=models.CASCADE, related_name="+", verbose_name=_("tip")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "kind", "due_at"], name="notifications_reminder_once"
            )
        ]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")

    def __str__(self) -> str:
        return f"{self.kind} {self.tip_id} {self.due_at:%Y-%m-%d %H:%M}"


class DailyDigest(models.Model):
    """The daily digest a staff member got on `day` (Vietnam date): at most one a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="notifications_digest_once")
        ]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.day}"
