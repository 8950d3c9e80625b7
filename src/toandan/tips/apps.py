from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "toandan.tips"
    label = "tips"
