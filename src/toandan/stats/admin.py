"""Reference data of statistics in the Django admin: indicators and data sets (with their
figures and rules) are configuration, edited here; every change is audited. Reports and the
summary tables are written only by the application, so the admin only reads them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.audit.services import audit_record
from toandan.core.admin import ReadOnlyAdmin
from toandan.stats.audit_actions import StatsAction
from toandan.stats.models import DataElement, DataSet, Indicator, Report, ValidationRule


class _AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    # The catalogue's action for each change, named by each admin (no name built at run time).
    audit_create: StatsAction
    audit_change: StatsAction
    audit_delete: StatsAction

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=self.audit_change if change else self.audit_create,
                target=obj,
                data={"code": getattr(obj, "code", ""), "fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=self.audit_delete,
                target=obj,
                data={"code": getattr(obj, "code", "")},
            )
            super().delete_model(request, obj)


@admin.register(Indicator)
class IndicatorAdmin(_AuditedAdmin):
    audit_create = StatsAction.INDICATOR_CREATE
    audit_change = StatsAction.INDICATOR_CHANGE
    audit_delete = StatsAction.INDICATOR_DELETE
    list_display = ["code", "name_vi", "source", "aggregation", "value_type", "order", "active"]
    list_filter = ["source", "aggregation", "active"]
    search_fields = ["code", "name_vi", "name_en"]
    raw_id_fields = ["numerator", "denominator"]


class DataElementInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DataElement
    extra = 0
    raw_id_fields = ["indicator"]


class ValidationRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ValidationRule
    extra = 0
    raw_id_fields = ["left", "right"]


@admin.register(DataSet)
class DataSetAdmin(_AuditedAdmin):
    audit_create = StatsAction.DATASET_CREATE
    audit_change = StatsAction.DATASET_CHANGE
    audit_delete = StatsAction.DATASET_DELETE
    list_display = ["code", "name_vi", "period_type", "org_kind", "levels", "due_days", "active"]
    list_filter = ["period_type", "org_kind", "active"]
    search_fields = ["code", "name_vi", "name_en"]
    filter_horizontal = ["assigned_units"]
    inlines = [DataElementInline, ValidationRuleInline]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "org_unit", "period_id", "status", "submitted_at", "approved_at"]
    list_filter = ["dataset", "status"]
    search_fields = ["org_unit__code", "org_unit__name", "period_id"]
    list_select_related = ["dataset", "org_unit"]
