from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from toandan.core.sql import Statement
    from toandan.tips.events import TipChange


def _summary_on_tip_change(change: TipChange) -> list[Statement]:
    from toandan.stats.summary import tip_change_statements

    return tip_change_statements(change.before, change.after)


class StatsConfig(AppConfig):
    name = "toandan.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The tips app does not import stats: the summary subscribes to its event, inside the
        # transaction of every tip change (never on the retention purge).
        from toandan.core.events import subscribe
        from toandan.stats.export_producers import register_exports
        from toandan.stats.registry import register_builtin_sources
        from toandan.tips.events import TIP_CHANGED

        subscribe(TIP_CHANGED, _summary_on_tip_change, when="in_transaction")
        register_builtin_sources()
        # The domains' sources, sentences and extension points (toandan.stats.sources).
        from toandan.stats.sources import register_all

        register_all()
        # The pivot, coverage and report pages' export buttons (toandan.exports runs them).
        register_exports()
