"""Identity reveals, under /tips/staff/ (see `toandan.tips.reveal.views`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.tips.reveal import views as views_reveal

urlpatterns: list[URLPattern | URLResolver] = [
    path("t/<str:reference>/reveal/", views_reveal.reveal_request, name="reveal_request"),
    path("reveals/", views_reveal.reveal_list, name="reveals"),
    path("reveals/<int:pk>/", views_reveal.reveal_detail, name="reveal_detail"),
    path("reveals/<int:pk>/decide/", views_reveal.reveal_decide, name="reveal_decide"),
]
