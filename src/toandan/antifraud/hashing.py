"""The keyed hash of the hash-prefix (k-anonymity) API.

digest = HMAC-SHA256(key, "<kind>:<value>") in hex, over the normalised value
(`toandan.identifiers`). A partner app (a bank's, the union's) holds the key, hashes the
identifier on the device, sends the first `PREFIX_LENGTH` hex characters and matches the
suffixes it gets back locally: the server never sees the identifier nor its full digest.

The key: `TOANDAN_FRAUD_RANGE_KEY` (64 hex characters) from the environment in production,
given to partners with their API token (`GET /api/v1/fraud/range/key`, staff Bearer token), and
rotated by setting a new key and running `toandan fraud-rehash`. Without it (development) the
key is derived from SECRET_KEY. Phone numbers and account numbers have small keyspaces, so a
published key would let anyone enumerate them: the key is a partner secret (a pepper), the
prefix is short (20 bits: about ten real entries per prefix at ten million indicators), and
answers are padded to a fixed size so their length says nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac

PREFIX_LENGTH = 5
KEY_VERSION_SETTING = "TOANDAN_FRAUD_RANGE_KEY"


def range_key() -> bytes:
    configured = getattr(settings, KEY_VERSION_SETTING, "") or ""
    if configured:
        return bytes.fromhex(configured)
    return salted_hmac("toandan.antifraud.range", "key-v1", algorithm="sha256").digest()


def digest_of(kind: str, value: str, key: bytes | None = None) -> str:
    message = f"{kind}:{value}".encode()
    return hmac.new(key if key is not None else range_key(), message, hashlib.sha256).hexdigest()
