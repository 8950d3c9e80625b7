"""Vietnamese phone numbers as citizens type them: "0912 345 678", "+84 912 345 678".

Any domain that takes a contact number uses these two checks: a form field says at once when
the text cannot be a number at all (`possible_phone`), and the service stores only a number
that can be called, written one way (`normalise_phone`, E.164) so that two spellings of the
same number compare equal.
"""

from __future__ import annotations

import phonenumbers

REGION = "VN"


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None


def possible_phone(text: str) -> bool:
    """True when the text has the shape of a phone number (length, digits), called or not."""
    number = _parse(text)
    return number is not None and phonenumbers.is_possible_number(number)


def normalise_phone(text: str) -> str | None:
    """ "0912 345 678" and "+84 912 345 678" -> "+84912345678"; None if it cannot be a number."""
    number = _parse(text)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
