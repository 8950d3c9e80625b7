from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from toandan.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.login_verify_view, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("me/", views.me_view, name="me"),
    path("tokens/new/", views.token_create_view, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]
