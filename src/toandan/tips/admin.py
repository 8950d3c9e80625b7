"""Admin of the tips app.

Categories and the routing table are data the administrators edit; every change is audited.
Tips and register books are shown read-only and WITHOUT content: the admin lists what the
register shows (number, category, status, units, dates). Opening what a tip says goes through
the access-checked, audited selectors, never through the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Field, Model
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.audit.services import audit_record
from toandan.core.admin import ReadOnlyAdmin
from toandan.tips.audit_actions import TipsAction
from toandan.tips.models import Category, RegisterBook, RoutingRule, Tip


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Edits write an audit event in the admin's own transaction (change and delete views run
    in one)."""

    # The catalogue's action for each change, named by each admin (no name built at run time).
    audit_create: TipsAction
    audit_update: TipsAction
    audit_delete: TipsAction
    audit_fields: tuple[str, ...] = ()

    def _snapshot(self, obj: Model) -> dict[str, Any]:
        # attname: a foreign key's id, so the event needs no extra query.
        values: dict[str, Any] = {}
        for name in self.audit_fields:
            model_field = obj._meta.get_field(name)
            attname = model_field.attname if isinstance(model_field, Field) else name
            values[name] = getattr(obj, attname)
        return values

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=self.audit_update if change else self.audit_create,
            target=obj,
            data={"changed": sorted(form.changed_data), **self._snapshot(obj)},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user,
            action=self.audit_delete,
            target=obj,
            data=self._snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_create = TipsAction.CATEGORY_CREATE
    audit_update = TipsAction.CATEGORY_UPDATE
    audit_delete = TipsAction.CATEGORY_DELETE
    audit_fields = (
        "code",
        "group",
        "name_vi",
        "name_en",
        "is_serious",
        "seriousness",
        "forward_hours",
        "forward_remote_hours",
        "seriousness_source",
        "asks_victim_request",
        "active",
        "sensitive",
        "open311_listed",
    )
    list_display = (
        "name_vi",
        "name_en",
        "code",
        "group",
        "is_serious",
        "seriousness",
        "forward_hours",
        "asks_victim_request",
        "sensitive",
        "open311_listed",
        "order",
        "active",
    )
    list_filter = (
        "group",
        "is_serious",
        "seriousness",
        "asks_victim_request",
        "sensitive",
        "open311_listed",
        "active",
    )
    list_editable = ("order", "active")
    search_fields = ("code", "name_vi", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Once sensitive, always (see Category.clean): never a tickbox away from the public list.
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.sensitive:
            return (*fields, "sensitive")
        return fields


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    audit_create = TipsAction.ROUTING_RULE_CREATE
    audit_update = TipsAction.ROUTING_RULE_UPDATE
    audit_delete = TipsAction.ROUTING_RULE_DELETE
    audit_fields = (
        "name",
        "priority",
        "condition",
        "category",
        "only_serious",
        "target",
        "role",
        "active",
    )
    list_display = (
        "name",
        "priority",
        "condition",
        "category",
        "only_serious",
        "target",
        "role",
        "active",
    )
    list_filter = ("condition", "target", "role", "active")
    list_select_related = ("category",)
    ordering = ("priority", "id")


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    # Only the register's columns: no content, no receipt hash, no keys.
    fields = (
        "register_number",
        "reference",
        "category",
        "status",
        "channel",
        "register_unit",
        "province",
        "commune",
        "received_at",
        "updated_at",
        "retention_until",
        "has_contact",
    )
    readonly_fields = fields
    list_display = (
        "register_number",
        "category",
        "status",
        "channel",
        "register_unit",
        "province",
        "received_at",
    )
    list_filter = ("status", "channel", "category")
    list_select_related = ("category", "register_unit", "province")
    search_fields = ("register_number", "reference")
    date_hierarchy = "received_at"
    show_full_result_count = False


@admin.register(RegisterBook)
class RegisterBookAdmin(ReadOnlyAdmin):
    list_display = ("org_unit", "year", "last_seq")
    list_filter = ("year",)
    list_select_related = ("org_unit",)
    search_fields = ("org_unit__code", "org_unit__search_name")
    readonly_fields = ("org_unit", "year", "last_seq")
