"""The audit actions of exports (their prefix is `export.`, as stored).

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class ExportsAction(StrEnum):
    JOB_CREATE = "export.job.create"
    JOB_DOWNLOAD = "export.job.download"


register_actions("exports", ExportsAction)
