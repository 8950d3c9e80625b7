"""The audit action of backup: a restore.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class BackupAction(StrEnum):
    RESTORE = "backup.restore"


register_actions("backup", BackupAction)
