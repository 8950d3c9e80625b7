from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "toandan.core"
    label = "core"
