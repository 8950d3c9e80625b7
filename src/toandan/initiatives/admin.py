"""Admin of community models: the reference data (themes, the review calendar, criteria,
grades) is edited here, each save through `services.reference_save` (audited); the registry
itself is read-only here (its changes go through the services and the workflow)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.core.admin import ReadOnlyAdmin
from toandan.initiatives.models import Criterion, Grade, Initiative, ReviewCalendar, Theme
from toandan.initiatives.services import reference_save


class ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        reference_save(actor=request.user, obj=obj, changed=list(form.changed_data))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rows are referenced by models and reviews: retire them (`in use`) instead.
        return False


@admin.register(Theme)
class ThemeAdmin(ReferenceAdmin):
    list_display = ("code", "name", "order", "active")


@admin.register(ReviewCalendar)
class ReviewCalendarAdmin(ReferenceAdmin):
    list_display = (
        "name",
        "valid_from",
        "valid_to",
        "top_grade_cap_percent",
        "min_months_to_grade",
    )


@admin.register(Criterion)
class CriterionAdmin(ReferenceAdmin):
    list_display = ("code", "text", "max_points", "active")


@admin.register(Grade)
class GradeAdmin(ReferenceAdmin):
    list_display = ("code", "name", "order", "effective", "capped_by")


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ("name", "theme", "status", "exemplary", "started_on", "ended_on")
    list_filter = ("status", "exemplary", "theme")
    search_fields = ("name",)
    exclude = ("contact_name", "contact_phone")
