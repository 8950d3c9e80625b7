"""The nomination's workflow, written once: commune or branch → province → centre → decision.

Law 06/2022/QH15 Art. 84 (the dossier goes up level by level) and Decree 152/2025 Art. 4
(a pending discipline, inspection or complaint freezes the nomination: `freeze`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from toandan.awards.models import NominationStatus as S
from toandan.awards.policies import may_consolidate, may_decide, may_file, may_freeze
from toandan.workflow.machine import Machine, Transition

NOMINATION = Machine(
    "awards.nomination",
    states=S,
    transitions=[
        Transition(
            "submit",
            sources={S.DRAFT, S.RETURNED},
            target=S.SUBMITTED,
            by="unit",
            label=_("Send to the province"),
        ),
        Transition(
            "forward",
            sources={S.SUBMITTED},
            target=S.FORWARDED,
            by="province",
            label=_("Forward to the centre"),
        ),
        Transition(
            "return",
            sources={S.SUBMITTED},
            target=S.RETURNED,
            by="province",
            reason="required",
            label=_("Return to the unit"),
        ),
        Transition(
            "receive",
            sources={S.FORWARDED},
            target=S.RECEIVED,
            by="centre",
            label=_("Receive"),
        ),
        Transition(
            "send_back",
            sources={S.FORWARDED, S.RECEIVED},
            target=S.RETURNED,
            by="centre",
            reason="required",
            label=_("Send back"),
        ),
        Transition("award", sources={S.RECEIVED}, target=S.AWARDED, by="centre"),
        Transition("decline", sources={S.RECEIVED}, target=S.NOT_AWARDED, by="centre"),
        Transition("revoke", sources={S.AWARDED}, target=S.REVOKED, by="centre", reason="required"),
        Transition(
            "freeze",
            sources={S.DRAFT, S.SUBMITTED, S.FORWARDED, S.RECEIVED},
            target=None,
            by="freezer",
            reason="required",
            label=_("Freeze (pending discipline or complaint)"),
        ),
        Transition(
            "unfreeze",
            sources={S.DRAFT, S.SUBMITTED, S.FORWARDED, S.RECEIVED},
            target=None,
            by="freezer",
            reason="required",
            label=_("Lift the freeze"),
        ),
    ],
    policies={
        "unit": may_file,
        "province": may_consolidate,
        "centre": may_decide,
        "freezer": may_freeze,
    },
)

# Steps a person takes from the nomination's page (award/decline come with the decision and
# revoke with the revocation of a certificate).
PAGE_ACTIONS = ("submit", "forward", "return", "receive", "send_back", "freeze", "unfreeze")
