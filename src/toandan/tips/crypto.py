"""Keys kept outside the database, and the envelope encryption of tips.

The keyring is a JSON file (settings.TOANDAN_KEYRING_FILE, mode 0600):

    {"current": "k20260101-1a2b3c4d",
     "keks": {"k20260101-1a2b3c4d": "<base64 of 32 bytes>", ...},
     "receipt_pepper": "<base64 of 32 bytes>"}

Envelope encryption: every tip gets its own random 256-bit data key. The tip's content, its
messages, attachments and file names are sealed with that data key (AES-256-GCM); the data key
is stored only wrapped (AES-256-GCM again) by the current key-encryption key (KEK) of the
keyring. A database dump therefore opens nothing without the keyring file, and rotating the
KEK re-wraps 32-byte keys, not whole tips (`toandan keys rotate`).

Every ciphertext is bound by its associated data to the tip's reference and to its purpose
("content", "contact", "message", "file", "name"), so a ciphertext copied onto another tip,
or from the contact column into the content column, fails to open instead of being shown in
the wrong place.

Plaintexts are padded before sealing (Padmé, as in PURBs: at most 12 % overhead, and the
stored length reveals only the order of magnitude of the text), so the length of a tip does not
tell what kind of tip it is.

A keyring is made only by `keyring_create` (`toandan keys init`, which `toandan setup` runs on
an empty database). A missing file is an error, never a reason to make a new one: a server
restored without its keyring would otherwise seal new tips under a key nobody backed up and
fail to open every old one (toandan.tips.keyring_check refuses to start instead).

The keyring is read once per process and kept in memory; the file is checked (one stat) on each
use, so a running server picks up a key rotated by `toandan keys rotate` in another process, and
a KEK id the cache does not know makes it read the file again before giving up.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone

KEY_BYTES = 32
NONCE_BYTES = 12
# Sealed format: version byte, nonce, AES-GCM ciphertext and tag.
_VERSION = b"\x01"
_MIN_PADDED = 256
_LENGTH_BYTES = 4

# Binary fields come back from the database as memoryview on PostgreSQL, bytes on SQLite.
Blob = bytes | memoryview

# "event": reasons and notes in a tip's history (toandan.tips.handling.timeline).
PURPOSES = frozenset({"content", "contact", "message", "file", "name", "event"})


class KeyringError(RuntimeError):
    """The keyring file is missing a key that is needed, or cannot be read."""


class KeyringMissingError(KeyringError):
    """There is no keyring file: restore it, or make one with `toandan keys init`."""


class DecryptionError(Exception):
    """A ciphertext does not open: wrong key, wrong tip or purpose, or tampered bytes."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keks: dict[str, bytes]
    receipt_pepper: bytes
    # Identity of the file this was read from: a change means another process rewrote it.
    stamp: tuple[int, int, int] = field(default=(0, 0, 0), compare=False)

    def kek(self, kek_id: str) -> bytes:
        return self.keks[kek_id]

    def to_json(self) -> str:
        return json.dumps(
            {
                "current": self.current,
                "keks": {k: _b64(v) for k, v in sorted(self.keks.items())},
                "receipt_pepper": _b64(self.receipt_pepper),
            },
            indent=2,
        )


class Envelope(NamedTuple):
    """A new data key, and the same key wrapped by the KEK `kek_id` for storage."""

    kek_id: str
    wrapped_key: bytes
    data_key: bytes


_lock = threading.Lock()
_cache: dict[Path, Keyring] = {}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, *, what: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        msg = f"keyring: {what} is not valid base64"
        raise KeyringError(msg) from exc
    if len(data) != KEY_BYTES:
        msg = f"keyring: {what} must be {KEY_BYTES} bytes"
        raise KeyringError(msg)
    return data


def keyring_path() -> Path:
    return Path(settings.TOANDAN_KEYRING_FILE)


def keyring_add_kek() -> Keyring:
    """A new random KEK, made current. Older KEKs stay until nothing they wrap is left."""

    def add(ring: Keyring) -> Keyring:
        kek_id = new_kek_id()
        return replace(
            ring, current=kek_id, keks={**ring.keks, kek_id: secrets.token_bytes(KEY_BYTES)}
        )

    return keyring_update(add)


def keyring_remove_keks(kek_ids: Collection[str]) -> Keyring:
    """Drop KEKs (never the current one). Only for KEKs that no stored key names any more."""

    def remove(ring: Keyring) -> Keyring:
        if ring.current in kek_ids:
            msg = "the current KEK cannot be removed"
            raise KeyringError(msg)
        return replace(ring, keks={k: v for k, v in ring.keks.items() if k not in kek_ids})

    return keyring_update(remove)


def new_kek_id() -> str:
    """ "k20260819-3f9a0c1e": the day it was made, and random so two rotations never clash."""
    return f"k{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"


def _stamp(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _parse(text: str, stamp: tuple[int, int, int]) -> Keyring:
    try:
        raw = json.loads(text)
        current = str(raw["current"])
        keks = {str(k): _unb64(str(v), what=f"KEK {k}") for k, v in raw["keks"].items()}
        pepper = _unb64(str(raw["receipt_pepper"]), what="receipt_pepper")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        msg = "keyring file is not valid"
        raise KeyringError(msg) from exc
    if current not in keks:
        msg = f"keyring: the current KEK {current!r} is not in the file"
        raise KeyringError(msg)
    return Keyring(current=current, keks=keks, receipt_pepper=pepper, stamp=stamp)


def _read(path: Path) -> Keyring:
    with path.open("r", encoding="utf-8") as handle:
        stamp = os.fstat(handle.fileno())
        text = handle.read()
    return _parse(text, (stamp.st_ino, stamp.st_mtime_ns, stamp.st_size))


def _write_temp(path: Path, ring: Keyring) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".keyring-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(ring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keyring_create(path: Path | None = None) -> Keyring:
    """A new keyring with one KEK and a pepper, unless the file exists (then it is read).

    Only for a first-time setup on a database that holds no tips (`toandan keys init`).
    Linked into place so two processes starting at once end up with the same file, never a
    half-written one."""
    path = path or keyring_path()
    kek_id = new_kek_id()
    ring = Keyring(
        current=kek_id,
        keks={kek_id: secrets.token_bytes(KEY_BYTES)},
        receipt_pepper=secrets.token_bytes(KEY_BYTES),
    )
    temp = _write_temp(path, ring)
    try:
        os.link(temp, path)
    except FileExistsError:
        pass  # another process won the race: use its file
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return _read(path)


def keyring_update(change: Callable[[Keyring], Keyring]) -> Keyring:
    """Read, change and replace the keyring file atomically (temporary file, fsync, rename),
    holding an exclusive lock so two administrators' commands cannot lose each other's keys.
    Readers never lock: they see the old file or the new one, never a mix."""
    path = keyring_path()
    keyring()  # fails here, before locking, when there is no keyring to change
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            ring = change(_read(path))
            if ring.current not in ring.keks:
                msg = "the current KEK must stay in the keyring"
                raise KeyringError(msg)
            temp = _write_temp(path, ring)
            temp.replace(path)
            _fsync_dir(path.parent)
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
    return keyring(reload=True)


def keyring(*, reload: bool = False) -> Keyring:
    """The keyring, from memory unless the file changed (or `reload`)."""
    path = keyring_path()
    with _lock:
        cached = _cache.get(path)
        try:
            stamp = _stamp(path)
        except FileNotFoundError:
            stamp = None
        if cached is not None and not reload and stamp == cached.stamp:
            return cached
        if stamp is None:
            msg = (
                f"there is no keyring file at {path}: restore it from the backup "
                "(`toandan restore`) or, on a new installation, run `toandan setup`"
            )
            raise KeyringMissingError(msg)
        ring = _read(path)
        _cache[path] = ring
        return ring


def forget_cached_keyring() -> None:
    """Drop the in-process copy, as a freshly started process would have none."""
    with _lock:
        _cache.clear()


def kek(kek_id: str) -> bytes:
    """The KEK with this id; reads the file again before deciding it does not exist."""
    ring = keyring()
    if kek_id not in ring.keks:
        ring = keyring(reload=True)
    try:
        return ring.kek(kek_id)
    except KeyError:
        msg = f"KEK {kek_id!r} is not in the keyring: restore it from the backup"
        raise KeyringError(msg) from None


# --- Sealing -------------------------------------------------------------------------------------


def aad(reference: str, purpose: str, *extra: str) -> bytes:
    """Associated data binding a ciphertext to one tip and one use."""
    if purpose not in PURPOSES:
        msg = f"unknown purpose {purpose!r}"
        raise ValueError(msg)
    return "|".join(("toandan.tips.v1", purpose, reference, *extra)).encode()


def padded_length(length: int) -> int:
    """Padmé: round up so that only the top bits of the length remain (≤ 12 % overhead)."""
    length = max(length, _MIN_PADDED)
    exponent = length.bit_length() - 1
    size_bits = exponent.bit_length()
    mask = (1 << (exponent - size_bits)) - 1
    return (length + mask) & ~mask


def _pad(plaintext: bytes) -> bytes:
    framed = len(plaintext).to_bytes(_LENGTH_BYTES, "big") + plaintext
    return framed + bytes(padded_length(len(framed)) - len(framed))


def _unpad(padded: bytes) -> bytes:
    if len(padded) < _LENGTH_BYTES:
        raise DecryptionError
    length = int.from_bytes(padded[:_LENGTH_BYTES], "big")
    if length > len(padded) - _LENGTH_BYTES:
        raise DecryptionError
    return padded[_LENGTH_BYTES : _LENGTH_BYTES + length]


def seal(data_key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return _VERSION + nonce + AESGCM(data_key).encrypt(nonce, _pad(plaintext), associated)


def open_(data_key: bytes, sealed: Blob, associated: bytes) -> bytes:
    raw = bytes(sealed)
    if len(raw) < 1 + NONCE_BYTES + 16 or raw[:1] != _VERSION:
        raise DecryptionError
    nonce = raw[1 : 1 + NONCE_BYTES]
    try:
        padded = AESGCM(data_key).decrypt(nonce, raw[1 + NONCE_BYTES :], associated)
    except InvalidTag as exc:
        raise DecryptionError from exc
    return _unpad(padded)


def seal_json(data_key: bytes, value: Any, associated: bytes) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return seal(data_key, text.encode(), associated)


def open_json(data_key: bytes, sealed: Blob, associated: bytes) -> Any:
    return json.loads(open_(data_key, sealed, associated).decode())


def seal_text(data_key: bytes, text: str, associated: bytes) -> bytes:
    return seal(data_key, text.encode(), associated)


def open_text(data_key: bytes, sealed: Blob, associated: bytes) -> str:
    return open_(data_key, sealed, associated).decode()


# --- Data keys -----------------------------------------------------------------------------------


def _wrap_aad(kek_id: str, reference: str) -> bytes:
    return f"toandan.tips.v1|wrap|{kek_id}|{reference}".encode()


def wrap(data_key: bytes, *, kek_id: str, reference: str) -> bytes:
    return _wrap_with(kek(kek_id), data_key, kek_id=kek_id, reference=reference)


def unwrap(kek_id: str, wrapped: Blob, reference: str) -> bytes:
    raw = bytes(wrapped)
    key = kek(kek_id)
    try:
        return AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _wrap_aad(kek_id, reference)
        )
    except InvalidTag as exc:
        raise DecryptionError from exc


def _wrap_with(kek_bytes: bytes, data_key: bytes, *, kek_id: str, reference: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(kek_bytes).encrypt(nonce, data_key, _wrap_aad(kek_id, reference))


def new_envelope(reference: str, *, ring: Keyring | None = None) -> Envelope:
    """A fresh data key for the tip `reference`, wrapped by the current KEK (of `ring`, a
    keyring already checked against the database, if given)."""
    ring = ring or keyring()
    data_key = secrets.token_bytes(KEY_BYTES)
    wrapped = _wrap_with(ring.kek(ring.current), data_key, kek_id=ring.current, reference=reference)
    return Envelope(ring.current, wrapped, data_key)


def rewrap(kek_id: str, wrapped: Blob, reference: str, *, to_kek_id: str) -> bytes:
    """The same data key, wrapped by another KEK (key rotation)."""
    return wrap(unwrap(kek_id, wrapped, reference), kek_id=to_kek_id, reference=reference)
