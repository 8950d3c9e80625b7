"""Receipts: the only key a tipster holds to their tip.

A receipt is 20 random decimal digits (10^20 ≈ 2^66.4, above the 64 bits the issue asks for),
written in groups of four so it can be read over the phone: "1234 5678 9012 3456 7890".

It is never stored. The database keeps `hash_receipt(receipt)`:

    HMAC-SHA256(pepper, Argon2id(receipt, salt = HMAC(pepper, "salt")))

- the pepper lives in the keyring file, outside the database, so a leaked database alone
  cannot test a single guess;
- Argon2id makes each guess cost memory and time even for someone holding the pepper;
- the salt is fixed (derived from the pepper) so the hash is deterministic: a receipt is found
  by an indexed equality lookup, never by trying every tip.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from nacl import bindings as sodium

from toandan.tips import crypto

RECEIPT_DIGITS = 20
GROUP = 4
_SEPARATORS = frozenset(" -.\u00a0\u202f\t\n\r")


def receipt_generate() -> str:
    """20 random digits, unformatted."""
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_format(digits: str) -> str:
    """ "12345678901234567890" -> "1234 5678 9012 3456 7890"."""
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def receipt_parse(text: str) -> str | None:
    """The 20 digits of a receipt as typed (spaces, dashes and dots are ignored), or None."""
    digits = []
    for char in text.strip():
        if char in _SEPARATORS:
            continue
        if char not in "0123456789":
            return None
        digits.append(char)
    if len(digits) != RECEIPT_DIGITS:
        return None
    return "".join(digits)


# A tip's reference: letters and digits (12 random ones, or a demo's "DEMO06").
REFERENCE_LENGTHS = range(6, 17)


def looks_like_reference(text: str) -> bool:
    """Whether a tip's reference was typed where its receipt belongs. Tells only the shape of
    the text (a receipt is digits only), never whether such a tip exists."""
    compact = "".join(ch for ch in text.strip() if ch not in _SEPARATORS)
    return (
        len(compact) in REFERENCE_LENGTHS
        and compact.isascii()
        and compact.isalnum()
        and not compact.isdigit()
    )


def _salt(pepper: bytes) -> bytes:
    return hmac.new(pepper, b"toandan.tips.receipt.salt.v1", hashlib.sha256).digest()[:16]


def _argon2(secret: bytes, pepper: bytes) -> bytes:
    """Argon2id, one lane, with the configured costs, computed by libsodium: the same function
    as the reference code (argon2-cffi) and the same bytes, so stored hashes still match, but
    written with the processor's vector instructions, about 1.7 times faster (261 against 447
    µs at 1 MiB here). Every tip and every receipt lookup pays it."""
    return sodium.crypto_pwhash_alg(
        32,
        secret,
        _salt(pepper),
        settings.TOANDAN_RECEIPT_ARGON2_TIME_COST,
        settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB * 1024,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
    )


def hash_receipt(receipt: str) -> str:
    """The stored form of a receipt (64 hex characters). Raises ValueError on a malformed one."""
    digits = receipt_parse(receipt)
    if digits is None:
        msg = "not a receipt"
        raise ValueError(msg)
    pepper = crypto.keyring().receipt_pepper
    return hmac.new(pepper, _argon2(digits.encode(), pepper), hashlib.sha256).hexdigest()


def hash_anything(text: str) -> str:
    """The same work as `hash_receipt` for text that is not a receipt, so a malformed guess
    takes as long to refuse as a well-formed wrong one."""
    pepper = crypto.keyring().receipt_pepper
    raw = _argon2(text.encode()[:256], pepper)
    return hmac.new(pepper, raw, hashlib.sha256).hexdigest()
