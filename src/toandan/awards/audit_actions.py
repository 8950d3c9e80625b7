"""The audit actions of awards. Values are stored in the audit chain: never change one."""

from __future__ import annotations

from enum import StrEnum

from toandan.audit.actions import register_actions


class AwardsAction(StrEnum):
    CAMPAIGN_CREATE = "awards.campaign.create"
    NOMINATION_CREATE = "awards.nomination.create"
    NOMINATION_UPDATE = "awards.nomination.update"
    NOMINATION_STEP = "awards.nomination.step"
    NOMINATION_RANK = "awards.nomination.rank"
    NOMINATION_CONSENT = "awards.nomination.consent"
    NOMINATION_FILE = "awards.nomination.file"
    TIPSTER_NOMINATE = "awards.nomination.tipster"
    COUNCIL_CREATE = "awards.council.create"
    RECUSAL_DECLARE = "awards.council.recusal"
    SCORE_RECORD = "awards.council.score"
    BALLOT_OPEN = "awards.ballot.open"
    BALLOT_CAST = "awards.ballot.cast"
    BALLOT_CLOSE = "awards.ballot.close"
    DECISION_ISSUE = "awards.decision.issue"
    AWARD_REVOKE = "awards.award.revoke"
    REFERENCE_EDIT = "awards.reference.edit"


register_actions("awards", AwardsAction)
