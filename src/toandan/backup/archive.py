"""The encrypted container of a backup: a header, then the payload in authenticated chunks.

    magic (16 bytes) | header length (4, big-endian) | header (JSON) | chunk | chunk | ...

The key comes from a passphrase (scrypt, its parameters and salt in the header) or from an
X25519 recipient key (an ephemeral key agreement, HKDF; only the private key opens it). Each
chunk is AES-256-GCM with the whole header as associated data and a nonce made of a random
prefix, the chunk's number and a last-chunk flag (the STREAM construction), so chunks cannot
be reordered, dropped, or the archive cut short without the reader noticing. Archives of any
size are written and read in constant memory.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"TOANDAN-BACKUP\x00\x01"
CHUNK_BYTES = 1 << 20
_TAG_BYTES = 16
_PREFIX_BYTES = 7
_MAX_HEADER = 4096
# scrypt at 2^17 × 8: 128 MiB and about half a second per attempt, for a passphrase.
SCRYPT_N = 1 << 17
SCRYPT_R = 8
SCRYPT_P = 1
_HKDF_INFO = b"toandan-backup-x25519-v1"


class ArchiveError(Exception):
    """The archive cannot be opened: wrong passphrase or key, damaged, cut short, or not ours."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    return base64.b64decode(str(text), validate=True)


def _scrypt(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _x25519_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_HKDF_INFO
    ).derive(shared)


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519_keypair() -> tuple[str, str]:
    """A new recipient key pair (private, public), base64: keep the private one offline."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return _b64(raw), _b64(_raw_public(private.public_key()))


@dataclass(frozen=True)
class Sealing:
    """How to make the archive key: a passphrase, or a recipient's public key (base64)."""

    passphrase: str | None = None
    recipient: str | None = None
    scrypt_n: int = SCRYPT_N


def _new_header(sealing: Sealing) -> tuple[bytes, bytes]:
    fields: dict[str, Any] = {
        "version": 1,
        "cipher": "AES-256-GCM",
        "chunk": CHUNK_BYTES,
        "nonce_prefix": _b64(secrets.token_bytes(_PREFIX_BYTES)),
    }
    if sealing.recipient:
        try:
            recipient = X25519PublicKey.from_public_bytes(_unb64(sealing.recipient))
        except ValueError as exc:
            msg = "the recipient is not an X25519 public key (base64 of 32 bytes)"
            raise ArchiveError(msg) from exc
        ephemeral = X25519PrivateKey.generate()
        ephemeral_raw = _raw_public(ephemeral.public_key())
        recipient_raw = _raw_public(recipient)
        key = _x25519_key(ephemeral.exchange(recipient), ephemeral_raw, recipient_raw)
        fields |= {
            "kdf": "x25519-hkdf-sha256",
            "ephemeral": _b64(ephemeral_raw),
            "recipient": _b64(recipient_raw),
        }
    elif sealing.passphrase:
        salt = secrets.token_bytes(16)
        key = _scrypt(sealing.passphrase, salt, sealing.scrypt_n, SCRYPT_R, SCRYPT_P)
        fields |= {
            "kdf": "scrypt",
            "salt": _b64(salt),
            "n": sealing.scrypt_n,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
        }
    else:
        msg = "a backup needs a passphrase or a recipient key"
        raise ArchiveError(msg)
    body = json.dumps(fields, sort_keys=True).encode()
    return MAGIC + len(body).to_bytes(4, "big") + body, key


def _key_for(fields: dict[str, Any], *, passphrase: str | None, identity: str | None) -> bytes:
    kdf = fields.get("kdf")
    if kdf == "scrypt":
        if not passphrase:
            msg = "this archive is sealed with a passphrase"
            raise ArchiveError(msg)
        n, r, p = int(fields["n"]), int(fields["r"]), int(fields["p"])
        if n > 1 << 20 or r > 16 or p > 4:  # a hostile header must not exhaust memory
            msg = "the archive's key-derivation parameters are out of range"
            raise ArchiveError(msg)
        return _scrypt(passphrase, _unb64(fields["salt"]), n, r, p)
    if kdf == "x25519-hkdf-sha256":
        if not identity:
            msg = "this archive is sealed to an X25519 key: give its private key (--identity)"
            raise ArchiveError(msg)
        private = X25519PrivateKey.from_private_bytes(_unb64(identity))
        ephemeral = _unb64(fields["ephemeral"])
        recipient = _raw_public(private.public_key())
        if recipient != _unb64(fields["recipient"]):
            msg = "this archive is sealed to another X25519 key"
            raise ArchiveError(msg)
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        return _x25519_key(shared, ephemeral, recipient)
    msg = f"unknown key derivation {kdf!r}"
    raise ArchiveError(msg)


def _nonce(prefix: bytes, counter: int, *, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object: what is written goes out encrypted in chunks."""

    def __init__(self, out: IO[bytes], sealing: Sealing) -> None:
        self._out = out
        self._header, key = _new_header(sealing)
        self._aead = AESGCM(key)
        self._prefix = _unb64(json.loads(self._header[len(MAGIC) + 4 :])["nonce_prefix"])
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def _emit(self, data: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, last=last)
        self._out.write(self._aead.encrypt(nonce, data, self._header))
        self._counter += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk is only known at close.
        while len(self._buffer) > CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only file object over an archive; raises ArchiveError on any damage."""

    def __init__(
        self, source: IO[bytes], *, passphrase: str | None = None, identity: str | None = None
    ) -> None:
        self._source = source
        head = source.read(len(MAGIC) + 4)
        if len(head) < len(MAGIC) + 4 or head[: len(MAGIC)] != MAGIC:
            msg = "not a toandan backup archive"
            raise ArchiveError(msg)
        length = int.from_bytes(head[len(MAGIC) :], "big")
        if length > _MAX_HEADER:
            msg = "not a toandan backup archive"
            raise ArchiveError(msg)
        body = source.read(length)
        self._header = head + body
        try:
            self.fields: dict[str, Any] = json.loads(body)
            key = _key_for(self.fields, passphrase=passphrase, identity=identity)
            self._prefix = _unb64(self.fields["nonce_prefix"])
            self._chunk = int(self.fields["chunk"])
        except (ValueError, KeyError, TypeError) as exc:
            msg = "the archive's header is damaged"
            raise ArchiveError(msg) from exc
        self._aead = AESGCM(key)
        self._counter = 0
        self._pending = source.read(self._chunk + _TAG_BYTES)
        self._plain = bytearray()
        self._done = False

    def _next_chunk(self) -> None:
        following = self._source.read(self._chunk + _TAG_BYTES)
        last = not following
        nonce = _nonce(self._prefix, self._counter, last=last)
        try:
            self._plain += self._aead.decrypt(nonce, self._pending, self._header)
        except InvalidTag as exc:
            msg = (
                "the archive does not open: wrong passphrase or key, or the file was damaged"
                if self._counter == 0
                else f"the archive is damaged or was altered (chunk {self._counter})"
            )
            raise ArchiveError(msg) from exc
        self._counter += 1
        self._pending = following
        self._done = last

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._plain) < size):
            self._next_chunk()
        if size < 0:
            size = len(self._plain)
        data = bytes(self._plain[:size])
        del self._plain[:size]
        return data
