"""Every domain source's indicators are rows the pivot page offers (stats migration 0004 for
the community models and the awards, antifraud's migration 0004 for the fraud figures), and the
community models' stock reads through them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from toandan.accounts.tests.factories import make_user, unit
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives.models import Theme
from toandan.initiatives.services import initiative_register, site_add, team_add
from toandan.stats.models import Indicator
from toandan.stats.registry import source_codes
from toandan.stats.selectors import rollup
from toandan.stats.tests.test_views import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DOMAIN_SOURCES = {"initiatives", "awards", "antifraud"}


def _offered(page: str) -> set[str]:
    """The indicators the pivot's form offers (its check boxes)."""
    return set(re.findall(r'<input type="checkbox" name="indicators" value="([^"]+)"', page))


def test_the_pivot_offers_an_indicator_of_every_domain_source(analyst_national: Any) -> None:
    assert source_codes() >= DOMAIN_SOURCES
    page = logged_in(analyst_national).get("/stats/pivot/").content.decode()

    offered = _offered(page)
    for source in DOMAIN_SOURCES:
        codes = set(Indicator.objects.filter(source=source).values_list("code", flat=True))
        assert codes, source
        assert codes <= offered, source
    assert {
        "community_models",
        "community_model_sites",
        "community_model_teams",
        "community_model_members",
        "awards_total",
        "fraud_reports",
    } <= offered


def test_the_pivot_shows_the_models_stock_of_a_year(analyst_national: Any) -> None:
    root = make_user("root", is_superuser=True)
    commune = AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE).order_by(
        "code"
    )[0]
    for index in range(3):
        initiative = initiative_register(
            actor=root,
            name=f"Mô hình số {index}",
            theme=Theme.objects.get(code="camera"),
            host_unit=unit("PN-01"),
            commune=commune,
            started_on=dt.date(2022, 3, 1),
        )
    site = site_add(
        actor=root,
        initiative=initiative,
        name="Tổ dân phố 2",
        commune=commune,
        started_on=dt.date(2023, 2, 1),
    )
    team_add(actor=root, site=site, name="Tổ 1", member_count=12, started_on=dt.date(2023, 2, 1))

    table = rollup(
        ["community_models", "community_model_teams", "community_model_members"],
        "2023",
        unit="VN",
        level="country",
        geography="old",
        by=(),
    )
    response = logged_in(analyst_national).get(
        "/stats/pivot/",
        {
            "indicators": ["community_models", "community_model_members"],
            "period": "2023",
            "interval": "year",
            "geography": "old",
            "rows": "indicator",
            "columns": "period",
        },
    )

    assert table.value("community_models") == 3
    assert table.value("community_model_teams") == 1
    assert table.value("community_model_members") == 12
    page = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" not in page
    assert "Community models of the movement" in page
    assert "Members of the community models&#x27; teams" in page
