from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.tips.handling import views_deadline

urlpatterns: list[URLPattern | URLResolver] = [
    path("deadline/", views_deadline.deadline_calculator, name="deadline_calculator"),
]
