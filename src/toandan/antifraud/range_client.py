"""A client of the hash-prefix lookup, as a partner app (a bank's, the union's) runs it.

The app normalises the identifier (`toandan.identifiers`), computes the keyed digest on the
device, sends only the first `PREFIX_LENGTH` hex characters, and compares the suffixes it gets
back locally. The transport is a function (url -> JSON) so an app plugs in its own HTTP
client, and a test can read exactly what would leave the device.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from toandan.antifraud.hashing import PREFIX_LENGTH, digest_of
from toandan.identifiers import Identifier

Fetch = Callable[[str], dict[str, Any]]
RANGE_PATH = "/api/v1/fraud/range/"


def range_check(
    identifier: Identifier,
    *,
    key: bytes,
    fetch: Fetch,
    base_url: str = "",
    version: int | None = None,
) -> str:
    """The verdict of one identifier ("verified", "under_verification" or "no_information").
    `version`: the key's version (`GET range/key`), which keeps answers right while the server
    rotates its key."""
    digest = digest_of(identifier.kind, identifier.value, key)
    prefix, suffix = digest[:PREFIX_LENGTH], digest[PREFIX_LENGTH:]
    query = f"?key={version}" if version is not None else ""
    answer = fetch(f"{base_url}{RANGE_PATH}{prefix}{query}")
    for entry in answer.get("entries", []):
        if entry.get("suffix") == suffix:
            return str(entry.get("verdict", "no_information"))
    return "no_information"
