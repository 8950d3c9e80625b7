"""Events of initiatives other apps may subscribe to (`toandan.core.events`)."""

from __future__ import annotations

from toandan.core.events import event_define

# Payload: toandan.workflow.services.StepDone (obj is the Initiative).
INITIATIVE_STEPPED = event_define(
    "initiatives.stepped",
    "a community model changed status (recognised, exemplary, dissolved, merged ...)",
    payload="toandan.workflow.services.StepDone",
)
# Payload: toandan.workflow.services.StepDone (obj is the Review).
REVIEW_STEPPED = event_define(
    "initiatives.review_stepped",
    "a yearly review of a community model was submitted, confirmed, returned or graded",
    payload="toandan.workflow.services.StepDone",
)
