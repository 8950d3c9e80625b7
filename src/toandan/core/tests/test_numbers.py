"""One way to write a figure.

The summary and the pages write figures through `toandan.core.numbers`, Babel writing the
digits, so a figure reads the same everywhere.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from django.utils import translation

from toandan.core import numbers
from toandan.core.templatetags.vnformat import vn_number
from toandan.stats import vietnamese

FIGURES = [
    0,
    999,
    1_000,
    1_250,
    4_701,
    9_999,
    10_000,
    12_450,
    12_550,
    99_949,
    110_342,
    123_456,
    999_960,
    1_234_567,
    999_949_999,
    3_000_000_000,
    18_900_000_000_000,
    -2_500_000,
    Decimal("4701.5"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", FIGURES)
def test_the_page_filter_and_the_summary_write_a_figure_alike(value, language):
    with translation.override(language):
        assert vietnamese.round_words(value) == numbers.round_words(value)
        assert vn_number(value) == vietnamese.format_number(value) == numbers.format_number(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4_701, "4.701"),  # a count below 10.000 is exact: "4,7 nghìn" reads as an estimate
        (123_456, "123 nghìn"),  # whole from 100 of a unit
        (12_450, "12,5 nghìn"),  # half up, as the press rounds (Babel alone gives 12,4)
        (1_250, "1.250"),
        (18_900_000_000_000, "18.900 tỷ"),
    ],
)
def test_one_rule_in_vietnamese(value, expected):
    with translation.override("vi"):
        assert numbers.round_words(value) == expected


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", [4701, -12500, Decimal("1234.5"), Decimal("0.25"), 18_900_000])
def test_the_digits_are_babels_in_the_readers_language(value, language):
    with translation.override(language):
        assert numbers.format_number(value) == format_decimal(
            value, locale=language, decimal_quantization=False
        )
