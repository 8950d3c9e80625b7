"""Geography: accent-insensitive search against a plain name scan, and the idempotent reload."""

from __future__ import annotations

import time

from django.core.management import call_command

from bench.harness import measure, report
from toandan.geo import selectors
from toandan.geo.models import AdminUnit

QUERIES = ["ha noi", "kinh mon", "hoan kiem", "bac an phu", "dak lak", "phu quoc"]


def run() -> list[str]:
    start = time.perf_counter()
    call_command("load_geo", verbosity=0)
    first_load = time.perf_counter() - start
    start = time.perf_counter()
    call_command("load_geo", verbosity=0)
    reload = time.perf_counter() - start
    units = AdminUnit.objects.count()
    load_line = f"load_geo on an empty database: {first_load:.1f} s; "
    load_line += f"again (idempotent, no changes): {reload:.1f} s; units: {units}"
    lines = [load_line]

    def search_all() -> None:
        for q in QUERIES:
            list(selectors.search(q, limit=20))

    def scan_all() -> None:
        # Baseline: what a naive search would do, a case-insensitive scan of the full names.
        for q in QUERIES:
            list(AdminUnit.objects.filter(name__icontains=q)[:20])

    searched = measure(f"search of {len(QUERIES)} accent-free queries", search_all, runs=15)
    scanned = measure("icontains scan of the same queries", scan_all, runs=15)
    lines.append(report(searched, scanned, goal="within 3x of a plain scan, but finds the units"))
    return lines
