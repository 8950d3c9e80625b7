"""Background work of exports, run by `toandan worker` (huey), or in-process in immediate mode.

huey schedules in UTC; the purge does not care about the hour.
"""

from __future__ import annotations

import logging

from toandan.core.tasks import crontab, db_periodic_task, db_task, lock_task
from toandan.exports.services import export_job_run, export_jobs_purge

logger = logging.getLogger(__name__)


# No retries: a producer that failed once fails the same way again, and the job records why.
@db_task()
def export_job_task(job_id: int) -> None:
    export_job_run(job_id=job_id)


# Every half hour: an expired file should not outlive its expiry by much, and the purge is one
# indexed query when there is nothing to delete.
@db_periodic_task(crontab(minute="*/30"))
@lock_task("exports-purge")
def purge_expired_exports() -> None:
    deleted = export_jobs_purge()
    if deleted:
        logger.info("exports purge: %d files deleted", deleted)
