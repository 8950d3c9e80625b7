"""Build hook: the wheel carries compiled gettext catalogues (.mo) next to their .po files.

The .mo files are build output (not in git), and an installed package may sit where `toandan
setup` cannot write, so they are compiled here, into the build directory, never into src/.
Babel (pure Python) compiles them, as `toandan i18n-compile` does; it is a build requirement
in pyproject.toml. Everything else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SRC = Path(__file__).resolve().parent / "src"


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads src/, where `toandan setup` compiles
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(SRC.glob("toandan/**/locale/*/LC_MESSAGES/*.po")):
            target = Path(self.build_lib) / po_path.relative_to(SRC).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            with target.open("wb") as mo_file:
                # Fuzzy entries are guesses; shipping them would show wrong Vietnamese.
                write_mo(mo_file, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
