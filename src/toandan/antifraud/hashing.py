"""The keyed hash of the hash-prefix (k-anonymity) API.

digest = HMAC-SHA256(key, "<kind>:<value>") in hex, over the normalised value
(`toandan.identifiers`). A partner app (a bank's, the union's) holds the key, hashes the
identifier on the device, sends the first `PREFIX_LENGTH` hex characters and matches the
suffixes it gets back locally: the server never sees the identifier nor its full digest.

The key: `TOANDAN_FRAUD_RANGE_KEY` (64 hex characters) from the environment in production,
given to partners with their API token (`GET /api/v1/fraud/range/key`, staff Bearer token).
Without it (development) the key is derived from SECRET_KEY. Phone numbers and account numbers
have small keyspaces, so a published key would let anyone enumerate them: the key is a partner
secret (a pepper), the prefix is short (20 bits: about ten real entries per prefix at ten
million indicators), and answers are padded to a fixed size so their length says nothing.

Rotation (`toandan fraud rotate-range-key`, `services.range_key_rotate`): a new key becomes
current and the old one keeps answering (`?key=<version>`, from `Indicator.digest_previous`)
for an overlap period, so partner apps switch when they next fetch the key. Each process reads
the keys again at most every second (`RANGE_KEYS_MAX_AGE`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from toandan.antifraud.models import RangeKey
from toandan.core.process_cache import ProcessCache

PREFIX_LENGTH = 5
KEY_VERSION_SETTING = "TOANDAN_FRAUD_RANGE_KEY"
RANGE_KEYS_MAX_AGE = 1.0


def configured_range_key() -> bytes:
    """Version 1 while no rotation has happened: the environment's key, else one derived
    from SECRET_KEY (development)."""
    configured = getattr(settings, KEY_VERSION_SETTING, "") or ""
    if configured:
        return bytes.fromhex(configured)
    return salted_hmac("toandan.antifraud.range", "key-v1", algorithm="sha256").digest()


@dataclass(frozen=True)
class RangeKeys:
    version: int
    key: bytes
    previous_version: int | None = None
    previous_key: bytes | None = None
    previous_until: dt.datetime | None = None

    def previous_live(self, now: dt.datetime | None = None) -> bool:
        return self.previous_until is not None and self.previous_until > (now or timezone.now())


def _load(_key: None) -> RangeKeys:
    rows = list(RangeKey.objects.order_by("-version")[:2])
    if not rows:
        return RangeKeys(version=1, key=configured_range_key())
    current = rows[0]
    previous = rows[1] if len(rows) > 1 and rows[1].retired_after is not None else None
    return RangeKeys(
        version=current.version,
        key=bytes.fromhex(current.key_hex),
        previous_version=previous.version if previous else None,
        previous_key=bytes.fromhex(previous.key_hex) if previous else None,
        previous_until=previous.retired_after if previous else None,
    )


_keys: ProcessCache[None, RangeKeys] = ProcessCache(
    "antifraud.range_keys", _load, senders=[RangeKey], max_age=RANGE_KEYS_MAX_AGE
)


def range_keys(*, fresh: bool = False) -> RangeKeys:
    """The current key and, during an overlap, the previous one. `fresh`: read the table now
    (writes of digests do, so that no row gets a digest under a key a second old)."""
    if fresh:
        return _load(None)
    return _keys.get(None) or _load(None)


def range_key() -> bytes:
    return range_keys().key


def digest_of(kind: str, value: str, key: bytes | None = None) -> str:
    message = f"{kind}:{value}".encode()
    return hmac.new(key if key is not None else range_key(), message, hashlib.sha256).hexdigest()


def digests_of(kind: str, value: str) -> dict[str, str]:
    """The digest fields of a new indicator: under the current key and, during an overlap,
    under the previous one. Reads the keys afresh (a rotation may just have committed)."""
    keys = range_keys(fresh=True)
    fields = {"digest": digest_of(kind, value, keys.key)}
    if keys.previous_key is not None and keys.previous_live():
        fields["digest_previous"] = digest_of(kind, value, keys.previous_key)
    return fields
