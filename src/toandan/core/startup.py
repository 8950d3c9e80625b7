"""Checks a process runs before it serves requests or consumes tasks.

Apps register a check (in their AppConfig.ready) that returns what is wrong, in words an
operator can act on; `toandan serve` and `toandan worker` refuse to start while any check
reports a problem. The registry lives here so that core's commands need not import the apps
above it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import CommandError

StartupCheck = Callable[[], list[str]]

STARTUP_CHECKS: list[StartupCheck] = []


def startup_check_register(check: StartupCheck) -> None:
    if check not in STARTUP_CHECKS:
        STARTUP_CHECKS.append(check)


def startup_problems() -> list[str]:
    return [problem for check in STARTUP_CHECKS for problem in check()]


def startup_checks_run() -> None:
    """Raise (the command exits non-zero, printing every problem) if anything is wrong."""
    problems = startup_problems()
    if problems:
        msg = "refusing to start:\n- " + "\n- ".join(problems)
        raise CommandError(msg)
