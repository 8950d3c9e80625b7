"""Handling by the police: the inbox, the tip page, its files, notes, messages and the
actions of the legal timeline. Included under "tips/staff/" with the "tips" namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.tips.handling import views as views_handling

urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", views_handling.inbox_page, name="inbox"),
    path("t/<str:reference>/", views_handling.tip_detail, name="staff_detail"),
    path(
        "no/<int:unit_id>/<int:year>/<int:seq>/",
        views_handling.tip_by_number,
        name="staff_by_number",
    ),
    path(
        "t/<str:reference>/files/<int:attachment_id>/",
        views_handling.attachment_download,
        name="attachment_download",
    ),
    path("t/<str:reference>/note/", views_handling.note_add, name="staff_note"),
    path("t/<str:reference>/message/", views_handling.message_send, name="staff_message"),
    path("t/<str:reference>/act/<str:action>/", views_handling.tip_action, name="staff_action"),
]
