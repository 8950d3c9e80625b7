"""Scheduled work of the tips app, run by `toandan worker` (huey) in production."""

from __future__ import annotations

import logging

from toandan.core.tasks import crontab, db_periodic_task
from toandan.tips.services import attachments_sweep_orphans, tips_purge_expired

logger = logging.getLogger(__name__)


# huey schedules in UTC: 19:30 UTC is 02:30 in Vietnam (UTC+7, no daylight saving), when the
# fewest officers are at work.
@db_periodic_task(crontab(hour="19", minute="30"))
def purge_expired_tips() -> None:
    """Every night: delete tips whose retention period is over (storage limitation), then any
    encrypted file left without a tip (e.g. written by a submission that then failed)."""
    deleted = tips_purge_expired()
    swept = attachments_sweep_orphans()
    logger.info("retention: %d tips deleted, %d orphan files removed", deleted, swept)
