"""Reference data of awards in the admin: award forms, base salaries, money multiples, ballot
rules and certificate layouts, each with its legal source. Saves go through the services
(audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.awards import services
from toandan.awards.models import (
    AwardForm,
    AwardMultiple,
    BallotRule,
    BaseSalary,
    CertificateLayout,
)


class ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        services.reference_save(actor=request.user, obj=obj, changed=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.reference_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AwardForm)
class AwardFormAdmin(ReferenceAdmin):
    list_display = ("code", "name", "kind", "granting_authority", "active", "legal_source")
    list_filter = ("kind", "active")


@admin.register(BaseSalary)
class BaseSalaryAdmin(ReferenceAdmin):
    list_display = ("valid_from", "amount_vnd", "legal_source")


@admin.register(AwardMultiple)
class AwardMultipleAdmin(ReferenceAdmin):
    list_display = ("form", "subject_type", "multiple", "valid_from", "valid_to", "legal_source")
    list_filter = ("form", "subject_type")


@admin.register(BallotRule)
class BallotRuleAdmin(ReferenceAdmin):
    list_display = ("name", "pass_share", "quorum_share", "valid_from", "valid_to", "legal_source")


@admin.register(CertificateLayout)
class CertificateLayoutAdmin(ReferenceAdmin):
    list_display = ("name",)
