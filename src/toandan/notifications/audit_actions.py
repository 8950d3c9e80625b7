"""The audit actions of notifications (written by the reminder and digest runs in tips).

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class NotificationsAction(StrEnum):
    REMINDERS_SEND = "notifications.reminders.send"
    DIGEST_SEND = "notifications.digest.send"


register_actions("notifications", NotificationsAction)
