"""Bank accounts: (bank, digits) keyed by the bank's NAPAS BIN from a shipped, versioned table.

Account numbers carry no checksum and the same digits can exist at two banks, so an account
is only an identifier together with its bank. The table (`data/banks_vn.json`, with its
version and source) lists BINs, short names and the names people write ("vcb", "mb bank");
it is never read from the network.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from toandan.core.text import strip_accents
from toandan.identifiers import Identifier, Kind, plain_text

_NOT_KEY = re.compile(r"[^a-z0-9]")
_SEPARATORS = re.compile(r"[\s.\-]")

ACCOUNT_DIGITS = re.compile(r"[0-9]{6,19}")


@dataclass(frozen=True)
class Bank:
    bin: str
    short_name: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class BankTable:
    version: str
    source: str
    banks: tuple[Bank, ...]


@functools.cache
def bank_table() -> BankTable:
    raw = json.loads(
        resources.files("toandan.identifiers").joinpath("data/banks_vn.json").read_text("utf-8")
    )
    banks = tuple(
        Bank(
            bin=row["bin"],
            short_name=row["short_name"],
            name=row["name"],
            aliases=tuple(row["aliases"]),
        )
        for row in raw["banks"]
    )
    return BankTable(version=raw["version"], source=raw["source"], banks=banks)


def _key(text: str) -> str:
    return _NOT_KEY.sub("", strip_accents(text).lower())


@functools.cache
def _by_name() -> dict[str, Bank]:
    index: dict[str, Bank] = {}
    for bank in bank_table().banks:
        for name in (bank.short_name, bank.bin, *bank.aliases):
            index.setdefault(_key(name), bank)
    return index


def bank_find(text: str) -> Bank | None:
    """The bank a person means by "Vietcombank", "VCB", "mb bank" or its BIN."""
    key = _key(text)
    if not key:
        return None
    found = _by_name().get(key)
    if found is None and key.endswith("bank"):
        found = _by_name().get(key[: -len("bank")])
    return found


def bank_by_bin(bin_: str) -> Bank | None:
    return next((bank for bank in bank_table().banks if bank.bin == bin_), None)


def bank_name_pattern() -> str:
    """A regular expression alternative of every bank name and alias (longest first), lower
    case: for text already lower-cased (a case-blind pattern costs four times as much)."""
    return _bank_name_pattern()


@functools.cache
def _bank_name_pattern() -> str:
    names = {
        name.lower()
        for bank in bank_table().banks
        for name in (bank.short_name, *bank.aliases)
        if name
    }
    ordered = sorted(names, key=len, reverse=True)
    return "|".join(re.escape(name).replace(r"\ ", r"[\s\-]?") for name in ordered)


def normalise_bank_account(bank: str, number: str) -> Identifier | None:
    """(bank as written, account number with spaces or dots) -> ``BIN:digits``; None if the
    bank is unknown or the number has not 6–19 digits."""
    found = bank_find(bank)
    digits = _SEPARATORS.sub("", plain_text(number or ""))
    if found is None or not ACCOUNT_DIGITS.fullmatch(digits):
        return None
    return Identifier(Kind.BANK_ACCOUNT, f"{found.bin}:{digits}", f"{found.short_name} {digits}")


def bank_account_from_value(value: str) -> Identifier | None:
    """``970436:0011004567890`` (as stored) back to an identifier with its display."""
    bin_, _, digits = plain_text(value).partition(":")
    found = bank_by_bin(bin_)
    if found is None or not ACCOUNT_DIGITS.fullmatch(digits):
        return None
    return Identifier(Kind.BANK_ACCOUNT, value, f"{found.short_name} {digits}")
