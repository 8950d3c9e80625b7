"""The demo registry: exactly 4,701 models active on 20/11/2023 (the seed article's figure),
on the 63 old provinces, continuing on today's communes; a second load adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from toandan.initiatives.models import Initiative, Status
from toandan.initiatives.stock import months_through

pytestmark = pytest.mark.django_db


def test_the_demo_states_4701_models_on_20_november_2023_and_loads_once() -> None:
    from toandan.accounts.demo import load_demo as load_accounts
    from toandan.initiatives.demo import load_demo
    from toandan.orgs.demo import load_demo as load_branches

    load_branches()
    load_accounts()
    load_demo()
    total = Initiative.objects.count()

    body = Client().get("/api/v1/community-models/counts?on=2023-11-20&by=province").json()
    assert body["models"] == 4701
    assert len(body["rows"]) == 63
    country = Client().get("/api/v1/community-models/counts?on=2023-11-20").json()
    assert country["models"] == 4701
    # By commune: the month-end points of the communes' totals, the same figure.
    by_commune = Client().get("/api/v1/community-models/counts?on=2023-11-20&by=commune").json()
    assert by_commune["models"] == 4701
    assert sum(row["models"] for row in by_commune["rows"]) == 4701
    assert months_through() is not None
    today = Client().get("/api/v1/community-models/counts?on=2026-01-15&by=province").json()
    assert len(today["rows"]) <= 34
    assert today["models"] > 4000
    assert Initiative.objects.filter(status=Status.DISSOLVED).exists()
    assert Initiative.objects.filter(origin__isnull=False).exists()
    assert Initiative.objects.filter(exemplary=True).exists()
    assert (
        Initiative.objects.filter(
            host_unit__code="PN-01-00070", started_on__gte=dt.date(2024, 1, 1)
        ).count()
        >= 3
    )

    load_demo()
    assert Initiative.objects.count() == total
