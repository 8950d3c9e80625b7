"""The audit actions of orgs: units created, changed (views and admin alike), closed, synced.

Values are the strings stored in the audit chain: never change one (see toandan.audit.actions).
"""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class OrgsAction(StrEnum):
    UNIT_CREATE = "orgs.unit.create"
    UNIT_UPDATE = "orgs.unit.update"
    UNITS_SYNC = "orgs.units.sync"


register_actions("orgs", OrgsAction)
