from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from toandan.core.sql import Statement
    from toandan.tips.events import TipChange


def _unit_counts_on_tip_change(change: TipChange) -> list[Statement]:
    from toandan.tips.dashboard.unit_counts import unit_counts_on_tip_change

    return unit_counts_on_tip_change(change.before, change.after)


class TipsConfig(AppConfig):
    name = "toandan.tips"
    label = "tips"

    def ready(self) -> None:
        # The unit dashboard's monthly counts move in the transaction of every tip change
        # (intake and each transition; never on the retention purge).
        from toandan.core.events import subscribe
        from toandan.tips.events import TIP_CHANGED

        subscribe(TIP_CHANGED, _unit_counts_on_tip_change, when="in_transaction")

        # The kinds of notification tips sends (deadline reminders, digests, new tips, ...).
        import toandan.tips.handling.notices  # noqa: F401 - registers the kinds

        # `toandan serve` and `toandan worker` refuse to start without every key tips need.
        from toandan.core.startup import startup_check_register
        from toandan.tips.keyring_check import keyring_problems

        startup_check_register(keyring_problems)

        # An announced change of the working-day calendar moves the deadlines it affects.
        from toandan.tips.handling.timeline import deadlines_recompute_for_calendar
        from toandan.workdays.services import CALENDAR_CHANGE_HOOKS

        if deadlines_recompute_for_calendar not in CALENDAR_CHANGE_HOOKS:
            CALENDAR_CHANGE_HOOKS.append(deadlines_recompute_for_calendar)
