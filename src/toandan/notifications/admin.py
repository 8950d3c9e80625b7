from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from toandan.notifications.kinds import kinds
from toandan.notifications.models import Notification


class KindFilter(admin.SimpleListFilter):
    """The registered kinds, by their labels (the column holds only codes)."""

    title = _("kind")
    parameter_name = "kind__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(kind.code, str(kind.label)) for kind in kinds()]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Notification]
    ) -> QuerySet[Notification]:
        value = self.value()
        return queryset.filter(kind=value) if value else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Read-only: notifications are written by the system and read by their owner."""

    list_display = ["title", "user", "kind_shown", "created_at", "read_at"]
    list_filter = [KindFilter]
    list_select_related = ["user"]
    search_fields = ["title", "user__username"]
    date_hierarchy = "created_at"
    fields = ("user", "kind_shown", "title", "body", "link", "created_at", "read_at")
    readonly_fields = fields

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, obj: Notification) -> str:
        return obj.kind_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
