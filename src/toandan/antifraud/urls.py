from django.urls import URLPattern, URLResolver, path

from toandan.antifraud import views

app_name = "antifraud"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.check_page, name="check"),
    path("report/", views.report_redirect, name="report"),
    path("appeal/", views.appeal_new, name="appeal"),
    path("appeal/receipt/", views.appeal_receipt, name="appeal_receipt"),
    path("appeal/status/", views.appeal_status, name="appeal_status"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("warnings/", views.warnings_list, name="warnings"),
    path("warnings/feed.atom", views.warnings_feed, name="warnings_feed"),
    path("warnings/<int:warning_id>/", views.warning_detail, name="warning"),
    path("warnings/<int:warning_id>/card.png", views.warning_card, name="warning_card"),
    path("staff/", views.staff_queue, name="staff_queue"),
    path("staff/warnings/", views.staff_warnings, name="staff_warnings"),
    path("staff/warnings/<int:warning_id>/", views.staff_warning, name="staff_warning"),
    path("staff/tips/<int:tip_id>/", views.staff_tip, name="staff_tip"),
    path("staff/indicators/<int:indicator_id>/", views.staff_indicator, name="staff_indicator"),
    path(
        "staff/indicators/<int:indicator_id>/<str:action>/",
        views.staff_indicator_act,
        name="staff_indicator_act",
    ),
    path("staff/appeals/<int:appeal_id>/", views.staff_appeal, name="staff_appeal"),
    path("staff/export/<str:fmt>/", views.staff_export, name="staff_export"),
    path("staff/import/", views.staff_import, name="staff_import"),
]
