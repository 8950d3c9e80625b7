"""One-time passwords for accounts created in bulk."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.hashers import Argon2PasswordHasher

# No look-alike characters (0/O, 1/l/I): the password is read off a printout.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
ONE_TIME_PASSWORD_LENGTH = 16


class _OneTimePasswordHasher(Argon2PasswordHasher):
    """Argon2 with light parameters, for random one-time passwords only.

    A 16-character random password carries ~90 bits of entropy: slow hashing adds nothing
    against guessing it, and it would make importing hundreds of officers take minutes. The
    hash is Django's ordinary argon2 format, so the configured hasher verifies it, and Django
    re-hashes with the full parameters at the first login (the user must change it anyway).
    """

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


_hasher = _OneTimePasswordHasher()


def one_time_password_generate() -> str:
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def one_time_password_hash(password: str) -> str:
    return _hasher.encode(password, _hasher.salt())
