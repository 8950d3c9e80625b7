"""`toandan worker`: run the background task consumer (production, with Redis).

A thin wrapper over huey's `run_huey`, which takes the consumer options from settings.HUEY
(TOANDAN_WORKERS threads) and imports every app's `tasks` module. It refuses to start when tasks
run in-process (TOANDAN_TASK_QUEUE=immediate): there would be nothing to consume.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand

from toandan.core.deployment import require_site_url


class Command(RunHueyCommand):  # type: ignore[misc]
    help = "Run the background task consumer (needs TOANDAN_TASK_QUEUE=redis://...)."

    def handle(self, *args: Any, **options: Any) -> None:
        from toandan.core.tasks import HUEY

        if HUEY.immediate:
            msg = (
                "Tasks run in-process (TOANDAN_TASK_QUEUE=immediate), so there is no queue to "
                "consume. Set TOANDAN_TASK_QUEUE=redis://HOST:6379/0 on the web servers and here."
            )
            raise CommandError(msg)
        require_site_url()  # the emails it sends link to the site
        from toandan.core.startup import startup_checks_run

        startup_checks_run()  # e.g. a keyring lacking keys the database's tips need
        self.stdout.write(f"toandan worker: consuming queue {HUEY.name!r}  (Ctrl+C to stop)")
        super().handle(*args, **options)
