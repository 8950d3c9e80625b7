"""Phone numbers as they appear in scam reports, old spellings included.

`toandan.core.phones` keeps only numbers `phonenumbers` calls valid; a lookup must also match
what victims copy from old screenshots and what the metadata does not know yet:

- the 2018–2019 conversion of 11-digit mobiles to 10 digits (15/9/2018–30/6/2019, last seven
  digits kept): ``01695678945`` is ``0395678945`` today;
- mobile ranges allocated after the bundled metadata (it calls 052 and 089 invalid): a
  10-digit number starting 03, 05, 07, 08 or 09 is kept as a possible mobile;
- short codes (113, 114, 115, 111) and service numbers (1800…, 1900…), which impostors
  also use, so they stay listable.
"""

from __future__ import annotations

import re

import phonenumbers

from toandan.identifiers import Identifier, Kind

REGION = "VN"

# Old 4-digit prefixes (0 + 3 digits) of 11-digit mobiles -> the 3-digit prefix of today.
OLD_MOBILE_PREFIXES = {
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036",
    "0167": "037", "0168": "038", "0169": "039",
    # Vietnamobile
    "0186": "056", "0188": "058",
    # Gmobile
    "0199": "059",
}  # fmt: skip

SHORT_CODES = frozenset({"111", "112", "113", "114", "115", "116", "156", "5656"})
_MOBILE_10 = re.compile(r"0[35789]\d{8}")
_SERVICE = re.compile(r"1[89]00\d{4}(\d{2})?")
# Compiled once: every identifier of a public check passes here.
_PHONE_CHARS = re.compile(r"[+\d\s().\-]+")
_NOT_DIGIT = re.compile(r"\D")


def _digits_national(text: str) -> str | None:
    """The number as national digits ("0912345678", "113"), or None when it is not Vietnamese
    or has other characters than digits, spaces, dots, dashes, brackets and a plus."""
    raw = text.strip()
    if not raw or not _PHONE_CHARS.fullmatch(raw):
        return None
    digits = _NOT_DIGIT.sub("", raw)
    international = False
    if digits.startswith("0084"):
        digits, international = digits[4:], True
    elif raw.startswith("+"):
        if not digits.startswith("84"):
            return None  # another country
        digits, international = digits[2:], True
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits, international = digits[2:], True
    if international:
        return "0" + digits.lstrip("0")  # "+84 (0) 98 765 4321"
    if digits in SHORT_CODES or _SERVICE.fullmatch(digits):
        return digits
    return digits if digits.startswith("0") else "0" + digits


def _map_old_mobile(digits: str) -> str:
    if len(digits) == 11 and digits[:4] in OLD_MOBILE_PREFIXES:
        return OLD_MOBILE_PREFIXES[digits[:4]] + digits[4:]
    return digits


def _pretty(national: str) -> str:
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return national


def normalise_phone(text: str) -> Identifier | None:
    """A Vietnamese phone number, short code or service number; None if it cannot be one."""
    digits = _digits_national(text)
    if digits is None:
        return None
    if digits in SHORT_CODES or _SERVICE.fullmatch(digits):
        return Identifier(Kind.PHONE, digits, digits)
    digits = _map_old_mobile(digits)
    if len(digits) > 11 or digits.startswith("00"):
        return None  # longer than any Vietnamese number (bank accounts are), or a bare "00…"
    if _MOBILE_10.fullmatch(digits):
        # Kept whether or not the metadata knows the range (below), so its E.164 form is the
        # digits after the 0: `phonenumbers` would take 60 µs of a public check to say so.
        return Identifier(Kind.PHONE, "+84" + digits[1:], _pretty(digits))
    return _parsed(digits)


def _parsed(digits: str) -> Identifier | None:
    """National digits through `phonenumbers` (landlines, and mobiles' slow path in tests)."""
    try:
        number = phonenumbers.parse(digits, REGION)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number) or _MOBILE_10.fullmatch(digits):
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        national = "0" + e164[3:]
        return Identifier(Kind.PHONE, e164, _pretty(national))
    return None
