"""Identifiers a scammer uses, written one way so two spellings compare equal.

A pure package (no models, no settings read at import): tips extract identifiers from the text
of a tip, antifraud stores and looks them up. Each kind has a normaliser returning an
`Identifier` (or None when the text cannot be one) and `extract(text)` finds every identifier
in a pasted message.

Values, per kind (what is stored, hashed and compared):

- ``phone``: E.164 (``+84912345678``) or a short code / service number as dialled (``113``,
  ``19001234``); old 11-digit mobiles are mapped to their 10-digit number first;
- ``bank_account``: ``<NAPAS BIN>:<digits>`` (``970436:0011004567890``), leading zeros kept;
- ``ewallet``: ``<wallet>:<phone E.164 or id>`` (``momo:+84912345678``);
- ``url``: the canonical URL (Safe Browsing canonicalisation, host in punycode);
- ``domain``: a registrable domain (``vietcombank-hotro.example``);
- ``social``: ``<network>:<canonical handle or id>`` (``telegram:hotro_vcb``,
  ``facebook:id=100000000000001``, ``tiktok:@qua_tang``); a Zalo personal link is a ``phone``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"
    EWALLET = "ewallet"
    URL = "url"
    DOMAIN = "domain"
    SOCIAL = "social"


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str
    # How to show it to a person ("Vietcombank 0011004567890", "0912 345 678").
    display: str = ""
    # A look-alike of a protected brand ("Vietcombank"), for links and domains.
    lookalike_of: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.value)

    def shown(self) -> str:
        return self.display or self.value


def plain_text(text: str) -> str:
    """Text as the normalisers read it: NFKC (composed Vietnamese, fullwidth and mathematical
    digits and letters folded) and every remaining script's digits as ASCII digits ("٠" ->
    "0"), so two spellings of one number compare equal."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )
