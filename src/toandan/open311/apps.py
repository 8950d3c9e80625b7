from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "toandan.open311"
    label = "open311"
