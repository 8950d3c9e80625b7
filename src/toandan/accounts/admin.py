"""Staff accounts in the Django admin. Role assignments are edited inline; every change to
them, and every account change, writes an audit event in the admin's transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from toandan.accounts.audit_actions import AccountsAction
from toandan.accounts.grants import (
    RoleGrantRefusedError,
    needs_second_approval,
    role_grant_decide,
    role_grant_request,
)
from toandan.accounts.models import ApiToken, GrantStatus, RoleAssignment, RoleGrant, User
from toandan.accounts.services import api_token_revoke, two_factor_reset
from toandan.audit.services import audit_record


class RoleAssignmentFormSet(BaseInlineFormSet[RoleAssignment, User, Any]):
    """An assignment already made may be ended, not turned into a role that reads tips or
    reveals tipsters, nor moved, nor reopened: that would give such a role without the second
    administrator's approval (a new row does ask for it, see `UserAdmin.save_formset`)."""

    def clean(self) -> None:
        super().clean()
        for form in self.initial_forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            before = RoleAssignment.objects.filter(pk=form.instance.pk).first()
            if before is None:
                continue
            after = form.cleaned_data
            role = after.get("role", before.role)
            if not (needs_second_approval(role) or needs_second_approval(before.role)):
                continue
            if role != before.role or after.get("org_unit") != before.org_unit:
                form.add_error(
                    None,
                    _(
                        "A role that opens tips cannot be changed: end it, and add the new "
                        "role; another administrator approves it."
                    ),
                )
            elif _widens(before, after.get("valid_from"), after.get("valid_to")):
                form.add_error(
                    None,
                    _(
                        "A role that opens tips can be ended here, not extended: add it again; "
                        "another administrator approves it."
                    ),
                )


def _widens(before: RoleAssignment, valid_from: Any, valid_to: Any) -> bool:
    if valid_from is not None and valid_from < before.valid_from:
        return True
    if before.valid_to is None:
        return False
    return valid_to is None or valid_to > before.valid_to


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    fields = ["role", "org_unit", "valid_from", "valid_to"]
    autocomplete_fields = ["org_unit"]
    extra = 0
    # Assignments are ended (valid_to), never deleted: history matters.
    can_delete = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name", "email"]
    readonly_fields = ["totp_confirmed_at", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email")}),
        (
            _("Security"),
            {"fields": ("is_active", "must_change_password", "totp_confirmed_at")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (pgettext_lazy("account", "Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    inlines = [RoleAssignmentInline]
    actions = ["reset_two_factor"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: deleting would erase their role history.
        return False

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """An administrator sets someone's password: audited in the same transaction, and the
        owner must choose their own at next login (the administrator knows this one)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.select_for_update().get(pk=id)
                user.must_change_password = True
                user.save(update_fields=["must_change_password"])
                audit_record(
                    actor=request.user,
                    action=AccountsAction.PASSWORD_SET_BY_ADMIN,
                    target=user,
                    reason="set in the admin",
                )
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AccountsAction.USER_UPDATE if change else AccountsAction.USER_CREATE,
            target=obj,
            reason="changed in the admin",
            # Field names only: never the password hash.
            data={"fields": sorted(f for f in form.changed_data if f != "password")},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if not isinstance(formset, BaseInlineFormSet) or formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for assignment in formset.new_objects:
            if needs_second_approval(assignment.role):
                # Not saved: a pending grant that another administrator approves.
                role_grant_request(
                    actor=request.user,
                    user=assignment.user,
                    role=assignment.role,
                    org_unit=assignment.org_unit,
                    valid_from=assignment.valid_from,
                    valid_to=assignment.valid_to,
                    reason="given in the admin",
                )
                messages.warning(
                    request,
                    gettext(
                        "The role %(role)s in %(unit)s opens tips: it waits for another "
                        "administrator's approval (Role grants)."
                    )
                    % {"role": assignment.get_role_display(), "unit": assignment.org_unit.name},
                )
                continue
            assignment.save()
            self._audit_role(request, AccountsAction.ROLE_ASSIGN, assignment, [])
        for assignment, fields in formset.changed_objects:
            assignment.save()
            self._audit_role(request, AccountsAction.ROLE_CHANGE, assignment, fields)

    @staticmethod
    def _audit_role(
        request: HttpRequest, action: AccountsAction, assignment: RoleAssignment, fields: list[str]
    ) -> None:
        audit_record(
            actor=request.user,
            action=action,
            target=assignment,
            reason="changed in the admin",
            data={
                "user": assignment.user.username,
                "role": assignment.role,
                "org_unit": assignment.org_unit.code,
                "valid_from": assignment.valid_from.isoformat(),
                "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
                "fields": fields,
            },
        )

    @admin.action(description=_("Reset two-factor authentication"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            two_factor_reset(actor=request.user, user=user, reason="reset in the admin")
        messages.success(request, _("Two-factor authentication was reset."))


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    """Pending roles that read tips or reveal tipsters: another administrator than the one who
    asked (and than the person the role is for) approves or refuses them here."""

    list_display = [
        "user",
        "role",
        "org_unit",
        "valid_from",
        "requested_by",
        "created_at",
        "status",
        "decided_by",
    ]
    list_filter = ["status", "role"]
    list_select_related = ["user", "org_unit", "requested_by", "decided_by"]
    search_fields = ["user__username", "user__full_name", "org_unit__code", "org_unit__name"]
    readonly_fields = [
        "user",
        "role",
        "org_unit",
        "valid_from",
        "valid_to",
        "reason",
        "requested_by",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "assignment",
    ]
    actions = ["approve_grants", "refuse_grants"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Asked for by adding the role to the user (or `users import`), never here.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[RoleGrant], approve: bool) -> None:
        done = 0
        note = "" if approve else "refused in the admin"
        for grant in queryset.filter(status=GrantStatus.PENDING):
            try:
                role_grant_decide(actor=request.user, grant=grant, approve=approve, note=note)
            except RoleGrantRefusedError as error:
                messages.error(request, f"{grant}: {error.message}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                gettext("%(n)d role(s) approved.") % {"n": done}
                if approve
                else gettext("%(n)d role(s) refused.") % {"n": done},
            )

    @admin.action(description=_("Approve the selected roles"))
    def approve_grants(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Refuse the selected roles"))
    def refuse_grants(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, approve=False)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            api_token_revoke(actor=request.user, token=token, reason="revoked in the admin")
        messages.success(request, _("The tokens were revoked."))
