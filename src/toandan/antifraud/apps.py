from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntifraudConfig(AppConfig):
    name = "toandan.antifraud"
    label = "antifraud"
    verbose_name = _("Anti-fraud")
