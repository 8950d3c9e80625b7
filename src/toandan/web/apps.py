from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "toandan.web"
    label = "web"
