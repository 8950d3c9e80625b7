"""The state machines of a community model and of its yearly review (`toandan.workflow`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.initiatives import policies
from toandan.initiatives.models import ReviewStatus, Status
from toandan.workflow.machine import NEW, Machine, Transition

_RUNNING = {Status.PROPOSED, Status.PILOTED, Status.RECOGNISED, Status.ACTIVE, Status.CONSOLIDATING}

INITIATIVE = Machine(
    "initiatives.initiative",
    states=Status,
    transitions=[
        Transition("register", sources={NEW}, target=Status.PROPOSED, by="host"),
        Transition(
            "pilot",
            sources={Status.PROPOSED},
            target=Status.PILOTED,
            by="host",
            reason="optional",
            label=_("Start the pilot"),
        ),
        Transition(
            "recognise",
            sources={Status.PROPOSED, Status.PILOTED},
            target=Status.RECOGNISED,
            by="province",
            reason="optional",
            label=_("Recognise"),
        ),
        Transition(
            "activate",
            sources={Status.RECOGNISED, Status.CONSOLIDATING},
            target=Status.ACTIVE,
            by="host",
            reason="optional",
            label=_("Mark as active"),
        ),
        Transition(
            "consolidate",
            sources={Status.ACTIVE, Status.RECOGNISED},
            target=Status.CONSOLIDATING,
            by="police",
            reason="required",
            label=_("Put under consolidation"),
        ),
        Transition(
            "mark_exemplary",
            sources={Status.RECOGNISED, Status.ACTIVE},
            target=None,
            by="province",
            reason="optional",
            label=_("Mark as exemplary"),
        ),
        Transition(
            "dissolve",
            sources=_RUNNING,
            target=Status.DISSOLVED,
            by="police",
            reason="required",
            label=_("Dissolve"),
        ),
        Transition(
            "merge",
            sources=_RUNNING,
            target=Status.MERGED,
            by="police",
            reason="required",
            label=pgettext_lazy("initiative action", "Merge into another model"),
        ),
    ],
    policies={
        "host": policies.may_edit,
        "police": policies.may_police,
        "province": policies.may_province,
    },
)

REVIEW = Machine(
    "initiatives.review",
    states=ReviewStatus,
    transitions=[
        Transition(
            "submit",
            sources={ReviewStatus.DRAFT, ReviewStatus.RETURNED},
            target=ReviewStatus.SUBMITTED,
            by="host",
            label=pgettext_lazy("review action", "Submit"),
        ),
        Transition(
            "confirm",
            sources={ReviewStatus.SUBMITTED},
            target=ReviewStatus.CONFIRMED,
            by="police",
            reason="optional",
            label=_("Confirm"),
        ),
        Transition(
            "return",
            sources={ReviewStatus.SUBMITTED},
            target=ReviewStatus.RETURNED,
            by="police",
            reason="required",
            label=_("Return with a reason"),
        ),
        Transition(
            "grade",
            sources={ReviewStatus.CONFIRMED},
            target=ReviewStatus.GRADED,
            by="province",
            reason="optional",
            label=_("Grade"),
        ),
        Transition(
            "return_to_host",
            sources={ReviewStatus.CONFIRMED},
            target=ReviewStatus.RETURNED,
            by="province",
            reason="required",
            label=_("Return with a reason"),
        ),
    ],
    policies={
        "host": policies.may_file_review,
        "police": policies.may_confirm_review,
        "province": policies.may_grade_review,
    },
)
