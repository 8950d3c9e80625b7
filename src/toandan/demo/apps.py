from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data: the `toandan demo` command and the generator behind it.

    It sits above the domains it fills (it writes tips, reports and their summaries), so no
    domain imports it. Each domain keeps its own demo share in `<app>.demo.load_demo`, which
    the command calls in `DEMO_APPS` order. No models.
    """

    name = "toandan.demo"
    label = "demo"
