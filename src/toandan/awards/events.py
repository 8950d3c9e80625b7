"""What happens in awards, as domain events other apps may subscribe to."""

from __future__ import annotations

from toandan.core.events import event_define

NOMINATION_STEPPED = event_define(
    "awards.nomination_stepped",
    "A nomination took a step of its workflow (submitted, forwarded, awarded, revoked ...).",
    payload="toandan.workflow.services.StepDone",
)
DECISION_ISSUED = event_define(
    "awards.decision_issued",
    "A commendation decision was issued.",
    payload="decision id (int)",
)
