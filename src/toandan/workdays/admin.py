from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from toandan.workdays.models import CalendarChange
from toandan.workdays.services import calendar_change_delete, calendar_change_save


@admin.register(CalendarChange)
class CalendarChangeAdmin(admin.ModelAdmin[CalendarChange]):
    """Announced swaps and extra days off. Saving goes through the service, so the change is
    audited and the open tips' deadlines it affects are recomputed."""

    list_display = ("day", "kind", "name", "source")
    list_filter = ("kind",)
    search_fields = ("name", "source")
    date_hierarchy = "day"

    def save_model(
        self, request: HttpRequest, obj: CalendarChange, form: ModelForm[Any], change: bool
    ) -> None:
        previous = form.initial.get("day") if change else None
        saved = calendar_change_save(
            actor=_user(request),
            day=obj.day,
            kind=obj.kind,
            name=obj.name,
            source=obj.source,
            previous_day=previous,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarChange) -> None:
        calendar_change_delete(actor=_user(request), change=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarChange]) -> None:
        for obj in queryset:
            calendar_change_delete(actor=_user(request), change=obj)


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None
