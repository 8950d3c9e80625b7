from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "toandan.awards"
    label = "awards"
    verbose_name = _("Commendation")

    def ready(self) -> None:
        from toandan.awards import notices

        notices.connect()
