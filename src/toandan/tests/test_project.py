"""Project-wide checks: migrations, translations, the console command."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.apps import apps
from django.core.management import call_command

SRC = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} (exit {exc.code})")


def _catalogues() -> list[Path]:
    # Our own catalogues only: Django's contrib apps ship theirs.
    roots = [SRC / "locale"] + [Path(c.path) / "locale" for c in apps.get_app_configs()]
    found = {p for root in roots for p in root.glob("vi/LC_MESSAGES/django.po")}
    return sorted(p for p in found if p.is_relative_to(SRC))


def test_vietnamese_catalogues_exist() -> None:
    assert _catalogues(), "no Vietnamese catalogue found"


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(SRC)))
def test_every_interface_string_has_a_vietnamese_translation(po_path: Path) -> None:
    """The interface is Vietnamese first: an untranslated or fuzzy entry would show English."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    missing = [
        str(m.id)
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
    assert not missing, f"untranslated in {po_path.name}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {po_path.name}: {fuzzy[:10]}"


def test_console_command_maps_hyphenated_names() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toandan.cli", "audit", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "verify" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "toandan.cli", "i18n-compile", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
