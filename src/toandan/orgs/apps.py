from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "toandan.orgs"
    label = "orgs"
