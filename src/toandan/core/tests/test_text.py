"""Text helpers: the one normalisation every piece of incoming text goes through."""

from __future__ import annotations

import unicodedata

import pytest

from toandan.core.text import clean_input_text


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Ngõ 12\x0b phố Hàng Bạc", "Ngõ 12 phố Hàng Bạc"),  # vertical tab
        ("\x1b[31mđỏ\x1b[0m", "[31mđỏ[0m"),  # terminal escape
        ("ma\x00 túy", "ma túy"),  # NUL
        ("a\x7fb\x85c\x9fd", "abcd"),  # DEL and C1 controls
        ("dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"),  # Windows and old Mac lines
        ("cột 1\tcột 2\n", "cột 1\tcột 2\n"),  # tab and newline stay
        ("a\ud800b\uffffc", "abc"),  # lone surrogate, non-character: not valid XML
    ],
)
def test_control_characters_are_removed_newline_and_tab_kept(sent: str, kept: str) -> None:
    assert clean_input_text(sent) == kept


def test_decomposed_vietnamese_is_composed() -> None:
    # A Vietnamese keyboard may send "ộ" as o + circumflex + dot below: search and
    # de-duplication compare composed text.
    decomposed = unicodedata.normalize("NFD", "Hoàn Kiếm, Hà Nội")

    cleaned = clean_input_text(decomposed)

    assert cleaned == "Hoàn Kiếm, Hà Nội"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_ascii_text_is_its_own_accent_free_form() -> None:
    """`strip_accents` returns ASCII text at once: folding would give it back unchanged."""
    from toandan.core.text import strip_accents

    every_ascii = "".join(map(chr, range(128)))
    decomposed = unicodedata.normalize("NFD", every_ascii)
    assert strip_accents(every_ascii) == every_ascii == decomposed
    assert strip_accents("Đắk Lắk, Hà Nội") == "Dak Lak, Ha Noi"
