"""Dependencies go one way. The contracts are in pyproject.toml ([tool.importlinter]) and
`make lint` runs them; these tests run them too, and check what keeps them meaningful: every
app is placed in a layer, imports inside functions are seen, nothing outside the tests imports
a test module, and the base apps' tests stay clear of the domains too."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import grimp
import pytest

SRC = Path(__file__).resolve().parents[1]
ROOT = SRC.parents[1]
PYPROJECT = ROOT / "pyproject.toml"

# Modules of the project that belong to no app and to no layer: the tests themselves.
OUTSIDE_LAYERS = {"tests", "conftest"}


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _layer_names() -> set[str]:
    layers = _contracts()["layers"]["layers"]
    assert isinstance(layers, list)
    names = set()
    for layer in layers:
        for name in layer.replace(":", "|").split("|"):
            names.add(name.strip().strip("()"))
    return names


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("toandan")


def test_the_import_contracts_are_kept() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency (make install-dev)"
    done = subprocess.run(  # noqa: S603 - our own venv's executable, no user input
        [lint_imports, "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_app_and_top_module_is_in_a_layer() -> None:
    """A new app outside the layers would be outside every rule: place it first."""
    top = {
        path.stem if path.is_file() else path.name
        for path in SRC.iterdir()
        if (path.is_file() and path.suffix == ".py" and path.stem != "__init__")
        or (path / "__init__.py").is_file()
    }
    assert sorted(top - _layer_names() - OUTSIDE_LAYERS) == []


def test_the_domains_are_independent_of_each_other() -> None:
    modules = _contracts()["domains"]["modules"]
    assert set(modules) >= {
        "toandan.tips",
        "toandan.initiatives",
        "toandan.antifraud",
        "toandan.awards",
    }


def test_imports_inside_functions_count(graph: grimp.ImportGraph) -> None:
    """AccountsConfig.ready imports core.access inside the method: the graph has it, so a lazy
    import of an app above cannot hide from the contracts."""
    assert graph.direct_import_exists(
        importer="toandan.accounts.apps", imported="toandan.core.access"
    )


def test_no_module_outside_the_tests_imports_a_test_module(graph: grimp.ImportGraph) -> None:
    """The contracts leave the tests' own imports out (tests drive the whole stack): that is
    sound only while nothing imports a test module."""

    def is_test(module: str) -> bool:
        parts = module.split(".")
        return "tests" in parts or parts[-1] == "conftest"

    wrong = sorted(
        f"{importer} -> {imported}"
        for imported in graph.modules
        if is_test(imported)
        for importer in graph.find_modules_that_directly_import(imported)
        if not is_test(importer)
    )
    assert wrong == []


# The base apps' tests, too, stay clear of the domains and statistics (they would drag them in).
FORBIDDEN = {
    "notifications": ("tips", "stats"),
    "accounts": ("tips", "stats"),
    "orgs": ("tips", "stats"),
    "geo": ("tips", "stats"),
    "core": ("tips",),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_base_app_tests_import_nothing_from_the_domains(app: str) -> None:
    banned = tuple(f"toandan.{other}" for other in FORBIDDEN[app])
    wrong = [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in sorted((SRC / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, module in _imports(path)
        if module in banned or module.startswith(tuple(f"{b}." for b in banned))
    ]
    assert not wrong, "\n".join(wrong)
