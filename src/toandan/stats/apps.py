from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "toandan.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The tips app does not import stats: it calls the hooks registered here, inside the
        # transaction of every tip change (never on the retention purge).
        from toandan.stats.export_producers import register_exports
        from toandan.stats.registry import register_builtin_sources
        from toandan.stats.summary import tip_change_statements
        from toandan.tips.timeline import TIP_CHANGE_HOOKS

        if tip_change_statements not in TIP_CHANGE_HOOKS:
            TIP_CHANGE_HOOKS.append(tip_change_statements)
        register_builtin_sources()
        # The pivot, coverage and report pages' export buttons (toandan.exports runs them).
        register_exports()
