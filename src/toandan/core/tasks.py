"""Background work: the project's thin layer over huey.

Where tasks run is configuration (settings.HUEY, from TOANDAN_TASK_QUEUE):
- "immediate" (the default, `make run`): a task runs in the calling process when it is called,
  so a laptop needs no queue server;
- "redis://...": calling a task stores it in Redis and returns at once; `toandan worker`
  processes on one or more machines run it.

Later apps declare their tasks in their own `tasks.py` (the worker imports every app's
`tasks` module) with the decorators re-exported here:

    from toandan.core.tasks import db_task, periodic_task, crontab

    @db_task(retries=3, retry_delay=60)
    def remind_overdue_tips(unit_id: int) -> None: ...

Return None from a task unless a caller reads its result: huey keeps results until they are
read. Arguments travel through the queue pickled: pass ids and plain values, never model instances
or lazy translation strings. A service that writes to the database should enqueue only once
its transaction has committed (`transaction.on_commit`), so a worker never sees a row that was
rolled back; `send_email_on_commit` does that for email.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.core.mail import send_mail
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import (
    HUEY,
    db_periodic_task,
    db_task,
    lock_task,
    on_commit_task,
    periodic_task,
    task,
)

__all__ = [
    "HUEY",
    "crontab",
    "db_periodic_task",
    "db_task",
    "lock_task",
    "on_commit_task",
    "periodic_task",
    "send_email_on_commit",
    "send_email_task",
    "task",
]


# An SMTP server that is briefly away should not lose the message: retry for about 15 minutes.
@task(retries=3, retry_delay=60, retry_backoff=2)
def send_email_task(subject: str, body: str, to: Sequence[str]) -> None:
    """Send one plain-text email through Django's configured backend (a file under var/mail
    for `make run`, SMTP in production).

    The caller renders subject and body in the recipient's language before enqueuing. Returns
    nothing on purpose: huey keeps a task's result until someone reads it, and nobody reads
    this one, so a return value would pile up in Redis.
    """
    send_mail(subject, body, from_email=None, recipient_list=list(to), fail_silently=False)


def send_email_on_commit(*, subject: str, body: str, to: Sequence[str]) -> None:
    """Queue `send_email_task` once the current transaction commits (at once outside one),
    so that nobody is told about a change that was rolled back."""
    transaction.on_commit(functools.partial(send_email_task, str(subject), str(body), list(to)))
