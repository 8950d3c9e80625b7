"""Figures as toandan writes them, everywhere: pages, dashboards, the summary paragraph,
exports. One formatter, one rule.

Babel writes the digits in the reader's language (CLDR: 4.701 and 0,5 in Vietnamese, 4,701
and 0.5 in English). The rule for running text and dashboards ("round words") is toandan's,
the one the press follows and the seed article shows ("110 nghìn nguồn tin", "4.701 mô hình"):

- below 10.000 the exact number is written (4.701): a reader can take in four digits, and a
  small count rounded ("4,7 nghìn mô hình") reads as if it were an estimate;
- from 10.000 the number is said in nghìn (thousand), triệu (million) or tỷ (billion), rounded
  half up to one decimal below 100 of the unit ("12,5 nghìn", "1,2 triệu") and to a whole
  number from 100 ("110 nghìn", "250 triệu"); a zero decimal is dropped ("3 tỷ");
- a rounding that reaches 1.000 of a unit moves to the next (999.960 is "1 triệu");
- above a thousand tỷ the amount stays in tỷ ("18.900 tỷ"), as official reports write it.

Babel's own compact format is not used for the words: it rounds half to even (12.450 would be
"12,4 nghìn"), abbreviates nothing the same way in both languages and says "nghìn tỷ" above a
thousand tỷ. No hedging words ("gần", "hơn", "khoảng") are added: the figure is rounded, not
qualified.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

Number = int | float | Decimal

# Vietnamese says nghìn, triệu, tỷ; the words come from the catalogue.
_UNITS: tuple[tuple[int, str], ...] = (
    (1_000_000_000, gettext_noop("billion")),
    (1_000_000, gettext_noop("million")),
    (1_000, gettext_noop("thousand")),
)
EXACT_BELOW = 10_000


def as_decimal(value: Number) -> Decimal:
    """The figure as a finite Decimal; TypeError for a boolean, ValueError for NaN or ±inf."""
    if isinstance(value, bool):
        msg = "a boolean is not a figure"
        raise TypeError(msg)
    number = Decimal(str(value))
    if not number.is_finite():
        msg = f"not a finite number: {value!r}"
        raise ValueError(msg)
    return number


def _locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _plain(number: Decimal) -> Decimal:
    # 1E+3 and 1200.00 are written 1.000 and 1.200.
    return (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )


def round_half_up(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Number, decimal_pos: int | None = None, *, locale: str = "") -> str:
    """4701 -> "4.701", 3.5 -> "3,5" in Vietnamese ("4,701", "3.5" in English): every decimal
    kept, or exactly `decimal_pos` of them, rounded half up. `locale` overrides the reader's
    language ("vi" for documents that are always Vietnamese)."""
    number = as_decimal(value)
    where = locale or _locale()
    if decimal_pos is not None:
        pattern = "#,##0" + ("." + "0" * decimal_pos if decimal_pos > 0 else "")
        return str(format_decimal(round_half_up(number, decimal_pos), format=pattern, locale=where))
    return str(format_decimal(_plain(number), locale=where, decimal_quantization=False))


def format_number_vi(value: Number) -> str:
    """4701 -> "4.701", 0.5 -> "0,5", whatever the reader's language."""
    return format_number(value, locale="vi")


def _scaled(magnitude: Decimal, unit: int) -> Decimal:
    value = magnitude / unit
    return round_half_up(value, 1 if value < 100 else 0)


def round_words(value: Number) -> str:
    """A figure for running text and dashboards in the reader's language: "110 nghìn" /
    "110 thousand", "4.701" / "4,701" (the rule is in the module docstring)."""
    number = as_decimal(value)
    sign = "-" if number < 0 else ""
    magnitude = abs(number)
    if magnitude < EXACT_BELOW:
        return sign + format_number(round_half_up(magnitude, 1))
    index = next(i for i, (limit, _word) in enumerate(_UNITS) if magnitude >= limit)
    scaled = _scaled(magnitude, _UNITS[index][0])
    if index > 0 and scaled >= 1000:
        index -= 1
        scaled = _scaled(magnitude, _UNITS[index][0])
    return f"{sign}{format_number(scaled)} {gettext(_UNITS[index][1])}"


def round_words_vi(value: Number) -> str:
    """`round_words` in Vietnamese: 110342 -> "110 nghìn", 4701 -> "4.701"."""
    with translation.override("vi"):
        return round_words(value)


def percent(ratio: Number, decimals: int = 1, *, locale: str = "") -> str:
    """A share (0.853) in the reader's language: "85,3%" / "85.3%"; a zero decimal is dropped
    ("50%")."""
    value = round_half_up(as_decimal(ratio) * 100, decimals)
    return format_number(value, locale=locale) + "%"


def percent_vi(ratio: Number, decimals: int = 1) -> str:
    return percent(ratio, decimals, locale="vi")
