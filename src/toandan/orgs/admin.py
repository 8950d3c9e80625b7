"""Organisation units in the Django admin: read-mostly. Units are created by the geography
sync and by the branch form (both audited); the admin may rename a unit or flag it remote."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from toandan.orgs.models import OrgUnit
from toandan.orgs.services import org_unit_update


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    list_display = ["name", "code", "kind", "level", "valid_from", "valid_to"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "code", "search_name"]
    list_select_related = ["admin_unit"]
    readonly_fields = [
        "code",
        "kind",
        "level",
        "parent",
        "admin_unit",
        "path",
        "depth",
        "valid_from",
        "valid_to",
    ]
    fields = [
        "name",
        "is_remote",
        "code",
        "kind",
        "level",
        "parent",
        "admin_unit",
        "valid_from",
        "valid_to",
        "path",
        "depth",
    ]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        # Through the views' service, not a save of its own: the same change is then checked,
        # saved and audited once, under one action, with the old and new values.
        with transaction.atomic():
            unit = OrgUnit.objects.select_for_update().get(pk=obj.pk)
            org_unit_update(
                actor=request.user,
                unit=unit,
                name=obj.name,
                is_remote=obj.is_remote,
                reason="changed in the admin",
            )
