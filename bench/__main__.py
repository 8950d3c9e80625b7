"""`make bench`: run every benchmark against a fresh database.

The database is DATABASE_URL when set (use PostgreSQL for figures that matter), otherwise a
throw-away SQLite file. Each benchmark prints its median next to a baseline measured in the same
run, so the figures compare like with like on whatever machine runs them.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="toandan-bench-")
    os.environ.setdefault("TOANDAN_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toandan.settings")
    scratch_db = None
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    elif os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")) and (
        os.environ.get("TOANDAN_BENCH_SCRATCH", "1") != "0"
    ):
        # A scratch database per run, so earlier runs never skew the figures. With
        # TOANDAN_BENCH_SCRATCH=0 the named database is used and kept, so a bench whose data
        # takes half an hour to generate (stats at 10M tips) can be measured again on it.
        scratch_db = _create_scratch_postgres(os.environ["DATABASE_URL"])
        os.environ["DATABASE_URL"] = scratch_db[1]

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    # As `toandan setup` does: the keyring is made only on purpose, on an empty database.
    call_command("keys", "init", stdout=io.StringIO())
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")

    import importlib

    benchmarks = {
        "audit": "bench.bench_audit",
        "fraud": "bench.bench_antifraud",
        "exports": "bench.bench_exports",
        "duplicates": "bench.bench_duplicates",
        "geo": "bench.bench_geo",
        "handling": "bench.bench_handling",
        "initiatives": "bench.bench_initiatives",
        "intake": "bench.bench_intake",
        "stats": "bench.bench_stats",
    }
    selected = args.names or list(benchmarks)
    for name in selected:
        if name not in benchmarks:
            print(f"unknown benchmark {name!r}; known: {', '.join(benchmarks)}")
            return 2
        print(f"--- {name}")
        for line in importlib.import_module(benchmarks[name]).run():
            print(line)
    if scratch_db is not None:
        connection.close()
        _drop_scratch_postgres(scratch_db[0])
    return 0


def _create_scratch_postgres(url: str) -> tuple[str, str]:
    import psycopg

    base, _, _name = url.rpartition("/")
    scratch = f"toandan_bench_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    return f"{base}/postgres|{scratch}", f"{base}/{scratch}"


def _drop_scratch_postgres(handle: str) -> None:
    import psycopg

    admin_url, scratch = handle.split("|")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
