from __future__ import annotations

from django.urls import path

from toandan.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("start/", views.export_start, name="start"),
    path("<int:job_id>/", views.export_detail, name="detail"),
    path("<int:job_id>/download/", views.export_download, name="download"),
]
