"""The audit actions of workdays: calendar changes saved or deleted.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class WorkdaysAction(StrEnum):
    CHANGE_SAVE = "workdays.change.save"
    CHANGE_DELETE = "workdays.change.delete"


register_actions("workdays", WorkdaysAction)
