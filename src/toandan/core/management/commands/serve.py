"""Serve toandan with waitress (a production WSGI server in pure Python)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from toandan.core.deployment import proxy_trust, require_site_url


class Command(BaseCommand):
    help = "Serve the application on HOST:PORT with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from toandan.core.startup import startup_checks_run

        host, port = options["host"], options["port"]
        trust = proxy_trust(host=host)  # stops on a proxy address waitress cannot use
        require_site_url()  # as a command's message, before the WSGI module checks it again
        startup_checks_run()  # e.g. a keyring lacking keys the database's tips need
        if not settings.DEBUG and _static_files_changed():
            call_command("collectstatic", interactive=False, verbosity=0)
        # Only now: WhiteNoise lists the collected (hashed) files when the application loads.
        # Through settings.WSGI_APPLICATION (toandan.wsgi, as runserver finds it): the
        # project's entry points sit above every app, core included.
        application = import_string(settings.WSGI_APPLICATION)

        self.stdout.write(f"toandan: http://{host}:{port}/  (Ctrl+C to stop)")
        # No access log: citizens' IP addresses are never written anywhere.
        # waitress would buffer up to 1 GB before the app could refuse a body: cap it at ours.
        serve(
            application,
            host=host,
            port=port,
            threads=options["threads"],
            ident="toandan",
            max_request_body_size=settings.TOANDAN_MAX_REQUEST_BYTES,
            **trust,
        )


def _static_files_changed() -> bool:
    """True when the collected files are missing or older than a source file. Hashing and
    compressing every file (the admin's too) takes a minute on a small machine: `toandan
    setup` does it once, and a restart does not do it again for nothing."""
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if Path(storage.path(path)).stat().st_mtime > collected:
                return True
    return False
