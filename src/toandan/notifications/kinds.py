"""The kinds of notification, registered by the app that sends them.

The notifications app knows no domain: each app declares the kinds it sends, where it words
them, and `notify` refuses a kind nobody registered:

    from django.utils.translation import gettext_lazy as _
    from toandan.notifications.kinds import kind_register

    NOMINATION_DUE = kind_register("nomination_due", _("Nomination due"))

The code is what the database stores (`Notification.kind`, a string column), so a registered
code is never renamed; the label is what the administration shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

# The width of `Notification.kind`.
KIND_MAX_LENGTH = 20


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise


_KINDS: dict[str, Kind] = {}


def kind_register(code: str, label: str | Promise) -> str:
    """Declare a kind of notification; returns its code. Registering the same code again with
    the same label is harmless (a module imported twice); with another label it is an error,
    since two apps would then share one code."""
    if not code or len(code) > KIND_MAX_LENGTH or not code.replace("_", "").isalnum():
        msg = f"a notification kind is 1-{KIND_MAX_LENGTH} letters, digits or _: {code!r}"
        raise ValueError(msg)
    kind = _KINDS.setdefault(code, Kind(code, label))
    if kind.label != label:
        msg = f"notification kind {code!r} is already registered as {kind.label!r}"
        raise ValueError(msg)
    return code


def kind_is_registered(code: str) -> bool:
    return code in _KINDS


def kind_label(code: str) -> str:
    """The kind's label in the active language; the code itself for a kind no app registers
    any more (old rows keep their code)."""
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def kinds() -> list[Kind]:
    """Every registered kind, by code."""
    return [_KINDS[code] for code in sorted(_KINDS)]
