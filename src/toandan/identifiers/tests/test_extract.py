"""`extract`'s internals held to their slower, obvious forms."""

from __future__ import annotations

import json
import re

from toandan.identifiers import extract
from toandan.identifiers.banks import bank_table
from toandan.identifiers.tests.test_recall import DATA


def _bank_names_as_written() -> re.Pattern[str]:
    """Every name and alias as the table writes it, matched ignoring case."""
    names = {n for bank in bank_table().banks for n in (bank.short_name, *bank.aliases) if n}
    ordered = sorted(names, key=len, reverse=True)
    alternatives = "|".join(re.escape(n).replace(r"\ ", r"[\s\-]?") for n in ordered)
    return re.compile(rf"(?<![a-z0-9])({alternatives})(?![a-z0-9])", re.IGNORECASE)


def test_bank_names_are_found_in_folded_text_as_the_case_blind_pattern_finds_them() -> None:
    """The pattern is lower-case only, without IGNORECASE (four times faster: the engine can
    skip positions whose letter starts no name); on the folded, lower-cased text it is run
    on, it finds exactly what a case-blind pattern of the names as written finds."""
    slow = _bank_names_as_written()
    texts = [json.loads(line)["text"] for line in DATA.read_text("utf-8").splitlines()]
    texts += ["chuyen vao Vietcombank", "STK 0123456789 ngan-hang minh hoa", "techcombank."]
    checked = 0
    for text in texts:
        folded = "".join(map(extract._fold_char, text)).lower()
        fast = [(m.span(), m.group(1)) for m in extract._bank_names().finditer(folded)]
        assert fast == [(m.span(), m.group(1)) for m in slow.finditer(folded)], text
        checked += len(fast)
    assert checked > 100  # the messages do name banks


def test_a_dotless_i_counts_as_the_case_blind_pattern_counts_it() -> None:
    """The dotless "ı" (U+0131; "𝚤" becomes it under NFKC) survives folding and lower-casing: a
    case-blind pattern takes it for "i" and for a letter: "vcbı" names no bank, and the bank
    next to an account written "ıvcb: …: VIB" is VIB, not Vietcombank."""
    slow = _bank_names_as_written()
    texts = ["bıdv 0011004567890", "vcbı 04114653612", "ıvcb: 67816837997158: VIB", "vıetcombank"]
    for text in texts:
        folded = "".join(map(extract._fold_char, text)).lower()
        fast = [(m.span(), m.group(1)) for m in extract._bank_names().finditer(folded)]
        assert fast == [(m.span(), m.group(1)) for m in slow.finditer(folded)], text

    assert [i.value for i in extract.extract("ıvcb: 67816837997158: VIB")] == [
        "970441:67816837997158"
    ]
    assert extract.extract("vcbı 04114653612") == []
