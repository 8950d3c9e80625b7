from __future__ import annotations

from django.contrib import admin

from toandan.core.admin import ReadOnlyAdmin
from toandan.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """Who exported what and when; the files themselves are only for their requester."""

    list_display = ["id", "kind", "format", "status", "rows_written", "created_by", "created_at"]
    list_filter = ["status", "format", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["kind", "title", "created_by__username"]
    date_hierarchy = "created_at"
    exclude = ["file_name"]
