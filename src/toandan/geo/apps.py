from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "toandan.geo"
    label = "geo"
