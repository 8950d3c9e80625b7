from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "toandan.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The kind of notification accounts sends (role grants waiting for approval).
        import toandan.accounts.notices  # noqa: F401 - registers the kind
        from toandan.accounts.selectors import user_has_any_role
        from toandan.core.access import role_check_register

        # core.access.staff_required asks accounts who holds which role.
        role_check_register(user_has_any_role)
