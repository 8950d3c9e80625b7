from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "toandan.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The kind of notification accounts sends (role grants waiting for approval).
        import toandan.accounts.notices  # noqa: F401 - registers the kind
