"""Staff accounts, the roles they hold in organisation units, API tokens and login throttling.

Citizens never have an account. A role is held in an organisation unit for a period; the
user's jurisdiction is that unit's subtree (see `toandan.accounts.selectors`).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.orgs.models import OrgKind, OrgUnit


class Role(models.TextChoices):
    UNION_CADRE = "union_cadre", _("Union cadre")
    UNION_LEADER = "union_leader", _("Union leader")
    POLICE_OFFICER = "police_officer", _("Police officer")
    POLICE_LEADER = "police_leader", _("Police leader")
    CAMPAIGN_ORGANISER = "campaign_organiser", _("Campaign organiser")
    REVIEWER = "reviewer", _("Review council member")
    ANALYST = "analyst", _("Statistics analyst")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    # A police officer designated to hold tipster identities (BLTTHS Art. 56): may reveal
    # contact details like a leader, with a reason. Held together with police_officer.
    IDENTITY_CUSTODIAN = "identity_custodian", _("Identity custodian")


POLICE_ROLES = frozenset({Role.POLICE_OFFICER.value, Role.POLICE_LEADER.value})
UNION_ROLES = frozenset({Role.UNION_CADRE.value, Role.UNION_LEADER.value})
# Who must enrol TOTP when TOANDAN_POLICE_2FA_REQUIRED is on: the police (they can open tips)
# and system administrators (they can give anyone any role).
# Who may ask to see a tipster's contact details (always with a reason, always audited).
REVEAL_ROLES = frozenset({Role.POLICE_LEADER.value, Role.IDENTITY_CUSTODIAN.value})
TWO_FACTOR_ROLES = POLICE_ROLES | REVEAL_ROLES | {Role.SYSTEM_ADMIN.value}
# Roles that open what tipsters sent (police officers and leaders: the tip lists, tip pages and
# files) or who sent it (leaders and identity custodians: reveals). Giving one of them is a
# pending grant until a second administrator approves it (`toandan.accounts.grants`): one
# administrator alone must not be able to read every tip, least of all by granting to itself.
GRANT_APPROVAL_ROLES = POLICE_ROLES | REVEAL_ROLES

# Roles that only make sense in one kind of unit; the others may be held anywhere.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    Role.POLICE_OFFICER: frozenset({OrgKind.POLICE.value}),
    Role.POLICE_LEADER: frozenset({OrgKind.POLICE.value}),
    Role.IDENTITY_CUSTODIAN: frozenset({OrgKind.POLICE.value}),
    Role.UNION_CADRE: frozenset({OrgKind.WOMENS_UNION.value}),
    Role.UNION_LEADER: frozenset({OrgKind.WOMENS_UNION.value}),
}


class User(AbstractUser):
    """Staff account. Citizens never have one."""

    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=150, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # The TOTP secret, encrypted (toandan.accounts.crypto). It is shown once, at enrolment.
    totp_secret_encrypted = models.TextField(blank=True, default="", editable=False)
    totp_confirmed_at = models.DateTimeField(
        _("two-factor enrolled at"), null=True, blank=True, editable=False
    )
    # The last accepted TOTP time step: a code is accepted at most once (no replay).
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = pgettext_lazy("account", "users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None and bool(self.totp_secret_encrypted)


class RoleAssignment(models.Model):
    """A user holds `role` in `org_unit` from `valid_from` until `valid_to` (inclusive).

    An assignment ended on the day it started has `valid_to` the day before `valid_from`: an
    empty period, so the role is gone at once and the row stays for the record.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("organisation unit"),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"],
                condition=models.Q(valid_to__isnull=True),
                name="accounts_one_open_assignment_per_role_and_unit",
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "role"])]
        ordering = ["user_id", "valid_from"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.org_unit}"

    def clean(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from - dt.timedelta(days=1):
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        kinds = ROLE_UNIT_KINDS.get(self.role)
        if kinds and self.org_unit_id is not None and self.org_unit.kind not in kinds:
            raise ValidationError(
                {
                    "org_unit": _("The role “%(role)s” cannot be held in “%(unit)s”.")
                    % {"role": self.get_role_display(), "unit": self.org_unit.name}
                }
            )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(pgettext_lazy("api token", "name"), max_length=100)
    # The first characters of the token, enough for the owner to recognise it in a list.
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", pgettext_lazy("role grant", "Refused")


class RoleGrant(models.Model):
    """A request to give `user` a role of GRANT_APPROVAL_ROLES in `org_unit`.

    The role assignment is made only when another administrator approves
    (`toandan.accounts.grants.role_grant_decide`); `assignment` is then the role it gave.
    `requested_by` is empty when the request came from the command line (`users import`).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("organisation unit"),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants_requested",
        verbose_name=pgettext_lazy("role grant", "requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants_decided",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    assignment = models.OneToOneField(
        RoleAssignment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant",
        verbose_name=_("role assignment"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit"],
                condition=models.Q(status="pending"),
                name="accounts_one_pending_grant_per_role_and_unit",
            ),
            # The approver is never the requester, nor the person the role is for.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by"))
                & ~models.Q(decided_by=models.F("user")),
                name="accounts_grant_decided_by_another",
            ),
        ]
        ordering = ["-created_at", "-id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.org_unit}"
