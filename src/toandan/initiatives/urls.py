from django.urls import URLPattern, URLResolver, path

from toandan.initiatives import views

app_name = "initiatives"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_register, name="register"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/sites/new/", views.site_add, name="site_add"),
    path("<int:pk>/teams/new/", views.team_add, name="team_add"),
    path("<int:pk>/teams/end/", views.team_end, name="team_end"),
    path("<int:pk>/channels/new/", views.channel_add, name="channel_add"),
    path("<int:pk>/reviews/new/", views.review_file, name="review_file"),
    path("<int:pk>/steps/<slug:action>/", views.initiative_step, name="step"),
    path(
        "<int:pk>/recognition.<str:fmt>",
        views.recognition_document,
        name="recognition_document",
    ),
    path("reviews/<int:pk>/report.<str:fmt>", views.review_document, name="review_document"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/steps/<slug:action>/", views.review_step, name="review_step"),
    path("coverage/", views.coverage, name="coverage"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("counts/", views.counts_page, name="counts"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_detail, name="catalogue_detail"),
    path("catalogue/<int:pk>/replicate/", views.replicate, name="replicate"),
]
