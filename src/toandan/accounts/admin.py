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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.accounts.models import ApiToken, RoleAssignment, User
from toandan.accounts.services import api_token_revoke, two_factor_reset
from toandan.audit.services import audit_record


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
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
                    action="accounts.password.set_by_admin",
                    target=user,
                    reason="set in the admin",
                )
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="accounts.user.update" if change else "accounts.user.create",
            target=obj,
            reason="changed in the admin",
            # Field names only: never the password hash.
            data={"fields": sorted(f for f in form.changed_data if f != "password")},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if not isinstance(formset, BaseInlineFormSet) or formset.model is not RoleAssignment:
            return
        for assignment in formset.new_objects:
            self._audit_role(request, "accounts.role.assign", assignment, [])
        for assignment, fields in formset.changed_objects:
            self._audit_role(request, "accounts.role.change", assignment, fields)

    @staticmethod
    def _audit_role(
        request: HttpRequest, action: str, assignment: RoleAssignment, fields: list[str]
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
