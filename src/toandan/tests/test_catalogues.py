"""Our translations are the ones shown.

Django merges every catalogue into one: a msgid that Django or another app also translates can
resolve to their text instead of ours ("History" showed as "Bản ghi nhớ", "Commune" as "Cấp
xã", "Filter" as "Bộ lọc", "active" as "Kích hoạt"). Ambiguous words take a context
(`pgettext`); this test fails as soon as a msgid of ours resolves to anything but our text.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from toandan.tests.test_project import _catalogues

SRC = Path(__file__).resolve().parents[1]


def _overridden(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    wrong = []
    with translation.override("vi"):
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            context = message.context
            ours: str
            if isinstance(message.id, tuple):
                singular, plural = message.id
                ours = str(
                    message.string[0] if isinstance(message.string, tuple) else message.string
                )
                shown = (
                    npgettext(context, singular, plural, 1)
                    if context
                    else ngettext(singular, plural, 1)
                )
            else:
                singular, ours = str(message.id), str(message.string)
                shown = pgettext(context, singular) if context else gettext(singular)
            if ours and shown != ours:
                where = f"{context}|" if context else ""
                wrong.append(f"{where}{singular!r}: {shown!r} instead of {ours!r}")
    return wrong


def test_every_msgid_of_ours_resolves_to_our_own_translation() -> None:
    wrong = {
        str(path.relative_to(SRC)): found for path in _catalogues() if (found := _overridden(path))
    }
    count = sum(len(found) for found in wrong.values())
    report = "\n".join(f"{path}: {line}" for path, lines in wrong.items() for line in lines)
    assert not wrong, f"{count} msgids resolve to another catalogue's text:\n{report}"
