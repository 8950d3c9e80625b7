"""A production process refuses to start without what it needs, under any WSGI server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from toandan.core.tests.served import server_env

SITE = "https://toandan.example.vn"


def import_wsgi(var_dir: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """What gunicorn or uWSGI does first: import `toandan.wsgi:application`."""
    return subprocess.run(
        [sys.executable, "-c", "from toandan.wsgi import application"],
        env=server_env(var_dir, **settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("url", ["", "toandan.example.vn", "ftp://toandan.example.vn"])
def test_another_wsgi_server_refuses_to_start_without_a_site_url(tmp_path, url):
    # gunicorn toandan.wsgi:application: the receipt card would send citizens to 127.0.0.1.
    done = import_wsgi(tmp_path, TOANDAN_SITE_URL=url)

    assert done.returncode != 0
    assert "TOANDAN_SITE_URL" in done.stderr
    assert "ImproperlyConfigured" in done.stderr


def test_another_wsgi_server_starts_with_a_site_url(tmp_path):
    done = import_wsgi(tmp_path, TOANDAN_SITE_URL=SITE)

    assert done.returncode == 0, done.stderr


def test_make_run_needs_no_site_url(tmp_path):
    done = import_wsgi(tmp_path, TOANDAN_DEBUG="1")

    assert done.returncode == 0, done.stderr


def test_check_deploy_reports_a_missing_site_url(settings):
    settings.DEBUG = False
    settings.TOANDAN_SITE_URL = ""

    with pytest.raises(SystemCheckError, match=r"toandan\.E001.*TOANDAN_SITE_URL"):
        call_command("check", "--deploy", "--tag", "toandan_deploy")

    settings.TOANDAN_SITE_URL = SITE
    call_command("check", "--deploy", "--tag", "toandan_deploy")
