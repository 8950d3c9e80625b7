"""Phone numbers as citizens type them, checked and written one way."""

from __future__ import annotations

import pytest

from toandan.core.phones import normalise_phone, possible_phone


@pytest.mark.parametrize(
    "typed", ["0912 345 678", "0912345678", "+84 912 345 678", "+84912345678", "84 912-345-678"]
)
def test_spellings_of_one_mobile_number_are_stored_as_one_number(typed):
    assert normalise_phone(typed) == "+84912345678"


@pytest.mark.parametrize("typed", ["12", "không có", "0000 000 000", ""])
def test_text_that_cannot_be_called_is_not_a_number(typed):
    assert normalise_phone(typed) is None


def test_a_form_refuses_at_once_what_cannot_even_look_like_a_number():
    assert possible_phone("0912 345 678")
    assert not possible_phone("12")
    assert not possible_phone("goi cho toi")
