from __future__ import annotations

from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "toandan.tips"
    label = "tips"

    def ready(self) -> None:
        # The unit dashboard's monthly counts move in the transaction of every tip change
        # (intake and each transition; never on the retention purge).
        from toandan.tips.timeline import TIP_CHANGE_HOOKS
        from toandan.tips.unit_counts import unit_counts_on_tip_change

        if unit_counts_on_tip_change not in TIP_CHANGE_HOOKS:
            TIP_CHANGE_HOOKS.append(unit_counts_on_tip_change)

        # `toandan serve` and `toandan worker` refuse to start without every key tips need.
        from toandan.core.startup import startup_check_register
        from toandan.tips.keyring_check import keyring_problems

        startup_check_register(keyring_problems)

        # An announced change of the working-day calendar moves the deadlines it affects.
        from toandan.tips.timeline import deadlines_recompute_for_calendar
        from toandan.workdays.services import CALENDAR_CHANGE_HOOKS

        if deadlines_recompute_for_calendar not in CALENDAR_CHANGE_HOOKS:
            CALENDAR_CHANGE_HOOKS.append(deadlines_recompute_for_calendar)
