from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "toandan.audit"
    label = "audit"
