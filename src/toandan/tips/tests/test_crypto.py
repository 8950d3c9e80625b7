"""The keyring and the envelope encryption of tips."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from toandan.tips import crypto

REFERENCE = "ABCDEFGH2345"


@pytest.fixture
def fresh_keyring(settings, tmp_path):
    settings.TOANDAN_KEYRING_FILE = tmp_path / "keys" / "keyring.json"
    crypto.forget_cached_keyring()
    crypto.keyring_create()  # `toandan keys init` of a new installation
    yield settings.TOANDAN_KEYRING_FILE
    crypto.forget_cached_keyring()


def test_keyring_create_makes_a_private_keyring_file(settings, tmp_path):
    # Given no keyring file (a fresh `make run`)
    fresh_keyring = settings.TOANDAN_KEYRING_FILE = tmp_path / "keys" / "keyring.json"
    # When the first-time setup makes one
    ring = crypto.keyring_create()
    # Then the file exists, readable by its owner only, with one KEK and a pepper
    mode = stat.S_IMODE(fresh_keyring.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(fresh_keyring.parent.stat().st_mode) == 0o700
    raw = json.loads(fresh_keyring.read_text())
    assert raw["current"] == ring.current
    assert list(raw["keks"]) == [ring.current]
    assert len(ring.kek(ring.current)) == 32
    assert len(ring.receipt_pepper) == 32


def test_two_processes_starting_at_once_share_one_keyring(fresh_keyring):
    # Given several threads creating the keyring at the same moment (the race os.link wins)
    rings: list[crypto.Keyring] = []

    def start() -> None:
        rings.append(crypto.keyring_create(fresh_keyring))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then they all read the same keys
    assert len({ring.current for ring in rings}) == 1
    assert len({ring.receipt_pepper for ring in rings}) == 1


def test_sealed_content_opens_with_the_same_key_tip_and_purpose(fresh_keyring):
    envelope = crypto.new_envelope(REFERENCE)
    aad = crypto.aad(REFERENCE, "content")
    sealed = crypto.seal_json(envelope.data_key, {"description": "Mua bán ma túy"}, aad)
    data_key = crypto.unwrap(envelope.kek_id, envelope.wrapped_key, REFERENCE)
    assert crypto.open_json(data_key, sealed, aad) == {"description": "Mua bán ma túy"}
    assert "Mua bán".encode() not in sealed


def test_tampered_ciphertext_is_rejected(fresh_keyring):
    # Given a sealed tip content
    key = crypto.new_envelope(REFERENCE).data_key
    aad = crypto.aad(REFERENCE, "content")
    sealed = bytearray(crypto.seal_text(key, "Có người buôn ma túy", aad))
    # When an attacker with database access flips one bit
    sealed[-20] ^= 0x01
    # Then it does not open (and nothing altered is ever shown)
    with pytest.raises(crypto.DecryptionError):
        crypto.open_(key, bytes(sealed), aad)


def test_ciphertext_moved_to_another_tip_is_rejected(fresh_keyring):
    # Given tip A's content, copied by an attacker into tip B's row
    key = crypto.new_envelope(REFERENCE).data_key
    sealed = crypto.seal_text(key, "nội dung tin A", crypto.aad(REFERENCE, "content"))
    # Then opening it as B's content fails, even with the right data key
    with pytest.raises(crypto.DecryptionError):
        crypto.open_(key, sealed, crypto.aad("OTHERTIP2345", "content"))


def test_contact_ciphertext_cannot_be_shown_as_content(fresh_keyring):
    # Given the sealed contact details of a tip
    key = crypto.new_envelope(REFERENCE).data_key
    sealed = crypto.seal_json(key, {"phone": "+84912345678"}, crypto.aad(REFERENCE, "contact"))
    # When someone pastes them into the content column (which more officers may read)
    # Then they do not open as content
    with pytest.raises(crypto.DecryptionError):
        crypto.open_json(key, sealed, crypto.aad(REFERENCE, "content"))


def test_wrapped_key_moved_to_another_tip_is_rejected(fresh_keyring):
    envelope = crypto.new_envelope(REFERENCE)
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap(envelope.kek_id, envelope.wrapped_key, "OTHERTIP2345")


def test_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError, match="purpose"):
        crypto.aad(REFERENCE, "everything")


@pytest.mark.parametrize("length", [0, 1, 100, 252, 253, 1000, 5000, 70_000, 1_000_000])
def test_padding_hides_the_exact_length_and_round_trips(fresh_keyring, length):
    key = crypto.new_envelope(REFERENCE).data_key
    aad = crypto.aad(REFERENCE, "file", "x")
    plaintext = os.urandom(length)
    sealed = crypto.seal(key, plaintext, aad)
    assert crypto.open_(key, sealed, aad) == plaintext
    padded = len(sealed) - 1 - crypto.NONCE_BYTES - 16
    # At least the minimum bucket, at most 12 % (plus the 4-byte length) above the plaintext
    assert padded >= 256
    assert padded <= max(256, (length + 4) * 1.12 + 1)


def test_texts_of_similar_length_have_the_same_stored_length(fresh_keyring):
    # "Trộm xe" and a slightly longer tip cannot be told apart by the size of the row
    key = crypto.new_envelope(REFERENCE).data_key
    aad = crypto.aad(REFERENCE, "content")
    short = crypto.seal_text(key, "Trộm xe máy ở chợ", aad)
    longer = crypto.seal_text(key, "Trộm xe máy ở chợ Hàng Da lúc 9 giờ sáng thứ Bảy", aad)
    assert len(short) == len(longer)


def test_a_key_rotated_by_another_process_is_picked_up(fresh_keyring):
    # Given a server process that has the keyring in memory
    first = crypto.keyring()
    # When `toandan keys rotate` (another process) adds a KEK and makes it current
    raw = json.loads(fresh_keyring.read_text())
    new_id = "k20990101-deadbeef"
    raw["keks"][new_id] = raw["keks"][first.current]
    raw["current"] = new_id
    temp = fresh_keyring.with_name("other.json")
    temp.write_text(json.dumps(raw))
    temp.replace(fresh_keyring)
    # Then the server wraps new tips with the new KEK without a restart
    assert crypto.new_envelope(REFERENCE).kek_id == new_id


def test_an_unknown_kek_id_makes_the_keyring_be_read_again(fresh_keyring, monkeypatch):
    # Given a cached keyring whose file changed without its stamp changing (coarse clocks)
    crypto.keyring()
    envelope_kek = "k20990101-cafebabe"
    raw = json.loads(fresh_keyring.read_text())
    raw["keks"][envelope_kek] = raw["keks"][raw["current"]]
    fresh_keyring.write_text(json.dumps(raw))
    cached = crypto._cache[fresh_keyring]
    monkeypatch.setattr(crypto, "_stamp", lambda path: cached.stamp)
    # When a key wrapped by the KEK the cache does not know must be opened
    key = crypto.kek(envelope_kek)
    # Then the file is read again and the KEK found
    assert len(key) == 32


def test_a_missing_kek_is_reported_clearly(fresh_keyring):
    crypto.keyring()
    with pytest.raises(crypto.KeyringError, match="restore it from the backup"):
        crypto.kek("k20000101-00000000")


def test_a_damaged_keyring_file_is_reported(fresh_keyring):
    crypto.forget_cached_keyring()
    fresh_keyring.write_text('{"current": "a", "keks": {"a": "not base64!"}}')
    with pytest.raises(crypto.KeyringError):
        crypto.keyring()


def test_keyring_update_keeps_old_keks_and_file_private(fresh_keyring):
    old = crypto.keyring()
    new = crypto.keyring_add_kek()
    assert new.current != old.current
    assert set(new.keks) == {old.current, new.current}
    assert new.receipt_pepper == old.receipt_pepper
    assert stat.S_IMODE(fresh_keyring.stat().st_mode) == 0o600
    with pytest.raises(crypto.KeyringError):
        crypto.keyring_remove_keks([new.current])
    assert set(crypto.keyring_remove_keks([old.current]).keks) == {new.current}
