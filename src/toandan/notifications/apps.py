from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "toandan.notifications"
    label = "notifications"
