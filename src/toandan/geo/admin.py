"""Admin for reference data.

Units and successions come from the official table through `toandan load-geo`, which rewrites
them on every run, so the admin shows them read-only. Regions are the admin's: the loader only
creates the missing defaults, and every change here is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.audit.services import audit_record
from toandan.core.admin import ReadOnlyAdmin
from toandan.geo.audit_actions import GeoAction
from toandan.geo.models import AdminUnit, Region, Succession


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "level", "generation", "parent", "valid_from", "valid_to")
    list_filter = ("generation", "level", "unit_type")
    search_fields = ("search_name", "search_full", "code")
    list_select_related = ("parent",)
    ordering = ("generation", "level", "code")
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AdminUnit], search_term: str
    ) -> tuple[QuerySet[AdminUnit], bool]:
        # Accent-insensitive: "hà nội", "Ha Noi" and "ha noi" find the same units.
        from toandan.core.text import search_key

        return super().get_search_results(request, queryset, search_key(search_term))


@admin.register(Succession)
class SuccessionAdmin(ReadOnlyAdmin):
    list_display = ("predecessor", "successor", "kind", "is_primary", "effective_on")
    list_filter = ("kind", "is_primary")
    search_fields = ("predecessor__search_full", "successor__search_full")
    list_select_related = ("predecessor", "successor")
    show_full_result_count = False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "generation", "code")
    list_filter = ("generation", "kind")
    search_fields = ("name", "code")
    filter_horizontal = ("provinces",)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "provinces":
            kwargs["queryset"] = AdminUnit.objects.filter(level="province").order_by(
                "generation", "code"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Region], formsets: Any, change: bool
    ) -> None:
        # The admin's change view runs in one transaction: the event is written with the change.
        super().save_related(request, form, formsets, change)
        region = form.instance
        audit_record(
            actor=request.user,
            action=GeoAction.REGION_UPDATE if change else GeoAction.REGION_CREATE,
            target=region,
            data={
                "name": region.name,
                "generation": region.generation,
                "kind": region.kind,
                "code": region.code,
                "provinces": sorted(region.provinces.values_list("code", flat=True)),
            },
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Region]) -> None:
        # "Delete selected" bypasses delete_model: audit each region it removes.
        for region in queryset:
            audit_record(
                actor=request.user,
                action=GeoAction.REGION_DELETE,
                target=region,
                data={"code": region.code},
            )
        super().delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: Region) -> None:
        audit_record(
            actor=request.user, action=GeoAction.REGION_DELETE, target=obj, data={"code": obj.code}
        )
        super().delete_model(request, obj)
