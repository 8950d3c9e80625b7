"""Vietnamese text helpers shared by every app."""

from __future__ import annotations

import datetime as dt
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


def vi_date_words(day: dt.date) -> str:
    """ "ngày 20 tháng 11 năm 2023", the date of every Vietnamese document. Decree 30/2020
    (Appendix I) writes a day below 10 and the months 1 and 2 with a leading zero ("ngày 05
    tháng 02 năm 2024") so that no one can add a digit, and no other month ("tháng 3")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
