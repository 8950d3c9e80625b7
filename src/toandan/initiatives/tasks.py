"""Scheduled work of the community models, run by `toandan worker` (huey) in production."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from toandan.core.tasks import crontab, db_periodic_task, lock_task
from toandan.initiatives.notices import review_reminders_send
from toandan.initiatives.stock import stock_months_extend

logger = logging.getLogger(__name__)


# 01:00 UTC is 08:00 in Vietnam: the reminder is there when the union cadre starts the day.
# Each model, year and kind is reminded once, so a second run the same day writes nothing.
@db_periodic_task(crontab(hour="1", minute="0"))
@lock_task("initiatives-review-reminders")
def send_review_reminders() -> None:
    today = timezone.localdate()
    sent = review_reminders_send(today=today, year=today.year)
    logger.info("review reminders: %d notifications", sent)


# After midnight in Vietnam (18:30 UTC): yesterday's month end, when it was one, gets its
# month-end points, so the counts by commune keep reading less than a month of points.
@db_periodic_task(crontab(hour="18", minute="30"))
@lock_task("initiatives-stock-month-ends")
def carry_stock_forward() -> None:
    with transaction.atomic():
        written = stock_months_extend(timezone.localdate())
    logger.info("stock month ends: %d points", written)
