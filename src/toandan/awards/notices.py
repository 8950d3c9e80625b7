"""Notifications of awards: who must act next on a nomination hears of it (in-app, and email
where they have an address), after the step commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toandan.accounts.models import Role
from toandan.accounts.selectors import role_assignments_in_unit
from toandan.awards.events import NOMINATION_STEPPED
from toandan.awards.models import Nomination
from toandan.core.events import subscribe
from toandan.notifications.kinds import kind_register
from toandan.notifications.services import Recipient, notify
from toandan.orgs.models import OrgUnit
from toandan.workflow.services import StepDone

NOMINATION_TO_HANDLE = kind_register("awards_nomination", gettext_lazy("Nomination to handle"))


def _recipients(units: Iterable[OrgUnit], roles: set[str]) -> list[Recipient]:
    found: dict[int, Recipient] = {}
    for unit in units:
        for assignment in role_assignments_in_unit(unit):
            if assignment.role in roles:
                found[assignment.user_id] = Recipient(assignment.user_id, assignment.user.email)
    return list(found.values())


def on_nomination_step(done: StepDone) -> None:
    nomination: Nomination = done.obj
    action = done.transition.action
    if action == "submit":
        recipients = _recipients(
            [nomination.province_unit], {Role.UNION_LEADER, Role.POLICE_LEADER}
        )
        title = _("A nomination was sent to your province: %(name)s")
    elif action == "forward":
        recipients = _recipients(nomination.campaign.organisers.all(), {Role.CAMPAIGN_ORGANISER})
        title = _("A nomination was forwarded to the centre: %(name)s")
    elif action in {"return", "send_back"}:
        recipients = _recipients(
            [nomination.unit], {Role.UNION_CADRE, Role.UNION_LEADER, Role.POLICE_LEADER}
        )
        title = _("A nomination was returned to your unit: %(name)s")
    else:
        return
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=recipients,
            kind=NOMINATION_TO_HANDLE,
            title=title % {"name": nomination.display_name},
            body=done.change.reason,
            link=reverse("awards:nomination", args=[nomination.pk]),
        )


def connect() -> None:
    subscribe(NOMINATION_STEPPED, on_nomination_step, when="on_commit")
