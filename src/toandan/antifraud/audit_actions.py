"""The audit actions of antifraud. Values are stored in the audit chain: never change one."""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class AntifraudAction(StrEnum):
    REPORT_CONFIRM = "antifraud.report.confirm"
    INDICATOR_VERIFY = "antifraud.indicator.verify"
    INDICATOR_REJECT = "antifraud.indicator.reject"
    INDICATOR_DELIST = "antifraud.indicator.delist"
    INDICATOR_EXPIRE = "antifraud.indicator.expire"
    INDICATOR_REOPEN = "antifraud.indicator.reopen"
    INDICATOR_RELIST = "antifraud.indicator.relist"
    INDICATORS_IMPORT = "antifraud.indicators.import"
    APPEAL_SUBMIT = "antifraud.appeal.submit"
    APPEAL_UPHOLD = "antifraud.appeal.uphold"
    APPEAL_REJECT = "antifraud.appeal.reject"
    WARNING_CREATE = "antifraud.warning.create"
    WARNING_PUBLISH = "antifraud.warning.publish"
    RANGE_KEY_ROTATE = "antifraud.range_key.rotate"
    RANGE_KEY_RETIRE = "antifraud.range_key.retire"
    # Edits in the admin.
    SCAM_TYPE_SAVE = "antifraud.scam_type.save"
    LISTING_RULE_SAVE = "antifraud.listing_rule.save"
    OFFICIAL_ENTRY_SAVE = "antifraud.official_entry.save"
    OFFICIAL_ENTRY_DELETE = "antifraud.official_entry.delete"


register_actions("antifraud", AntifraudAction)
