"""The package as an operator installs it: a wheel built from a clean copy of the repository,
installed (not editable) into a new virtual environment, set up and served from there.

`make run` uses an editable install, which reads templates, catalogues and static files from
src/ and so hides anything the wheel leaves out. Offline and fast: the wheel is built with the
build tools already in .venv (--no-build-isolation) and installed with --no-deps into a new
venv that reaches .venv's installed dependencies through a .pth file (added after the install,
so pip never sees, let alone touches, .venv's own editable toandan).
"""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from toandan.core.tests.served import free_port, request, run, server_env, serving

REPO = Path(__file__).resolve().parents[3]
SRC = REPO / "src"
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")
STATIC_REF = re.compile(r"""(?:href|src)="(/static/[^"?#]+)""")
# The files the issue found missing from the installed package (404).
APP_STATIC = {
    "/static/tips/tips.css",
    "/static/tips/tips.js",
    "/static/geo/picker.css",
    "/static/geo/picker.js",
    "/static/stats/stats.css",
}


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    port: int
    var_dir: Path


def tracked_files() -> list[Path]:
    """What a fresh clone holds: files in git plus new ones not ignored (none of the build
    output, compiled catalogues or var/ of this working tree)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [Path(name) for name in listed.split("\0") if name and (REPO / name).is_file()]


def clean_copy(target: Path) -> Path:
    for relative in tracked_files():
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes((REPO / relative).read_bytes())
    return target


def build_wheel(source: Path, dist: Path) -> Path:
    run(
        [
            sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
            "--no-index", "--disable-pip-version-check", "--quiet", "--wheel-dir", str(dist),
            str(source),
        ],
        env=server_env(dist),
    )  # fmt: skip
    [wheel] = dist.glob("toandan-*.whl")
    return wheel


def install_in_new_venv(wheel: Path, venv: Path) -> None:
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=server_env(venv))
    python = venv / "bin" / "python"
    run(
        [
            sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
            "--no-index", "--disable-pip-version-check", "--quiet", str(wheel),
        ],
        env=server_env(venv),
    )  # fmt: skip
    site_packages = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            env=server_env(venv),
        ).stdout.strip()
    )
    # A plain path line: .venv's site-packages is added after the venv's own, and its .pth
    # files (the editable install's pointer to src/) are not read.
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "zz_toandan_test_dependencies.pth").write_text("\n".join(dependencies))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("packaging")
    wheel = build_wheel(clean_copy(root / "clone"), root / "dist")
    venv = root / "venv"
    install_in_new_venv(wheel, venv)
    var_dir = root / "var"
    port = free_port()
    env = server_env(var_dir, TOANDAN_SITE_URL=f"http://127.0.0.1:{port}")
    toandan = [str(venv / "bin" / "toandan")]
    run([*toandan, "setup", "--no-demo"], env=env)
    with serving(toandan, env, port, root / "serve.log"):
        yield Installed(wheel=wheel, venv=venv, port=port, var_dir=var_dir)


def test_the_wheel_carries_every_compiled_catalogue_static_file_and_font(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())

    catalogues = {
        str(po.relative_to(SRC).with_suffix(".mo"))
        for po in SRC.glob("toandan/**/locale/*/LC_MESSAGES/django.po")
    }
    static = {
        str(path.relative_to(SRC)) for path in SRC.glob("toandan/**/static/**/*") if path.is_file()
    }
    fonts = {str(path.relative_to(SRC)) for path in SRC.glob("toandan/*/fonts/*")}
    assert len(catalogues) > 5
    assert catalogues <= names, sorted(catalogues - names)
    assert static <= names, sorted(static - names)
    # The fonts every printed document embeds, and their licence.
    assert "toandan/documents/fonts/LiberationSerif-Regular.ttf" in fonts
    assert "toandan/documents/fonts/OFL.txt" in fonts
    assert fonts <= names, sorted(fonts - names)


def test_the_installed_command_runs_the_installed_package_not_the_source_tree(installed):
    python = installed.venv / "bin" / "python"
    located = run([str(python), "-c", "import toandan; print(toandan.__file__)"], env={})

    assert Path(located.stdout.strip()).is_relative_to(installed.venv)


def test_the_installed_tip_form_is_in_vietnamese(installed):
    page = request(installed.port, "/tips/new/")

    assert page.status == 200
    assert '<html lang="vi"' in page.text
    # From the tips app's own catalogue (the project catalogue alone was shipped before).
    assert "Gửi tin báo tố giác" in page.text
    assert "Send a tip to the police" not in page.text


def test_every_static_file_the_installed_pages_refer_to_is_served(installed):
    referenced = set()
    for path in ("/", "/tips/new/", "/tips/follow-up/", "/accounts/login/"):
        page = request(installed.port, path)
        assert page.status == 200, path
        referenced |= set(STATIC_REF.findall(page.text))
    # Staff pages (the statistics) need a login: their files are taken from the templates.
    for template in SRC.glob("toandan/**/templates/**/*.html"):
        referenced |= {f"/static/{name}" for name in STATIC_TAG.findall(template.read_text())}

    assert referenced >= APP_STATIC | {"/static/css/app.css"}
    missing = {}
    for url in sorted(referenced):
        reply = request(installed.port, url)
        if reply.status != 200 or not reply.body:
            missing[url] = reply.status
    assert missing == {}


def test_the_installed_database_is_private(installed):
    database = installed.var_dir / "toandan.sqlite3"

    assert database.stat().st_mode & 0o777 == 0o600
