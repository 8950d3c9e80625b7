"""The audit chain's end, recorded outside the database every hour by `toandan worker`."""

from __future__ import annotations

import logging

from toandan.audit.services import audit_checkpoint_write
from toandan.core.tasks import crontab, db_periodic_task, lock_task

logger = logging.getLogger(__name__)


# Hourly: deleting events newer than the last checkpoint is still caught by the head's MAC; an
# old head put back whole is caught by the first checkpoint taken after those events.
@db_periodic_task(crontab(minute="17"))
@lock_task("audit-checkpoint")
def write_audit_checkpoint() -> None:
    checkpoint = audit_checkpoint_write()
    if checkpoint is not None:
        logger.info("audit checkpoint #%d", checkpoint.seq)
