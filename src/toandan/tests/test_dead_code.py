"""No dead definitions: every public top-level function or class of the code is named by other
code (another module, a template, bench/), used by its decorator (routes, admin classes, tasks,
checks), or known below. A definition only tests call is dead code that the tests keep alive.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1]
BENCH = SRC.parents[1] / "bench"

# Named only by tests on purpose: the undo of a registry or a cache, for the tests' isolation,
# and the registry's own listing the catalogue test reads.
TEST_HOOKS = {
    "evidence_provider_unregister",
    "evidence_providers",
    "forget_cached_keyring",
    "forget_verified_keyrings",
    "forget_daily_secret",
    "forget_local_counts",
    "on_tip_change",
    "registered_actions",
    "unregister",
    "unsubscribe",
}
# What a partner's app runs, not this server: the reference client of the hash-prefix range
# (`antifraud/range_client.py`), which the tests use to prove the server never sees the number.
CLIENT_LIBRARY = {"range_check"}
# Left for an app's owner to remove or reach: none now.
PENDING: set[str] = set()


# Decorators that wrap a definition without registering it anywhere.
PLAIN_DECORATORS = {"transaction.atomic", "atomic", "dataclass", "functools.cache", "cache"}


def _registered(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) not in PLAIN_DECORATORS:
            return True
    return False


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def _code_texts() -> dict[Path, str]:
    paths = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts and not _is_test(p)]
    paths += [p for p in SRC.rglob("*.html") if not _is_test(p)]
    if BENCH.is_dir():
        paths += sorted(BENCH.glob("*.py"))
    return {path: path.read_text(encoding="utf-8") for path in paths}


def _unnamed(texts: dict[Path, str]) -> list[str]:
    found = []
    for path, text in texts.items():
        if path.suffix != ".py" or path.parent == BENCH:
            continue
        if path.name == "apps.py" or "commands" in path.parts:
            continue  # Django finds these by convention
        for node in ast.parse(text).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if _registered(node) or node.name.startswith("_"):
                continue
            name = re.compile(rf"\b{node.name}\b")
            if len(name.findall(text)) > 1:
                continue
            if any(name.search(other) for p, other in texts.items() if p != path):
                continue
            found.append(node.name)
    return sorted(found)


def test_no_definition_is_named_only_by_tests_or_nowhere() -> None:
    dead = set(_unnamed(_code_texts())) - TEST_HOOKS - CLIENT_LIBRARY - PENDING
    assert dead == set(), "remove them (and the tests that only keep them alive)"
