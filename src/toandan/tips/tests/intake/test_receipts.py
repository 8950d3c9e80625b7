"""Receipts: generated, written, typed back, and stored only as a keyed hash."""

from __future__ import annotations

import math
import re

import pytest

from toandan.tips import crypto
from toandan.tips.intake import receipts


def test_a_receipt_has_more_than_64_bits_and_is_read_in_groups_of_four():
    digits = receipts.receipt_generate()
    assert re.fullmatch(r"\d{20}", digits)
    assert math.log2(10**receipts.RECEIPT_DIGITS) > 64
    formatted = receipts.receipt_format(digits)
    assert re.fullmatch(r"\d{4}( \d{4}){4}", formatted)
    assert formatted.replace(" ", "") == digits


def test_receipts_are_not_repeated():
    assert len({receipts.receipt_generate() for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    "typed",
    [
        "1234 5678 9012 3456 7890",
        "12345678901234567890",
        "1234-5678-9012-3456-7890",
        " 1234.5678.9012.3456.7890 ",
        "1234\u00a05678 9012 3456 7890",
    ],
)
def test_receipt_typed_with_spaces_or_dashes_is_understood(typed):
    assert receipts.receipt_parse(typed) == "12345678901234567890"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1234",
        "1234 5678 9012 3456 789",
        "1234 5678 9012 3456 78901",
        "1234 5678 9O12 3456 7890",
    ],
)
def test_what_is_not_a_receipt_is_refused(typed):
    assert receipts.receipt_parse(typed) is None
    with pytest.raises(ValueError, match="not a receipt"):
        receipts.hash_receipt(typed)


def test_full_width_or_other_script_digits_are_not_accepted():
    # "１２３４..." would otherwise be a second spelling of the same receipt
    assert receipts.receipt_parse("１２３４５６７８９０１２３４５６７８９０") is None


def test_the_hash_is_deterministic_and_ignores_formatting():
    digits = receipts.receipt_generate()
    assert receipts.hash_receipt(digits) == receipts.hash_receipt(receipts.receipt_format(digits))
    assert re.fullmatch(r"[0-9a-f]{64}", receipts.hash_receipt(digits))


def test_different_receipts_have_different_hashes():
    assert receipts.hash_receipt("1" * 20) != receipts.hash_receipt("1" * 19 + "2")


def test_the_hash_depends_on_the_pepper_outside_the_database(settings, tmp_path):
    # Given the same receipt hashed with two different keyrings (two installations)
    receipt = "1234 5678 9012 3456 7890"
    first = receipts.hash_receipt(receipt)
    settings.TOANDAN_KEYRING_FILE = tmp_path / "other" / "keyring.json"
    crypto.keyring_create()
    try:
        second = receipts.hash_receipt(receipt)
    finally:
        crypto.forget_cached_keyring()
    # Then the hashes differ: without the keyring file a stored hash cannot be tested
    assert first != second


def test_the_hash_uses_the_configured_argon2_cost(settings):
    receipt = "1234 5678 9012 3456 7890"
    cheap = receipts.hash_receipt(receipt)
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 2
    assert receipts.hash_receipt(receipt) != cheap


def test_hashing_anything_costs_the_same_work_and_never_matches_a_receipt():
    assert receipts.hash_anything("not a receipt") != receipts.hash_receipt("0" * 20)
    assert re.fullmatch(r"[0-9a-f]{64}", receipts.hash_anything("x" * 10_000))


# --- The Argon2id implementation -----------------------------------------------------------------


def _reference_argon2(secret: bytes, pepper: bytes, time_cost: int, memory_kib: int) -> bytes:
    """The receipt's Argon2id as argon2-cffi (the reference C code) computes it: the hashes
    stored before libsodium computed them."""
    from argon2.low_level import Type, hash_secret_raw

    salt = receipts._salt(pepper)
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )


@pytest.mark.parametrize(
    ("time_cost", "memory_kib"), [(1, 8), (1, 1024), (2, 1024), (3, 64), (1, 4096), (4, 19)]
)
def test_libsodium_gives_the_bytes_the_reference_code_gave(settings, time_cost, memory_kib):
    # Given the costs an administrator may set (the default is 1 pass over 1 MiB)
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = time_cost
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = memory_kib
    pepper = crypto.keyring().receipt_pepper
    for secret in [b"12345678901234567890", receipts.receipt_generate().encode(), b"x" * 256]:
        # Then a receipt hashed before the change still opens its tip
        assert receipts._argon2(secret, pepper) == _reference_argon2(
            secret, pepper, time_cost, memory_kib
        )


def test_the_receipt_hash_is_computed_by_libsodium(monkeypatch):
    # libsodium's Argon2id uses the processor's vector instructions: 1.7 times faster than
    # the reference code here, for the same bytes (the test above), on every tip and lookup.
    import argon2.low_level

    def refuse(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("the reference Argon2 code ran")

    monkeypatch.setattr(argon2.low_level, "hash_secret_raw", refuse)
    monkeypatch.setattr(receipts, "hash_secret_raw", refuse, raising=False)
    assert re.fullmatch(r"[0-9a-f]{64}", receipts.hash_receipt("1234 5678 9012 3456 7890"))
