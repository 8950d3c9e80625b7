"""Admin of antifraud: the reference data administrators edit (scam types, the listing rule
with its legal source, the official list), saved and audited through the services.
Indicators and appeals are shown read-only: listing, verifying and delisting are decisions
taken on the officers' pages, with their policies and reasons."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.antifraud import services
from toandan.antifraud.models import Appeal, Indicator, ListingRule, OfficialEntry, ScamType
from toandan.core.admin import ReadOnlyAdmin


class ServiceSavedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        services.reference_save(actor=request.user, obj=obj, changed=list(form.changed_data))


@admin.register(ScamType)
class ScamTypeAdmin(ServiceSavedAdmin):
    list_display = ("code", "name_vi", "category_code", "order")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # indicators keep their scam type


@admin.register(ListingRule)
class ListingRuleAdmin(ServiceSavedAdmin):
    list_display = ("reports_to_show", "expiry_days", "active", "legal_source", "created_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history of rules stays; a rule is deactivated


@admin.register(OfficialEntry)
class OfficialEntryAdmin(ServiceSavedAdmin):
    list_display = ("owner", "kind", "display", "value", "source")
    search_fields = ("owner", "value", "display")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.official_entry_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for entry in queryset:
            services.official_entry_delete(actor=request.user, entry=entry)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("kind", "display", "status", "source", "report_count", "last_seen")
    list_filter = ("status", "kind", "source")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("reference", "status", "created_at", "decided_at")
    exclude = ("receipt_hash", "statement", "contact")
