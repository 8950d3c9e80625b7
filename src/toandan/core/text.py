"""Vietnamese text helpers shared by every app."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z ]+")


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics: "Hà Nội" -> "Ha Noi", "Đắk Lắk" -> "Dak Lak".

    NFD splits most marks off the base letter; đ/Đ is a separate letter, not a mark, so it is
    mapped by hand.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def search_key(text: str) -> str:
    """Lower-case, accent-free, single-spaced key used for accent-insensitive search."""
    key = strip_accents(text).lower()
    key = _NON_WORD.sub(" ", key)
    return _SPACES.sub(" ", key).strip()
