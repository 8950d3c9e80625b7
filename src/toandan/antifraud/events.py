"""What happens to an indicator, as domain events (`toandan.core.events`): statistics and
exports may subscribe. The payload is the indicator's facts, never a tip's text or tipster."""

from __future__ import annotations

from dataclasses import dataclass

from toandan.antifraud.models import Indicator
from toandan.core.events import event_define, publish

INDICATOR_CHANGED = event_define(
    "antifraud.indicator_changed",
    "An indicator was reported, verified, delisted, expired or reopened.",
    payload="IndicatorFacts(id, kind, status, source, report_count)",
)


@dataclass(frozen=True)
class IndicatorFacts:
    id: int
    kind: str
    status: str
    source: str
    report_count: int


def publish_indicator_changed(indicator: Indicator) -> None:
    publish(
        INDICATOR_CHANGED,
        IndicatorFacts(
            id=indicator.pk,
            kind=indicator.kind,
            status=indicator.status,
            source=indicator.source,
            report_count=indicator.report_count,
        ),
    )
