"""The audit actions of initiatives. Values are stored in the audit chain: never change one."""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class InitiativesAction(StrEnum):
    REGISTER = "initiatives.initiative.register"
    STEP = "initiatives.initiative.step"
    SITE_ADD = "initiatives.site.add"
    TEAM_ADD = "initiatives.team.add"
    TEAM_END = "initiatives.team.end"
    CHANNEL_ADD = "initiatives.channel.add"
    REVIEW_FILE = "initiatives.review.file"
    REVIEW_STEP = "initiatives.review.step"
    IMPORT = "initiatives.import"
    BULK_LOAD = "initiatives.bulk_load"
    REFERENCE_SAVE = "initiatives.reference.save"


register_actions("initiatives", InitiativesAction)
