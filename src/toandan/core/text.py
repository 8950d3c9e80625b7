"""Vietnamese text helpers shared by every app."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# C0 controls but tab and newline, DEL, C1 controls, lone surrogates (a JSON "\ud800" decodes to
# one) and the two non-characters XML forbids. None is ever typed on purpose; each breaks the
# XML of a DOCX or the UTF-8 of PostgreSQL, or hides text in a terminal.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NON_WORD = re.compile(r"[^0-9a-z ]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_input_text(text: str) -> str:
    """Incoming text as the platform keeps it: control characters removed except newline and
    tab, line ends as "\\n", NFC.

    Applied once, where text enters: `core.middleware.CleanInputTextMiddleware` for every query
    string and form (so a new form needs nothing), and the API's JSON parser (`toandan.api`).
    NFC because Vietnamese keyboards may send "ộ" decomposed, which would then not match the
    composed "ộ" in searches and duplicate checks.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNWANTED.sub("", text))


def has_control_characters(text: str) -> bool:
    """True for text with any C0 or C1 control, tab and newline included (for a URL's path,
    where none belongs)."""
    return _CONTROL.search(text) is not None


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics: "Hà Nội" -> "Ha Noi", "Đắk Lắk" -> "Dak Lak".

    NFD splits most marks off the base letter; đ/Đ is a separate letter, not a mark, so it is
    mapped by hand.
    """
    if text.isascii():
        return text  # nothing to fold (a check's hosts and most search keys)
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
