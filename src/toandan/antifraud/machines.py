"""The state machines of antifraud (`toandan.workflow`): indicators and appeals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from toandan.antifraud import policies
from toandan.antifraud.models import AppealStatus, IndicatorStatus
from toandan.workflow.machine import NEW, Machine, Transition

S = IndicatorStatus

INDICATOR = Machine(
    "antifraud.indicator",
    states=IndicatorStatus,
    transitions=[
        Transition("confirm", sources={NEW}, target=S.REPORTED, by="officer",
                   label=_("Confirm as the fraudster's")),
        Transition("verify", sources={S.REPORTED}, target=S.VERIFIED, by="verifier",
                   label=_("Verify (second officer)")),
        Transition("reject", sources={S.REPORTED}, target=S.DELISTED, by="manager",
                   reason="required", label=_("Reject")),
        Transition("delist", sources={S.VERIFIED}, target=S.DELISTED, by="manager",
                   reason="required", label=_("Delist")),
        Transition("expire", sources={S.REPORTED, S.VERIFIED}, target=S.EXPIRED, by="system"),
        Transition("reopen", sources={S.EXPIRED}, target=S.REPORTED, by="system"),
        Transition("relist", sources={S.DELISTED}, target=S.REPORTED, by="manager",
                   reason="required", label=_("List again for verification")),
    ],
    policies={
        "officer": policies.may_confirm,
        "verifier": policies.may_verify,
        "manager": policies.may_manage,
        "system": policies.is_system,
    },
)  # fmt: skip

APPEAL = Machine(
    "antifraud.appeal",
    states=AppealStatus,
    transitions=[
        Transition("submit", sources={NEW}, target=AppealStatus.SUBMITTED, by="anyone"),
        Transition("uphold", sources={AppealStatus.SUBMITTED}, target=AppealStatus.UPHELD,
                   by="decider", reason="required", label=_("Uphold and delist")),
        Transition("reject", sources={AppealStatus.SUBMITTED}, target=AppealStatus.REJECTED,
                   by="decider", reason="required", label=_("Reject the appeal")),
    ],
    policies={"anyone": lambda user, obj: True, "decider": policies.may_decide_appeal},
)  # fmt: skip
