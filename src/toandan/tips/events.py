"""What happens to a tip, as domain events other apps subscribe to (`toandan.core.events`).

Every event but `TIP_PURGED` carries a `TipChange`: the tip's facts (`timeline.FACT_FIELDS`:
place, units, category, channel, dates, status, outcome, valuable, ...) before and after,
never what the tip says or anything about the tipster. Subscribers that must agree with the
tips (statistics) subscribe "in_transaction"; those that may lag (notifications, alerts)
"on_commit".

`TIP_CHANGED` is published for every change that statistics count (intake and each
transition, never the retention purge); the named events are published in the same
transaction for the changes a domain may care about on their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from toandan.core.events import event_define, publish

_FACTS = "TipChange(before, after, action): the tip's facts before/after (None: new/deleted)"

TIP_CHANGED = event_define(
    "tips.changed",
    "Any change of a tip that statistics count: intake and every transition.",
    payload=_FACTS,
)
TIP_RECEIVED = event_define(
    "tips.received", "A tip was entered in an intake register.", payload=_FACTS
)
TIP_CONCLUDED = event_define(
    "tips.concluded",
    "A tip was decided (Art. 147(1): prosecuted, not prosecuted) or handed over.",
    payload=_FACTS,
)
TIP_OUTCOME_CORRECTED = event_define(
    "tips.outcome_corrected", "The outcome of a concluded tip was corrected.", payload=_FACTS
)
TIP_MARKED_VALUABLE = event_define(
    "tips.marked_valuable",
    "A tip was found valuable (at its decision or by a correction).",
    payload=_FACTS,
)
TIP_MERGED = event_define(
    "tips.merged", "A tip was merged into another one (same facts).", payload=_FACTS
)
TIP_PURGED = event_define(
    "tips.purged",
    "Tips whose retention period was over were deleted (statistics keep their counts).",
    payload="TipsPurged(tip_ids, today)",
)


@dataclass(frozen=True)
class TipChange:
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    action: str = ""  # TipAction of the transition, "" for intake and first actions


@dataclass(frozen=True)
class TipsPurged:
    tip_ids: tuple[int, ...]
    today: dt.date


def tip_change_publish(change: TipChange) -> None:
    """`TIP_CHANGED`, then the named events this change is, in the caller's transaction."""
    from toandan.tips.models import TipAction, TipStatus

    publish(TIP_CHANGED, change)
    before, after = change.before, change.after
    if after is None:
        return
    if before is None:
        publish(TIP_RECEIVED, change)
    if after["status"] == TipStatus.CONCLUDED and (
        before is None or before["status"] != TipStatus.CONCLUDED
    ):
        publish(TIP_CONCLUDED, change)
    if change.action == TipAction.CORRECT_OUTCOME:
        publish(TIP_OUTCOME_CORRECTED, change)
    if after["valuable"] and not (before or {}).get("valuable"):
        publish(TIP_MARKED_VALUABLE, change)
    if change.action == TipAction.MERGE:
        publish(TIP_MERGED, change)
