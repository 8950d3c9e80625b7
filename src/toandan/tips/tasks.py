"""Scheduled work of the tips app, run by `toandan worker` (huey) in production."""

from __future__ import annotations

import logging

from toandan.core.tasks import crontab, db_periodic_task, lock_task
from toandan.tips.handling.reminders import deadline_reminders_send, digests_send
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


# Every hour, day and night: police work in shifts, and a 24-hour forwarding deadline (flagrant
# or serious cases) must not wait for the morning. Each deadline is reminded once, so running
# often costs one indexed query when there is nothing new.
@db_periodic_task(crontab(minute="5"))
@lock_task("notifications-deadline-reminders")
def send_deadline_reminders() -> None:
    run = deadline_reminders_send()
    logger.info(
        "deadline reminders: %d due soon, %d overdue, %d notifications, %d emails",
        run.due_soon,
        run.overdue,
        run.notifications,
        run.emails,
    )


# 00:00 UTC is 07:00 in Vietnam: the digest is waiting when the day shift starts.
@db_periodic_task(crontab(hour="0", minute="0"))
@lock_task("notifications-daily-digest")
def send_daily_digests() -> None:
    run = digests_send()
    logger.info("daily digest: %d digests, %d emails", run.digests, run.emails)
