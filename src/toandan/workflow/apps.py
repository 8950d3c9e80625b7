from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "toandan.workflow"
    label = "workflow"
    verbose_name = "Workflow"
