"""The stock of models on a date stays exact: after random registrations, sites, teams, ends
and dissolutions through the services, the counts by commune and by province (the month-end
range of the points) equal the naive count over the registry on random dates, before and after
the month-end points are carried forward."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from toandan.accounts.models import User
from toandan.accounts.tests.factories import make_user, unit
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives.models import Initiative, Site, StockMonthEnds, StockPoint, Team, Theme
from toandan.initiatives.selectors import counts_naive, counts_on
from toandan.initiatives.services import (
    initiative_register,
    initiative_step,
    site_add,
    team_add,
    team_end,
)
from toandan.initiatives.stock import month_end_before, month_ends, stock_months_extend

pytestmark = pytest.mark.django_db

FIRST = dt.date(2016, 1, 1)
LAST = dt.date(2025, 6, 30)  # the old communes' last day: the naive count knows no successor


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _old_communes() -> list[AdminUnit]:
    """Six old communes of two old provinces."""
    rows = AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE)
    first = list(rows.filter(path__startswith=rows.order_by("code")[0].path[:4]).order_by("code"))
    last = list(rows.order_by("-code")[:3])
    return first[:3] + last


def _random_changes(rng: random.Random, root: User, communes: list[AdminUnit], n: int) -> None:
    themes = list(Theme.objects.all())
    for index in range(n):
        commune = rng.choice(communes)
        initiative = initiative_register(
            actor=root,
            name=f"Mô hình ngẫu nhiên {index}",
            theme=rng.choice(themes),
            host_unit=unit("PN-01"),
            commune=commune,
            started_on=_between(rng, FIRST, LAST),
        )
        for _site in range(rng.randrange(3)):
            site_add(
                actor=root,
                initiative=initiative,
                name="Điểm",
                commune=rng.choice(communes),
                started_on=_between(rng, initiative.started_on, LAST),
            )
        for site in Site.objects.filter(initiative=initiative):
            for _team in range(rng.randrange(3)):
                team = team_add(
                    actor=root,
                    site=site,
                    name="Tổ",
                    member_count=rng.randint(1, 30),
                    started_on=_between(rng, site.started_on, LAST),
                )
                if rng.random() < 0.3:
                    team_end(
                        actor=root,
                        team=team,
                        ended_on=_between(rng, team.started_on, LAST),
                        reason="Nhập tổ",
                    )
        if rng.random() < 0.25:
            starts = [initiative.started_on]
            sites = Site.objects.filter(initiative=initiative)
            starts += sites.values_list("started_on", flat=True)
            starts += Team.objects.filter(site__initiative=initiative).values_list(
                "started_on", flat=True
            )
            # nor before one of its teams ended (refused: the team would outlive it)
            ends = Team.objects.filter(site__initiative=initiative).values_list(
                "ended_on", flat=True
            )
            starts += [end for end in ends if end is not None]
            initiative_step(
                actor=root,
                initiative=initiative,
                action="dissolve",
                reason="Không còn hoạt động",
                effective_on=_between(rng, max(starts), LAST),
            )


def _check(rng: random.Random, days: int) -> None:
    codes = dict(AdminUnit.objects.values_list("pk", "code"))
    for _day in range(days):
        day = _between(rng, FIRST, LAST)
        naive = counts_naive(day, by="commune")
        fast = counts_on(day, by="commune")
        expected = {codes[pk]: values for pk, values in naive.items() if any(values)}
        found = {r["code"]: (r["models"], r["sites"], r["teams"], r["members"]) for r in fast.rows}
        assert found == expected, day
        by_province = counts_on(day, by="province")
        naive_provinces = counts_naive(day, by="province")
        assert {
            r["code"]: (r["models"], r["sites"], r["teams"], r["members"]) for r in by_province.rows
        } == {codes[pk]: values for pk, values in naive_provinces.items() if any(values)}, day
        total = tuple(sum(v[i] for v in naive.values()) for i in range(4))
        assert (fast.models, fast.sites, fast.teams, fast.members) == total, day


@pytest.mark.parametrize("seed", [3, 11])
def test_the_counts_on_a_date_equal_the_naive_count_after_random_changes(seed: int) -> None:
    rng = random.Random(seed)
    root = make_user("root", is_superuser=True)
    communes = _old_communes()
    # Month-end points carried only through 2019: later dates read a longer range.
    StockMonthEnds.objects.all().delete()
    assert StockPoint.objects.count() == 0
    stock_months_extend(dt.date(2019, 12, 31))

    _random_changes(rng, root, communes, 14)
    assert Initiative.objects.count() == 14
    assert Team.objects.exists()
    _check(rng, 25)

    stock_months_extend(dt.date(2025, 6, 30))
    _random_changes(rng, root, communes, 6)
    _check(rng, 25)

    # Every commune total that began by the last carried month end has its month-end points.
    ends = set(month_ends(FIRST, dt.date(2025, 6, 30)))
    carried = StockPoint.objects.filter(
        key__commune__isnull=False, key__theme__isnull=True, day__in=ends
    )
    assert carried.count() > len(communes) * 12


def test_month_end_before() -> None:
    assert month_end_before(dt.date(2023, 11, 20)) == dt.date(2023, 10, 31)
    assert month_end_before(dt.date(2023, 11, 30)) == dt.date(2023, 11, 30)
    assert month_end_before(dt.date(2024, 3, 1)) == dt.date(2024, 2, 29)
    assert month_ends(dt.date(2023, 11, 30), dt.date(2024, 2, 28)) == [
        dt.date(2023, 11, 30),
        dt.date(2023, 12, 31),
        dt.date(2024, 1, 31),
    ]
