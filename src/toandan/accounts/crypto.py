"""Encryption of the TOTP secrets at rest.

The key is derived from SECRET_KEY with HKDF and a purpose label, so a database dump alone
does not give an attacker anyone's second factor. Rotating SECRET_KEY makes the stored secrets
unreadable: those users enrol again (an administrator resets their two-factor).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PURPOSE = b"toandan.accounts.totp-secret.v1"


class SecretUnreadableError(Exception):
    """The stored secret cannot be decrypted (the key changed, or the value was tampered)."""


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadableError from exc
