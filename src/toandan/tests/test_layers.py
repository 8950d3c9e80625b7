"""Dependencies go one way: the base apps, and notifications, which every domain uses, import
nothing from the domains above them. Imports inside functions count too: a lazy
import is still a dependency, only a hidden one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1]

# app -> the apps it must never import, tests included (they would drag the domain in).
FORBIDDEN = {
    "notifications": ("tips", "stats"),
    "accounts": ("tips", "stats"),
    "orgs": ("tips", "stats"),
    "geo": ("tips", "stats"),
}
# The notifications app's code builds on core alone, so that accounts can notify too (role
# grants); its tests make staff members with the accounts factories.
FORBIDDEN_OUTSIDE_TESTS = {"notifications": ("accounts", "orgs", "geo")}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _wrong(app: str, others: tuple[str, ...], *, tests: bool) -> list[str]:
    banned = tuple(f"toandan.{other}" for other in others)
    return [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in sorted((SRC / app).rglob("*.py"))
        if "migrations" not in path.parts and (tests or "tests" not in path.parts)
        for line, module in _imports(path)
        if module == "toandan"
        or module in banned
        or module.startswith(tuple(f"{b}." for b in banned))
    ]


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_nothing_from_the_apps_above_it(app: str) -> None:
    wrong = _wrong(app, FORBIDDEN[app], tests=True)
    wrong += _wrong(app, FORBIDDEN_OUTSIDE_TESTS.get(app, ()), tests=False)
    assert not wrong, "\n".join(wrong)
