"""`toandan backup` and `toandan restore`: everything an installation needs, in one archive.

A database dump alone restores nothing: tips open only with the keyring, two-factor secrets
and the audit chain need the secret key (or the audit key), and attachments live in files. So
the archive holds, together and consistent with each other:

- the database: SQLite's online backup, or `pg_dump --format=custom` (one snapshot);
- the keyring file (TOANDAN_KEYRING_FILE), the secret key and the audit key, if one is set;
- the encrypted attachment files (TOANDAN_ATTACHMENTS_DIR);
- a manifest: the size and SHA-256 of every member, the key ids in the keyring, and the audit
  chain's end (a checkpoint, also appended to the operator's checkpoint file).

It is sealed with a passphrase or to an X25519 key (toandan.backup.archive). A backup is only
made of a consistent set (the startup checks must pass: the keyring holds every key the
database uses), and `restore` checks every member against the manifest before it changes
anything, refuses an archive whose parts do not belong together, a target that is not empty
(unless told to replace it) and keys set in the environment that differ from the archive's.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from toandan.audit.services import (
    Checkpoint,
    audit_checkpoint_current,
    audit_checkpoint_write,
    audit_record,
    audit_verify,
    chain_key_for,
    checkpoint_path,
    checkpoints_read,
)
from toandan.backup.archive import ArchiveError, DecryptingReader, EncryptingWriter, Sealing
from toandan.backup.audit_actions import BackupAction
from toandan.core.startup import startup_problems

FORMAT = "toandan-backup-1"
MANIFEST = "manifest.json"
KEYRING = "keys/keyring.json"
SECRET_KEY_MEMBER = "keys/secret_key"  # noqa: S105 (a member name, not a secret)
AUDIT_KEY = "keys/audit_key"
ATTACHMENTS = "attachments/"
_DATABASE = {"sqlite": "database/toandan.sqlite3", "postgresql": "database/toandan.pgdump"}
_COPY_BYTES = 1 << 20


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    files: int
    attachments: int
    audit_seq: int


@dataclass(frozen=True)
class RestoreReport:
    created_at: str
    files: int
    attachments: int
    audit_seq: int
    problems: list[str] = field(default_factory=list)
    lost_checkpoint: int | None = None


# --- Backup --------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_COPY_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore; the password only in the environment."""
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as exc:
        msg = f"{command[0]} is not installed (the PostgreSQL client tools are needed)"
        raise BackupError(msg) from exc
    except subprocess.CalledProcessError as exc:
        msg = f"{command[0]} failed: {exc.stderr.strip()}"
        raise BackupError(msg) from exc


def _dump_database(work: Path) -> Path:
    vendor = connection.vendor
    if vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        source = connection.connection
        # The online backup API copies a consistent snapshot while the server keeps writing.
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return target
    if vendor == "postgresql":
        target = work / "database.pgdump"
        args, env = _pg_env(connection.settings_dict)
        name = str(connection.settings_dict["NAME"])
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                name,
            ],
            env,
        )
        return target
    msg = f"backups of {vendor} databases are not supported"
    raise BackupError(msg)


def _read_keyring_bytes() -> bytes:
    path = Path(settings.TOANDAN_KEYRING_FILE)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        msg = f"there is no keyring file at {path}: nothing to back up the tips' keys from"
        raise BackupError(msg) from exc


def _keyring_ids(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
        return {"current": str(data["current"]), "keks": sorted(str(k) for k in data["keks"])}
    except (ValueError, KeyError, TypeError) as exc:
        msg = "the keyring file is not valid"
        raise BackupError(msg) from exc


def _attachment_files() -> list[tuple[str, Path]]:
    root = Path(settings.TOANDAN_ATTACHMENTS_DIR)
    if not root.exists():
        return []
    return [
        (ATTACHMENTS + path.relative_to(root).as_posix(), path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


class _HashingReader:
    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path, expected: dict[str, Any]) -> None:
    info = tarfile.TarInfo(name)
    info.size = int(expected["size"])
    info.mode = 0o600
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    if reader.digest.hexdigest() != expected["sha256"]:
        msg = f"{path} changed while it was being backed up: run the backup again"
        raise BackupError(msg)


def backup_create(*, out: Path, sealing: Sealing) -> BackupReport:
    """Write one sealed archive of the database, keys and attachments to `out`."""
    problems = startup_problems()
    if problems:
        msg = "the installation is not consistent, so no backup is made:\n- " + "\n- ".join(
            problems
        )
        raise BackupError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)
    keyring_before = _read_keyring_bytes()
    # The plaintext dump waits next to the archive (where there is room), private, and goes.
    with tempfile.TemporaryDirectory(prefix=".toandan-backup-", dir=out.parent) as work_dir:
        work = Path(work_dir)
        # The chain's end before the dump: every event up to it is in the dump's snapshot (an
        # end read afterwards could name events the dump missed).
        checkpoint = audit_checkpoint_current()
        database = _dump_database(work)
        keyring = _read_keyring_bytes()
        if keyring != keyring_before:
            msg = "the keyring changed during the backup (a key rotation?): run it again"
            raise BackupError(msg)
        small = {
            KEYRING: keyring,
            SECRET_KEY_MEMBER: settings.SECRET_KEY.encode(),
            AUDIT_KEY: str(settings.TOANDAN_AUDIT_KEY).encode(),
        }
        large = [(_DATABASE[connection.vendor], database), *_attachment_files()]
        files: dict[str, dict[str, Any]] = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in small.items()
        }
        for name, path in large:
            digest, size = _sha256_file(path)
            files[name] = {"sha256": digest, "size": size}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "member": _DATABASE[connection.vendor]},
            "keyring": _keyring_ids(keyring),
            "audit": None
            if checkpoint is None
            else {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at},
            "files": files,
        }
        partial = out.with_name(out.name + ".partial")
        # Private from the first byte: it is sealed, but no one else need read it.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            writer = EncryptingWriter(raw, sealing)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
                for name, data in small.items():
                    _add_bytes(tar, name, data)
                for name, path in large:
                    _add_file(tar, name, path, files[name])
            writer.close()
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(out)
    if checkpoint is not None:
        audit_checkpoint_write(checkpoint)
    return BackupReport(
        path=out,
        files=len(files),
        attachments=len(large) - 1,
        audit_seq=checkpoint.seq if checkpoint else 0,
    )


# --- Restore -------------------------------------------------------------------------------------


@dataclass
class _Staged:
    manifest: dict[str, Any]
    paths: dict[str, Path]

    def text(self, name: str) -> str:
        return self.paths[name].read_text(encoding="utf-8")


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def _copy_checked(source: IO[bytes], target: Path, expected: dict[str, Any], name: str) -> None:
    digest = hashlib.sha256()
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        while chunk := source.read(_COPY_BYTES):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    if size != int(expected["size"]) or digest.hexdigest() != expected["sha256"]:
        msg = (
            f"{name} does not match the archive's manifest: the archive's parts do not "
            "belong together"
        )
        raise BackupError(msg)


def _stage(
    archive: Path, staging: Path, *, passphrase: str | None, identity: str | None
) -> _Staged:
    """Unpack into `staging`, checking every member against the manifest, changing nothing."""
    manifest: dict[str, Any] | None = None
    paths: dict[str, Path] = {}
    with archive.open("rb") as raw:
        reader = DecryptingReader(raw, passphrase=passphrase, identity=identity)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for number, member in enumerate(tar):
                    handle = tar.extractfile(member) if member.isfile() else None
                    if handle is None or not _safe_name(member.name):
                        msg = f"unexpected member {member.name!r} in the archive"
                        raise BackupError(msg)
                    if number == 0:
                        if member.name != MANIFEST:
                            msg = "the archive has no manifest"
                            raise BackupError(msg)
                        manifest = json.loads(handle.read())
                        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                            msg = "the archive's manifest is not one this version reads"
                            raise BackupError(msg)
                        continue
                    assert manifest is not None
                    expected = manifest["files"].get(member.name)
                    if expected is None or member.name in paths:
                        msg = f"{member.name!r} is not listed in the archive's manifest"
                        raise BackupError(msg)
                    target = staging / f"{len(paths):06d}"
                    _copy_checked(handle, target, expected, member.name)
                    paths[member.name] = target
        except tarfile.TarError as exc:
            msg = f"the archive's contents are damaged ({exc})"
            raise BackupError(msg) from exc
        except (ValueError, KeyError, TypeError) as exc:
            msg = "the archive's manifest is damaged"
            raise BackupError(msg) from exc
    if manifest is None:
        msg = "the archive is empty"
        raise BackupError(msg)
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("member") not in _DATABASE.values():
        msg = "the archive's manifest names no database"
        raise BackupError(msg)
    required = {KEYRING, SECRET_KEY_MEMBER, AUDIT_KEY, str(database["member"])}
    missing = sorted((set(manifest["files"]) | required) - set(paths))
    if missing:
        msg = f"the archive lacks members its manifest lists: {', '.join(missing[:5])}"
        raise BackupError(msg)
    return _Staged(manifest=manifest, paths=paths)


def _database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def _check_set(staged: _Staged) -> list[str]:
    """Why the archive's parts do not belong together or cannot go onto this installation."""
    manifest = staged.manifest
    refusals = []
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        refusals.append(
            f"the archive holds a {vendor} database; this installation uses {connection.vendor}"
        )
    try:
        ring = _keyring_ids(staged.paths[KEYRING].read_bytes())
    except BackupError as exc:
        refusals.append(str(exc))
    else:
        if ring != manifest["keyring"]:
            refusals.append("the archive's keyring is not the one its manifest names")
    secret = staged.text(SECRET_KEY_MEMBER)
    secret_file = Path(settings.TOANDAN_SECRET_KEY_FILE)
    from_file = not secret_file.exists() or secret_file.read_text().strip() == settings.SECRET_KEY
    if secret != settings.SECRET_KEY and not from_file:
        refusals.append(
            "TOANDAN_SECRET_KEY is set to another value than the backed-up secret key: set it "
            "to the installation's secret key (from your secret store), or unset it so the "
            f"restored {secret_file} is used"
        )
    if staged.text(AUDIT_KEY) != str(settings.TOANDAN_AUDIT_KEY):
        refusals.append(
            "TOANDAN_AUDIT_KEY differs from the audit key the backup was made with: set it "
            "to that value (from your secret store)"
            + ("" if staged.text(AUDIT_KEY) else ", or unset it")
        )
    return refusals


def _check_target(staged: _Staged, *, replace: bool) -> list[str]:
    if replace:
        return []
    refusals = []
    if _database_tables():
        refusals.append("the database is not empty")
    keyring = Path(settings.TOANDAN_KEYRING_FILE)
    if keyring.exists() and keyring.read_bytes() != staged.paths[KEYRING].read_bytes():
        refusals.append(f"a different keyring exists at {keyring}")
    attachments = Path(settings.TOANDAN_ATTACHMENTS_DIR)
    if attachments.exists() and any(p.is_file() for p in attachments.rglob("*")):
        refusals.append(f"{attachments} already holds attachments")
    if refusals:
        refusals[-1] += " (restore into a new installation, or pass --replace to overwrite it)"
    return refusals


def _restore_database(staged: _Staged, *, replace: bool) -> None:
    source = staged.paths[staged.manifest["database"]["member"]]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as copy:
            copy.backup(connection.connection)
        copy.close()
        return
    args, env = _pg_env(connection.settings_dict)
    name = str(connection.settings_dict["NAME"])
    connection.close()
    clean = ["--clean", "--if-exists"] if replace else []
    _run(
        [
            "pg_restore",
            *args,
            *clean,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={name}",
            str(source),
        ],
        env,
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)  # mode 0600
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    Path(name).replace(path)


def _restore_attachments(staged: _Staged) -> int:
    root = Path(settings.TOANDAN_ATTACHMENTS_DIR)
    count = 0
    for name, path in staged.paths.items():
        if not name.startswith(ATTACHMENTS):
            continue
        target = root / name.removeprefix(ATTACHMENTS)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(path, target)
        count += 1
    return count


def _later_checkpoint(staged: _Staged) -> Checkpoint | None:
    """A checkpoint the operator's file holds beyond the archive's end: events that will be
    lost by going back to this backup. (Read with the backed-up installation's key.)"""
    audit = staged.manifest.get("audit") or {}
    key = chain_key_for(secret_key=staged.text(SECRET_KEY_MEMBER), audit_key=staged.text(AUDIT_KEY))
    kept, _problems = checkpoints_read(key=key)
    later = [c for c in kept if c.seq > int(audit.get("seq", 0))]
    return max(later, key=lambda c: c.seq, default=None)


@contextmanager
def _staging_dir() -> Iterator[Path]:
    base = Path(settings.VAR_DIR)
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".toandan-restore-", dir=base) as name:
        yield Path(name)


def backup_restore(
    *,
    archive: Path,
    passphrase: str | None = None,
    identity: str | None = None,
    replace: bool = False,
    accept_lost_events: bool = False,
) -> RestoreReport:
    """Put an installation back from an archive; nothing changes unless every check passes."""
    with _staging_dir() as staging:
        try:
            staged = _stage(archive, staging, passphrase=passphrase, identity=identity)
        except ArchiveError as exc:
            raise BackupError(str(exc)) from exc
        refusals = _check_set(staged) + _check_target(staged, replace=replace)
        later = _later_checkpoint(staged)
        if later is not None and not accept_lost_events:
            refusals.append(
                f"the checkpoint file {checkpoint_path()} records audit event #{later.seq} "
                f"({later.at}), newer than this backup: restoring it loses the events after "
                "it. Restore a newer backup, or pass --accept-lost-events"
            )
        if refusals:
            raise BackupError("restore refused:\n- " + "\n- ".join(refusals))

        _restore_database(staged, replace=replace)
        _write_private(Path(settings.TOANDAN_KEYRING_FILE), staged.paths[KEYRING].read_bytes())
        secret = staged.text(SECRET_KEY_MEMBER)
        if secret != settings.SECRET_KEY:
            _write_private(Path(settings.TOANDAN_SECRET_KEY_FILE), secret.encode())
            # This process now speaks for the restored installation: its checks and the
            # restore's own audit event use the restored key, as every process started later.
            settings.SECRET_KEY = secret
        attachments = _restore_attachments(staged)

    lost = None
    if later is not None:
        lost = later.seq
        old = checkpoint_path()
        old.replace(old.with_name(f"{old.name}.before-restore-{timezone.now():%Y%m%dT%H%M%S}"))
    audit = staged.manifest.get("audit")
    if audit:
        checkpoint = Checkpoint(seq=int(audit["seq"]), hash=str(audit["hash"]), at=str(audit["at"]))
        audit_checkpoint_write(checkpoint)
    problems = startup_problems()
    report = audit_verify()
    problems += [f"audit event #{p.seq}: {p.problem}" for p in report.problems]
    if not problems:
        with transaction.atomic():
            audit_record(
                actor=None,
                action=BackupAction.RESTORE,
                object_type="backup",
                object_id=str(staged.manifest["created_at"])[:80],
                data={"audit_seq": audit["seq"] if audit else 0, "lost_after_checkpoint": lost},
            )
        audit_checkpoint_write()
    return RestoreReport(
        created_at=str(staged.manifest["created_at"]),
        files=len(staged.manifest["files"]),
        attachments=attachments,
        audit_seq=int(audit["seq"]) if audit else 0,
        problems=problems,
        lost_checkpoint=lost,
    )
