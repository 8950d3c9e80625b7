from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from toandan.tips.intake import views

app_name = "tips"
urlpatterns: list[URLPattern | URLResolver] = [
    path("new/", views.tip_new, name="new"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/card.pdf", views.receipt_card, name="receipt_card"),
    path("follow-up/", views.followup, name="followup"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/receipt/", views.staff_receipt, name="staff_receipt"),
    path("staff/receipt/card.pdf", views.staff_receipt_card, name="staff_receipt_card"),
    # Handling by the police: inbox, tip page, actions; identity reveals; dashboard.
    path("staff/", include("toandan.tips.dashboard.urls")),
    path("staff/", include("toandan.tips.reveal.urls")),
    path("staff/", include("toandan.tips.handling.urls")),
    path("staff/", include("toandan.tips.handling.urls_deadline")),
    path("<str:reference>/intake-record.pdf", views.intake_record_pdf, name="intake_record_pdf"),
    path("<str:reference>/intake-record.docx", views.intake_record_docx, name="intake_record_docx"),
]
