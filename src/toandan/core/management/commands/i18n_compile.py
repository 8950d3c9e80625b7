"""Compile the gettext catalogues (.po -> .mo) with Babel.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a fresh machine with only
Python does not have; Babel is pure Python and writes the same .mo files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from asgiref.local import Local
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import trans_real


class Command(BaseCommand):
    help = "Compile every .po catalogue under LOCALE_PATHS into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        # The project catalogue plus each app's own locale/ directory (Django reads both).
        # Only our own: Django's contrib apps ship compiled catalogues already.
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [Path(config.path) / "locale" for config in apps.get_app_configs()]
        roots = [root for root in roots if root.is_relative_to(settings.SRC_DIR)]
        for root in roots:
            for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                if mo_path.exists() and not os.access(mo_path.parent, os.W_OK):
                    # An installed package where this account cannot write: the wheel's build
                    # compiled these catalogues already (setup.py).
                    continue
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=po_path.parent.parent.name)
                with mo_path.open("wb") as mo_file:
                    # Fuzzy entries are guesses; shipping them would show wrong Vietnamese.
                    write_mo(mo_file, catalog, use_fuzzy=False)
                compiled += 1
        if compiled:
            _forget_loaded_catalogues()
        self.stdout.write(f"compiled {compiled} catalogue(s)")


def _forget_loaded_catalogues() -> None:
    """Make this process read the new .mo files: `toandan setup` loads the demo data right
    after compiling, and catalogues loaded before (without them) would store English texts.
    The same reset Django does when LOCALE_PATHS changes in a test."""
    # Private names of Django's translation module (the stubs do not declare them).
    setattr(trans_real, "_translations", {})  # noqa: B010
    setattr(trans_real, "_default", None)  # noqa: B010
    setattr(trans_real, "_active", Local())  # noqa: B010
