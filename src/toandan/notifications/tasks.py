"""Scheduled notifications, run by `toandan worker` (huey) in production.

huey schedules in UTC; Vietnam is UTC+7 all year (no daylight saving).
"""

from __future__ import annotations

import logging

from toandan.core.tasks import crontab, db_periodic_task, lock_task
from toandan.notifications.reminders import deadline_reminders_send, digests_send

logger = logging.getLogger(__name__)


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
