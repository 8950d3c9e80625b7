"""Community models: counts on a date by province and by commune, from the stock points
against a naive count over the registry's history, in the same run.

The bench writes TOANDAN_BENCH_INITIATIVES (default 100,000) models in the old communes
(2016-2025, before the reform, so the naive count needs no succession), each with one to three
sites and TOANDAN_BENCH_INITIATIVES_TEAMS teams in all (default 1,000,000), about 8 % of them
dissolved, then builds the stock from the same rows (`stock_rebuild`, as after an import). It
checks that both ways give the same figures, then times:

- (a) counts on 20/11/2023 by province (`selectors.counts_on`: one index lookup per commune
  in the points, then the 63 provinces summed) against `selectors.counts_naive` (a GROUP BY
  over every model, site and team whose dates cover the day);
- (b) the same by commune (about 10,000 rows to build and return): one range of the points'
  day index from the month end before the day (every commune's total has a point at each
  month end, `stock_months_extend`), the latest point per commune, the names from memory.

On PostgreSQL the points' covering indexes (migrations 0004 and 0005) make the reads
index-only; the bench runs VACUUM ANALYZE after the load, as an operator would after any bulk
load.

Bulk inserts through the ORM: slow on SQLite at this size; use PostgreSQL for figures.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

from django.core.management import call_command
from django.db import transaction

from bench.harness import measure, report

INITIATIVES = int(os.environ.get("TOANDAN_BENCH_INITIATIVES", "100000"))
TEAMS = int(os.environ.get("TOANDAN_BENCH_INITIATIVES_TEAMS", "1000000"))
RUNS = int(os.environ.get("TOANDAN_BENCH_INITIATIVES_RUNS", "15"))
# With TOANDAN_BENCH_SCRATCH=0 (a kept database) and this set, a registry loaded by an earlier
# run is measured again instead of regenerated.
REUSE = os.environ.get("TOANDAN_BENCH_INITIATIVES_REUSE", "0") == "1"
DAY = dt.date(2023, 11, 20)
BATCH = 10_000


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _load() -> tuple[float, float]:
    from toandan.geo.models import AdminUnit, Generation, Level
    from toandan.initiatives.models import Initiative, Site, Status, Team, Theme
    from toandan.initiatives.stock import stock_rebuild
    from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit

    rng = random.Random(7)
    communes = list(
        AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE).values_list(
            "pk", "path"
        )
    )
    union = {
        u.admin_unit_id: u.pk
        for u in OrgUnit.objects.filter(
            kind=OrgKind.WOMENS_UNION, level=OrgLevel.PROVINCE, valid_to__isnull=False
        )
    }
    themes = list(Theme.objects.values_list("pk", flat=True))
    last = dt.date(2025, 6, 30)
    started = time.perf_counter()
    with transaction.atomic():
        models = []
        for index in range(INITIATIVES):
            commune, path = rng.choice(communes)
            start = _between(rng, dt.date(2016, 1, 1), dt.date(2025, 3, 31))
            end = _between(rng, start, last) if rng.random() < 0.08 else None
            models.append(
                Initiative(
                    name=f"Mô hình thử tải số {index}",
                    theme_id=rng.choice(themes),
                    host_unit_id=union[int(path.strip("/").split("/")[0])],
                    commune_id=commune,
                    started_on=start,
                    ended_on=end,
                    status=Status.DISSOLVED if end else Status.ACTIVE,
                )
            )
        Initiative.objects.bulk_create(models, batch_size=BATCH)
        sites = []
        for model in models:
            for _ in range(rng.choice((1, 1, 2, 3))):
                sites.append(
                    Site(
                        initiative=model,
                        name="Điểm",
                        commune_id=model.commune_id,
                        started_on=_between(rng, model.started_on, model.ended_on or last),
                        ended_on=model.ended_on,
                    )
                )
        Site.objects.bulk_create(sites, batch_size=BATCH)
        batch: list[Team] = []
        for index in range(TEAMS):
            site = sites[index % len(sites)] if index < len(sites) else rng.choice(sites)
            batch.append(
                Team(
                    site=site,
                    name="Tổ",
                    member_count=rng.randint(5, 25),
                    started_on=site.started_on,
                    ended_on=site.ended_on,
                )
            )
            if len(batch) == BATCH:
                Team.objects.bulk_create(batch)
                batch = []
        Team.objects.bulk_create(batch)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        stock_rebuild()
    return loaded, time.perf_counter() - started


def run() -> list[str]:
    from toandan.initiatives.models import Initiative, StockPoint, Team
    from toandan.initiatives.selectors import counts_naive, counts_on
    from toandan.initiatives.stock import months_through

    call_command("load_geo", verbosity=0)
    reused = REUSE and Initiative.objects.exists()
    loaded, built = (0.0, 0.0) if reused else _load()
    from django.db import connection

    if connection.vendor == "postgresql":
        # As after any bulk load: statistics and the visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE initiatives_stockpoint, initiatives_stockkey")
    written = (
        f"{'reused' if reused else 'wrote'} {Initiative.objects.count():,} models and "
        f"{Team.objects.count():,} teams"
        + ("" if reused else f" in {loaded:.0f} s; stock built in {built:.0f} s")
        + f" ({StockPoint.objects.count():,} points, month ends through {months_through()})"
    )
    lines = [written]
    # The two ways agree before anything is timed.
    for by in ("province", "commune"):
        naive = counts_naive(DAY, by=by)
        fast = counts_on(DAY, by=by)
        total = tuple(sum(v[i] for v in naive.values()) for i in range(4))
        if total != (fast.models, fast.sites, fast.teams, fast.members) or len(naive) != len(
            fast.rows
        ):
            return [*lines, f"MISMATCH by {by}: naive {total} stock {fast.models, fast.sites}"]
    fast = counts_on(DAY)
    lines.append(
        f"on {DAY:%d/%m/%Y}: {fast.models:,} models, {fast.sites:,} sites, {fast.teams:,} "
        f"teams, {fast.members:,} members (both ways)"
    )
    for by in ("province", "commune"):
        subject = measure(
            f"(a/b) counts by {by} from the stock", lambda by=by: counts_on(DAY, by=by), runs=RUNS
        )
        baseline = measure(
            f"naive count by {by} over the history",
            lambda by=by: counts_naive(DAY, by=by),
            runs=max(3, RUNS // 3),
        )
        lines.append(report(subject, baseline, goal="under 50 ms"))
    return lines
