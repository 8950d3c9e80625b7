"""Back up, lose everything, restore: tips open, receipts work, the audit chain and 2FA hold."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tarfile
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from toandan.accounts.models import User
from toandan.accounts.services import two_factor_enrol, two_factor_new_secret, two_factor_verify
from toandan.accounts.tests.factories import make_user
from toandan.backup import archive
from toandan.backup.services import _dump_database, _restore_database, _Staged
from toandan.core.startup import startup_problems
from toandan.tips import crypto
from toandan.tips.keyring_check import forget_verified_keyrings
from toandan.tips.models import Tip
from toandan.tips.selectors import attachment_read, tip_content
from toandan.tips.services import followup_open, tip_submit, tipster_reply
from toandan.tips.tests.conftest import HOAN_KIEM_POLICE, jpeg_upload, tip_input

PASSPHRASE = "một câu mật khẩu đủ dài 2026"


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    # The production cost (2^17) is the archive's header; the tests need not pay it each time.
    monkeypatch.setattr(archive, "SCRYPT_N", 1 << 14)
    monkeypatch.setattr(archive.Sealing.__init__, "__defaults__", (None, None, 1 << 14))


@pytest.fixture
def installation(settings: Any, tmp_path: Path, committed_db: Any) -> Any:
    """A server's var/: its own keyring, secret key file, attachments and checkpoint file."""
    var = tmp_path / "var"
    settings.VAR_DIR = var
    settings.TOANDAN_KEYRING_FILE = var / "keys" / "keyring.json"
    settings.TOANDAN_SECRET_KEY_FILE = var / "secret_key"
    settings.TOANDAN_ATTACHMENTS_DIR = var / "attachments"
    settings.TOANDAN_AUDIT_CHECKPOINT_FILE = var / "audit" / "checkpoints.jsonl"
    settings.TOANDAN_AUDIT_KEY = ""
    var.mkdir()
    settings.TOANDAN_SECRET_KEY_FILE.write_text(settings.SECRET_KEY)
    crypto.forget_cached_keyring()
    forget_verified_keyrings()
    crypto.keyring_create()
    # A safety copy of the session's database: a test that wipes it and whose restore is
    # refused must not leave the following tests without their geography.
    safety = tmp_path / "safety"
    safety.mkdir()
    snapshot = _dump_database(safety)
    yield settings
    if "tips_tip" not in connection.introspection.table_names():
        _wipe_database()
        staged = _Staged(manifest={"database": {"member": "db"}}, paths={"db": snapshot})
        _restore_database(staged, replace=True)
    crypto.forget_cached_keyring()
    forget_verified_keyrings()


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return path


def _wipe_database() -> None:
    if connection.vendor == "sqlite":
        with sqlite3.connect(":memory:") as empty:
            empty.backup(connection.connection)
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def _lose_everything(settings: Any) -> None:
    """The server is gone: database, keyring, secret key, attachments, checkpoints. A new one
    starts with a secret key of its own."""
    _wipe_database()
    shutil.rmtree(settings.VAR_DIR)
    settings.SECRET_KEY = "a-new-installation-made-its-own-secret-key-" + "x" * 30
    crypto.forget_cached_keyring()
    forget_verified_keyrings()


def _as_a_new_process(settings: Any) -> None:
    """What a server started after the restore reads: the restored secret key file."""
    settings.SECRET_KEY = Path(settings.TOANDAN_SECRET_KEY_FILE).read_text().strip()
    crypto.forget_cached_keyring()
    forget_verified_keyrings()


def _officer_with_two_factor() -> tuple[User, str]:
    officer = make_user("ca.backup.test", "police_officer", HOAN_KIEM_POLICE)
    secret = two_factor_new_secret()
    with transaction.atomic():
        enrolled = two_factor_enrol(
            user=officer, secret=secret, code=pyotp.TOTP(secret).at(time.time() - 30)
        )
    assert enrolled
    return officer, secret


def test_back_up_wipe_restore_leaves_everything_working(installation, passphrase_file, tmp_path):
    settings = installation
    # Given an officer with two-factor, a tip with a photo, and an intact audit chain
    officer, totp_secret = _officer_with_two_factor()
    submitted = tip_submit(data=tip_input(attachments=[jpeg_upload()]))
    reference = submitted.tip.reference
    call_command("audit", "verify", stdout=io.StringIO())
    # When the operator backs up, loses the server, and restores on a new one
    backup = tmp_path / "backups" / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    assert b"keyring" not in backup.read_bytes()  # sealed, not a plain tar
    _lose_everything(settings)
    out = io.StringIO()
    call_command("restore", str(backup), "--passphrase-file", str(passphrase_file), stdout=out)
    assert "checked" in out.getvalue()
    _as_a_new_process(settings)
    # Then the server would start, the tip and its photo open for the officer,
    assert startup_problems() == []
    tip = Tip.objects.get(reference=reference)
    officer = User.objects.get(pk=officer.pk)
    assert tip_content(tip, actor=officer)["description"].startswith("Hai thanh niên")
    photo = attachment_read(tip.attachments.get(), tip)
    assert photo.data[:2] == b"\xff\xd8"
    # the citizen's receipt follows up and they can reply,
    assert followup_open(receipt=submitted.receipt, client_key="citizen") == tip
    tipster_reply(tip=tip, body="Tôi bổ sung: xe máy màu đỏ.")
    # the audit chain verifies with the restored key,
    verified = io.StringIO()
    call_command("audit", "verify", stdout=verified)
    assert "intact" in verified.getvalue()
    # and the officer's two-factor code still works.
    assert two_factor_verify(user=officer, code=pyotp.TOTP(totp_secret).now())


def test_restore_refuses_a_wrong_passphrase_and_changes_nothing(
    installation, passphrase_file, tmp_path
):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all")
    keyring = Path(installation.TOANDAN_KEYRING_FILE).read_bytes()
    with pytest.raises(CommandError, match="wrong passphrase"):
        call_command("restore", str(backup), "--passphrase-file", str(wrong))
    assert Path(installation.TOANDAN_KEYRING_FILE).read_bytes() == keyring


def test_attack_altered_archive_is_refused(installation, passphrase_file, tmp_path):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    _lose_everything(installation)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup), "--passphrase-file", str(passphrase_file))
    assert not Path(installation.TOANDAN_KEYRING_FILE).exists()


def _reseal_with(backup: Path, replace: dict[str, bytes | None]) -> Path:
    """The same archive with some members swapped (a keyring from elsewhere, say), sealed again
    with the same passphrase: what someone assembling a set from two backups would get."""
    with backup.open("rb") as raw:
        reader = archive.DecryptingReader(raw, passphrase=PASSPHRASE)
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            members = [(m, tar.extractfile(m).read()) for m in tar]
    out = backup.with_name("mixed.tdb")
    with out.open("wb") as raw:
        writer = archive.EncryptingWriter(raw, archive.Sealing(passphrase=PASSPHRASE))
        with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
            for member, original in members:
                data = replace.get(member.name, original)
                if data is None:  # left out
                    continue
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))
        writer.close()
    return out


def test_restore_refuses_a_keyring_from_another_backup(installation, passphrase_file, tmp_path):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    other = tmp_path / "other-keyring.json"
    crypto.keyring_create(other)
    mixed = _reseal_with(backup, {"keys/keyring.json": other.read_bytes()})
    _lose_everything(installation)
    with pytest.raises(CommandError, match="do not belong together"):
        call_command("restore", str(mixed), "--passphrase-file", str(passphrase_file))
    assert not Path(installation.TOANDAN_KEYRING_FILE).exists()


def test_restore_refuses_to_overwrite_an_installation(installation, passphrase_file, tmp_path):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(backup), "--passphrase-file", str(passphrase_file))


def test_restore_refuses_a_secret_key_set_to_another_value(installation, passphrase_file, tmp_path):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    _lose_everything(installation)
    # The new server's secret comes from TOANDAN_SECRET_KEY (not the file restore writes)
    installation.TOANDAN_SECRET_KEY_FILE.parent.mkdir(parents=True)
    installation.TOANDAN_SECRET_KEY_FILE.write_text("the-file-says-something-else")
    with pytest.raises(CommandError, match="TOANDAN_SECRET_KEY is set to another value"):
        call_command("restore", str(backup), "--passphrase-file", str(passphrase_file))


def test_backup_refuses_an_inconsistent_installation(installation, passphrase_file, tmp_path):
    tip_submit(data=tip_input())
    Path(installation.TOANDAN_KEYRING_FILE).unlink()
    crypto.keyring_create()  # a new keyring that cannot open the tip
    with pytest.raises(CommandError, match="not consistent"):
        call_command("backup", str(tmp_path / "b.tdb"), "--passphrase-file", str(passphrase_file))
    assert not (tmp_path / "b.tdb").exists()


def test_sealed_to_an_x25519_key_only_its_private_key_opens(installation, tmp_path):
    identity = tmp_path / "backup-key"
    out = io.StringIO()
    call_command("backup", "--keygen", str(identity), stdout=out)
    public = out.getvalue().rsplit(": ", 1)[1].strip()
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--recipient", public)
    other = tmp_path / "other-key"
    call_command("backup", "--keygen", str(other), stdout=io.StringIO())
    with pytest.raises(CommandError, match="another X25519 key"):
        call_command("restore", str(backup), "--identity", str(other))
    # The right key opens it (and restore then refuses only because this server is not empty)
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(backup), "--identity", str(identity))


def test_restore_of_an_older_backup_names_the_audit_events_it_loses(
    installation, passphrase_file, tmp_path
):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    # Later work, checkpointed in the operator's file (kept off the server, so it survives)
    _officer_with_two_factor()
    call_command("audit", "verify", stdout=io.StringIO())
    kept = Path(installation.TOANDAN_AUDIT_CHECKPOINT_FILE).read_text()
    _lose_everything(installation)
    checkpoints = Path(installation.TOANDAN_AUDIT_CHECKPOINT_FILE)
    checkpoints.parent.mkdir(parents=True)
    checkpoints.write_text(kept)
    with pytest.raises(CommandError, match="newer than this backup"):
        call_command("restore", str(backup), "--passphrase-file", str(passphrase_file))
    out = io.StringIO()
    call_command(
        "restore",
        str(backup),
        "--passphrase-file",
        str(passphrase_file),
        "--accept-lost-events",
        stdout=out,
    )
    assert "are lost" in out.getvalue()
    _as_a_new_process(installation)
    call_command("audit", "verify", stdout=io.StringIO())
    assert json.loads(checkpoints.read_text().splitlines()[-1])["seq"] > 0


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_an_archive(settings, tmp_path, passphrase_file):
    # (Also the module's one test in a rolled-back transaction: it makes pytest-django create
    # the test database when these tests run on their own.)
    settings.VAR_DIR = tmp_path / "var"
    junk = tmp_path / "dump.sql"
    junk.write_text("CREATE TABLE tips_tip (id int);")
    with pytest.raises(CommandError, match="not a toandan backup archive"):
        call_command("restore", str(junk), "--passphrase-file", str(passphrase_file))


def test_the_archive_is_readable_by_its_owner_only(installation, passphrase_file, tmp_path):
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    assert backup.stat().st_mode & 0o777 == 0o600


def test_restore_refuses_an_archive_missing_its_secret_key(installation, passphrase_file, tmp_path):
    """Keyring and database without the secret key: the set that made `audit verify` call
    every event tampered and lost the two-factor secrets."""
    backup = tmp_path / "toandan.tdb"
    call_command("backup", str(backup), "--passphrase-file", str(passphrase_file))
    partial = _reseal_with(backup, {"keys/secret_key": None})
    _lose_everything(installation)
    with pytest.raises(CommandError, match="lacks members"):
        call_command("restore", str(partial), "--passphrase-file", str(passphrase_file))
    assert not Path(installation.TOANDAN_KEYRING_FILE).exists()
