"""The catalogue of audit actions: every app declares the actions it writes in its own
`audit_actions.py` (a `StrEnum` passed to `register_actions`), and `audit_record` refuses any
other string, so a typo or an action built at run time cannot enter the append-only chain
under a name no one reads.

The values are the strings already stored in the chain: renaming one would change the meaning
of the events written before (and the chain cannot be rewritten), so a value never changes;
a new name is a new member.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from django.conf import settings
from django.utils.module_loading import autodiscover_modules


class UnregisteredAuditActionError(ValueError):
    """Raised when an audit event would be written under an action no catalogue declares."""


@dataclass(frozen=True)
class _Entry:
    app: str
    # The name of a boolean setting that must be on for the action to be written (None: always).
    only_if_setting: str | None


E = TypeVar("E", bound=type[StrEnum])

_REGISTRY: dict[str, _Entry] = {}
_discovered = False


def register_actions(app: str, actions: E, *, only_if_setting: str | None = None) -> E:
    """Declare `app`'s audit actions. With `only_if_setting`, the actions can be written only
    while that setting is on (the benchmark's, which production never writes)."""
    for member in actions:
        entry = _REGISTRY.get(member.value)
        if entry is not None and entry.app != app:
            msg = f"audit action {member.value!r} is declared by {entry.app} and {app}"
            raise ValueError(msg)
        _REGISTRY[member.value] = _Entry(app=app, only_if_setting=only_if_setting)
    return actions


def _discover() -> None:
    global _discovered  # noqa: PLW0603 - imported once, on first use, after the apps are ready
    if not _discovered:
        autodiscover_modules("audit_actions")
        _discovered = True


def registered_actions() -> dict[str, str]:
    """Every declared action and the app that declares it."""
    _discover()
    return {action: entry.app for action, entry in _REGISTRY.items()}


def action_check(action: str) -> None:
    """Raise unless `action` is declared (and, if gated, its setting is on)."""
    _discover()
    entry = _REGISTRY.get(str(action))
    if entry is None:
        msg = f"audit action {action!r} is in no catalogue (an app's audit_actions.py)"
        raise UnregisteredAuditActionError(msg)
    if entry.only_if_setting and not getattr(settings, entry.only_if_setting, False):
        msg = f"audit action {action!r} is written only while {entry.only_if_setting} is on"
        raise UnregisteredAuditActionError(msg)
