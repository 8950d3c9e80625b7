"""The keyring must hold every key the database's tips were wrapped with.

A server restored without its keyring file, or given another installation's, would answer 500
on every officer page, tell citizens that their receipt opens nothing (counting against their
throttle), and seal new tips under a key that is lost again once the real keyring returns. So
`toandan serve` and `toandan worker` refuse to start (toandan.core.startup), and no tip is
sealed (`keyring_checked`), while a key is missing.
"""

from __future__ import annotations

import threading

from django.db import DatabaseError, connection

from toandan.tips import crypto
from toandan.tips.models import Tip, TipsterContact

_verified_lock = threading.Lock()
# The keyring stamps (file identity) already checked against the database in this process.
_verified: set[tuple[str, tuple[int, int, int]]] = set()


def _distinct_kek_ids(model: type[Tip] | type[TipsterContact]) -> set[str]:
    """The KEK ids in use, by a loose index scan: one index probe per distinct id (a handful),
    where SELECT DISTINCT would read the whole index of millions of tips at every start."""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"""
        WITH RECURSIVE ids(kek_id) AS (
            SELECT MIN(kek_id) FROM {table}
            UNION ALL
            SELECT (SELECT MIN(kek_id) FROM {table} WHERE kek_id > ids.kek_id)
            FROM ids WHERE ids.kek_id IS NOT NULL
        )
        SELECT kek_id FROM ids WHERE kek_id IS NOT NULL
    """  # noqa: S608 (the table name is the model's, quoted; no input)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {str(row[0]) for row in cursor.fetchall()}


def missing_kek_ids(ring: crypto.Keyring) -> list[str]:
    """KEK ids that wrap a stored key (tip or contact) but are not in the keyring."""
    used = _distinct_kek_ids(Tip) | _distinct_kek_ids(TipsterContact)
    return sorted(used - set(ring.keks))


def database_holds_tips() -> bool:
    return Tip.objects.exists() or TipsterContact.objects.exists()


def _restore_hint() -> str:
    return (
        "restore the keyring file from the backup (`toandan restore ARCHIVE`, or the copy in "
        "your secret store) and start again"
    )


def keyring_problems() -> list[str]:
    """What is wrong between the keyring file and the database, in an operator's words."""
    path = crypto.keyring_path()
    try:
        ring = crypto.keyring(reload=True)
    except crypto.KeyringMissingError:
        try:
            holds_tips = database_holds_tips()
        except DatabaseError:
            holds_tips = False
        if holds_tips:
            return [
                f"the database holds tips but there is no keyring file at {path}: "
                + _restore_hint()
            ]
        return [
            f"there is no keyring file at {path}: on a new installation run "
            "`toandan setup` (or `toandan keys init`), otherwise " + _restore_hint()
        ]
    except crypto.KeyringError as exc:
        return [f"{exc} ({path})"]
    try:
        missing = missing_kek_ids(ring)
    except DatabaseError as exc:
        return [f"the database cannot be read ({exc}): run `toandan migrate`"]
    if missing:
        return [
            f"the database holds tips wrapped by key-encryption keys that are not in the "
            f"keyring file {path}: {', '.join(missing)}; " + _restore_hint()
        ]
    return []


def keyring_checked() -> crypto.Keyring:
    """The keyring, checked against the database once per keyring file in this process.

    Called before a tip is sealed or a receipt looked up: a keyring that lacks keys the
    database uses is not the installation's, and a tip sealed under it would be lost with it."""
    ring = crypto.keyring()
    token = (str(crypto.keyring_path()), ring.stamp)
    with _verified_lock:
        if token in _verified:
            return ring
    missing = missing_kek_ids(ring)
    if missing:
        msg = (
            f"refusing to use the keyring: {crypto.keyring_path()} lacks "
            f"{', '.join(missing)}, which the database uses; " + _restore_hint()
        )
        raise crypto.KeyringError(msg)
    with _verified_lock:
        _verified.add(token)
    return ring


def forget_verified_keyrings() -> None:
    with _verified_lock:
        _verified.clear()
