"""`toandan i18n-compile` (run by `toandan setup`) on an installed package."""

from __future__ import annotations

import io
import os
import time

from django.core.management import call_command
from django.utils import translation

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Send a tip to the police"
msgstr "Gửi tin báo tố giác"
"""


def test_setup_keeps_the_wheels_catalogues_where_it_cannot_write(settings, tmp_path, monkeypatch):
    # Installing a wheel writes each .mo before its .po, so the .po looks newer. Where the
    # package is read-only for the operator's account, recompiling failed and `toandan setup`
    # stopped; the wheel's compiled catalogue is the one to use.
    messages = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shipped = b"compiled when the wheel was built"
    (messages / "django.mo").write_bytes(shipped)
    time.sleep(0.01)
    (messages / "django.po").write_text(PO, encoding="utf-8")
    settings.SRC_DIR = tmp_path
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as for a non-root operator

    call_command("i18n_compile", stdout=io.StringIO())

    assert (messages / "django.mo").read_bytes() == shipped


def test_a_catalogue_newer_than_its_compiled_file_is_compiled_again(settings, tmp_path):
    messages = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.mo").write_bytes(b"stale")
    time.sleep(0.01)
    (messages / "django.po").write_text(PO, encoding="utf-8")
    settings.SRC_DIR = tmp_path
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    call_command("i18n_compile", stdout=io.StringIO())

    assert "Gửi tin báo tố giác".encode() in (messages / "django.mo").read_bytes()


def test_strings_translated_in_the_same_process_after_compiling_are_vietnamese(settings, tmp_path):
    # `toandan setup` compiles, then loads the demo data in the same process: the catalogues
    # Django had loaded before compiling lacked the new .mo files, so the first setup stored
    # notifications and route reasons in English.
    messages = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        PO + '\nmsgid "Only this catalogue has it"\nmsgstr "Chỉ danh mục này có"\n',
        encoding="utf-8",
    )
    settings.SRC_DIR = tmp_path
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    with translation.override("vi"):
        assert translation.gettext("Only this catalogue has it") == "Only this catalogue has it"

    call_command("i18n_compile", stdout=io.StringIO())

    with translation.override("vi"):
        assert translation.gettext("Only this catalogue has it") == "Chỉ danh mục này có"
