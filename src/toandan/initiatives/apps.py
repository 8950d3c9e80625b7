from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "toandan.initiatives"
    label = "initiatives"
    verbose_name = _("Community models")

    def ready(self) -> None:
        import toandan.initiatives.notices  # noqa: F401 - registers the notification kinds
