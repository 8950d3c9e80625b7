"""`make test` runs the tests on several pytest-xdist workers; what must not be built per worker
(a server after `toandan setup`, a wheel) is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SHARED_MODULE = """
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def installation():
    # Stands for `toandan setup` + serve: record on which worker it was built.
    with Path(os.environ["SETUPS_LOG"]).open("a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")
    return "ready"


@pytest.mark.parametrize("n", range(8))
def test_uses_the_installation(installation, n):
    assert installation == "ready"
"""

OTHERS_MODULE = """
import os
from pathlib import Path

import pytest


@pytest.mark.parametrize("n", range(8))
def test_needs_nothing_shared(n):
    with Path(os.environ["OTHERS_LOG"]).open("a") as log:
        log.write(os.environ.get("PYTEST_XDIST_WORKER", "main") + "\\n")
"""


def run_in_parallel(tmp_path: Path) -> tuple[list[str], list[str]]:
    """pytest -n 2 with the project's --dist and collection hook on two small modules."""
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(
        "from toandan.conftest import pytest_collection_modifyitems  # noqa: F401\n"
    )
    (suite / "test_shared.py").write_text(SHARED_MODULE)
    (suite / "test_others.py").write_text(OTHERS_MODULE)
    setups, others = tmp_path / "setups.log", tmp_path / "others.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.update(SETUPS_LOG=str(setups), OTHERS_LOG=str(others))
    command = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q"]
    command += ["-p", "no:django", "-p", "no:cacheprovider", "--rootdir", str(suite), str(suite)]
    done = subprocess.run(  # noqa: S603 - pytest itself, fixed arguments
        command,
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return setups.read_text().split(), others.read_text().split()


def test_a_module_scoped_installation_is_built_once_not_once_per_worker(tmp_path):
    setups, others = run_in_parallel(tmp_path)

    assert len(setups) == 1, f"built on {setups}"
    # ... while the tests that share nothing are still spread over both workers.
    assert len(others) == 8
    assert set(others) - set(setups), "the other tests waited for the installation's worker"
