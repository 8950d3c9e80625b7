"""Scheduled work of antifraud, run by `toandan worker` (huey) in production."""

from __future__ import annotations

import logging

from toandan.antifraud.services import indicators_expire, lookups_flush
from toandan.core.tasks import crontab, db_periodic_task, lock_task

logger = logging.getLogger(__name__)


# 19:45 UTC is 02:45 in Vietnam.
@db_periodic_task(crontab(hour="19", minute="45"))
@lock_task("antifraud-expire")
def expire_indicators() -> None:
    """Every night: indicators with no new report for the listing rule's period expire (the
    check already stops showing them at `expires_at`; this records it)."""
    logger.info("antifraud: %d indicators expired", indicators_expire())


@db_periodic_task(crontab(minute="*/10"))
def flush_lookup_counts() -> None:
    """The worker's own waiting counts (web processes flush as they serve lookups)."""
    lookups_flush()
