"""Tell who must know that a role reading tips or revealing tipsters was asked for: the
police leaders over the unit, who answer for who reads its tips, and the other
administrators, one of whom must approve it (`toandan.accounts.grants`).

A notification names the person, the role and the unit; nothing about any tip.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toandan.accounts.models import Role, RoleAssignment, RoleGrant, User
from toandan.notifications.kinds import kind_register
from toandan.notifications.services import Notice, notices_send

# The kind of notification the accounts app sends (a stored code: never renamed).
ROLE_GRANT_KIND = kind_register(
    "role_grant", gettext_lazy("Role waiting for a second administrator")
)


def _unit_and_above(path: str) -> list[str]:
    """ "/1/40/812/" → ["/1/", "/1/40/", "/1/40/812/"]: the unit and the units above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _leaders_over(grants: Sequence[RoleGrant]) -> dict[int, tuple[str, set[int]]]:
    """user id → (email, ids of the grants whose unit is the leader's unit or under it)."""
    today = timezone.localdate()
    paths = {p for grant in grants for p in _unit_and_above(grant.org_unit.path)}
    rows = (
        RoleAssignment.objects.filter(
            role=Role.POLICE_LEADER,
            org_unit__path__in=sorted(paths),
            valid_from__lte=today,
            user__is_active=True,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list("user_id", "user__email", "org_unit__path")
    )
    leaders: dict[int, tuple[str, set[int]]] = {}
    for user_id, email, path in rows:
        under = {g.pk for g in grants if g.org_unit.path.startswith(path)}
        leaders.setdefault(int(user_id), (str(email or ""), set()))[1].update(under)
    return leaders


def _administrators() -> dict[int, str]:
    today = timezone.localdate()
    holders = (
        RoleAssignment.objects.filter(role=Role.SYSTEM_ADMIN, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values("user_id")
    )
    rows = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(pk__in=holders))
        .values_list("pk", "email")
    )
    return {int(user_id): str(email or "") for user_id, email in rows}


def _title(grants: Sequence[RoleGrant]) -> str:
    first = grants[0]
    who = first.requested_by.get_full_name() if first.requested_by else _("the command line")
    if len(grants) == 1:
        return _("%(who)s asks to give %(person)s the role %(role)s in %(unit)s") % {
            "who": who,
            "person": first.user.get_full_name(),
            "role": first.get_role_display(),
            "unit": first.org_unit.name,
        }
    return _("%(who)s asks to give %(n)d people roles that open tips") % {
        "who": who,
        "n": len(grants),
    }


def notify_role_grants_requested(grants: Sequence[RoleGrant]) -> None:
    """In the caller's transaction: tell the police leaders of each grant's unit and of the
    units above it, and the administrators who may approve, that the roles were asked for,
    once per person. Neither the one who asked nor a person a role is for is told by this."""
    if not grants:
        return
    skip = {grant.requested_by_id for grant in grants} | {grant.user_id for grant in grants}
    by_id = {grant.pk: grant for grant in grants}
    try:
        admin_link = reverse("admin:accounts_rolegrant_changelist") + "?status__exact=pending"
    except NoReverseMatch:
        admin_link = ""
    notices: list[Notice] = []
    with translation.override(settings.LANGUAGE_CODE):
        leader_body = _(
            "This role opens tips. It is given only when another administrator approves it; "
            "if it should not be given, tell your system administrators."
        )
        admin_body = _(
            "Approve or refuse it in the administration, under Role grants. The "
            "administrator who asked cannot approve it."
        )
        told: set[int] = set()
        for user_id, (email, grant_ids) in sorted(_leaders_over(grants).items()):
            if user_id in skip or not grant_ids:
                continue
            title = _title([by_id[pk] for pk in sorted(grant_ids)])
            notices.append(_notice(user_id, email, title, leader_body, ""))
            told.add(user_id)
        title = _title(grants)
        for user_id, email in sorted(_administrators().items()):
            if user_id in skip or user_id in told:
                continue
            notices.append(_notice(user_id, email, title, admin_body, admin_link))
    notices_send(notices=notices)


def _notice(user_id: int, email: str, title: str, body: str, link: str) -> Notice:
    return Notice(
        user_id=user_id,
        kind=ROLE_GRANT_KIND,
        title=title,
        body=body,
        link=link,
        email=email,
        email_subject=title,
        email_body=f"{title}.\n\n{body}",
    )
