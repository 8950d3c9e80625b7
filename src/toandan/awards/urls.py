from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.awards import views

app_name = "awards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("campaigns/<int:campaign_id>/honour-roll/", views.honour_roll, name="honour_roll"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>/revoke/", views.revoke, name="revoke"),
    path("work/", views.work, name="work"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:campaign_id>/council/new/", views.council_new, name="council_new"),
    path("campaigns/<int:campaign_id>/province/", views.province, name="province"),
    path("campaigns/<int:campaign_id>/nominate/", views.nomination_new, name="nomination_new"),
    path("campaigns/<int:campaign_id>/nominate-tipster/", views.tipster_new, name="tipster_new"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:nomination_id>/edit/", views.nomination_edit, name="nomination_edit"),
    path(
        "nominations/<int:nomination_id>/submission.docx",
        views.nomination_submission,
        name="submission",
    ),
    path(
        "nominations/<int:nomination_id>/files/<int:file_id>/",
        views.nomination_file,
        name="nomination_file",
    ),
    path("campaigns/<int:campaign_id>/council/", views.council, name="council"),
    path("campaigns/<int:campaign_id>/results/", views.results, name="results"),
    path("campaigns/<int:campaign_id>/decision/", views.decision, name="decision"),
    path(
        "campaigns/<int:campaign_id>/decision.<str:fmt>", views.decision_file, name="decision_file"
    ),
    path(
        "campaigns/<int:campaign_id>/certificates.pdf",
        views.certificates_bulk,
        name="certificates",
    ),
]
