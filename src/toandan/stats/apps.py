from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "toandan.stats"
    label = "stats"
