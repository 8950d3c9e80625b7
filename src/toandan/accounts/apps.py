from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "toandan.accounts"
    label = "accounts"
