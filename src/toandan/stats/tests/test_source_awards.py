"""Commendation in statistics: the awards source breaks awards in force down by subject type
and form, and the summary paragraph states the commended from data, in the seed article's
words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from toandan.accounts import demo as accounts_demo
from toandan.awards import demo as awards_demo
from toandan.awards.models import Award
from toandan.stats.selectors import rollup, summary_figures
from toandan.stats.sources.awards import awards_breakdown
from toandan.stats.vietnamese import summary_paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_campaign(db: None) -> None:
    accounts_demo.load_demo()
    awards_demo.load_demo()


@pytest.mark.usefixtures("article_campaign")
def test_the_2024_paragraph_states_66_as_31_and_35() -> None:
    with translation.override("vi"):
        text = summary_paragraph(summary_figures(None, unit="VN", period="2024", geography="old"))
    assert "66 tập thể, cá nhân được khen thưởng, gồm 31 tập thể và 35 cá nhân" in text
    with translation.override("en"):
        text = summary_paragraph(summary_figures(None, unit="VN", period="2024", geography="old"))
    assert (
        "66 collectives and individuals were commended: 31 collectives and 35 individuals" in text
    )


@pytest.mark.usefixtures("article_campaign")
def test_the_source_counts_by_subject_type_province_and_campaign() -> None:
    table = rollup(
        ["awards_total", "awards_collectives", "awards_individuals"],
        "2024",
        unit="VN",
        level="country",
        geography="old",
        by=("award_subject",),
    )
    assert table.value("awards_total", "collective") == 31
    assert table.value("awards_total", "individual") == 35
    by_place = rollup(
        ["awards_total"], "2024", unit="VN", level="province", geography="old", by=("place",)
    )
    places = [item.id for item in by_place.items["place"]]
    assert sum(by_place.value("awards_total", key) or 0 for key in places) == 66
    rows = awards_breakdown(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert sum(r["count"] for r in rows) == 66
    assert {r["level"] for r in rows} == {"central"}


@pytest.mark.usefixtures("article_campaign")
def test_a_revoked_award_no_longer_counts() -> None:
    Award.objects.filter(pk=Award.objects.order_by("pk").first().pk).update(  # type: ignore[union-attr]
        revoked_at=dt.datetime(2024, 9, 1, tzinfo=awards_demo.TZ)
    )
    with translation.override("vi"):
        text = summary_paragraph(summary_figures(None, unit="VN", period="2024", geography="old"))
    assert "65 tập thể, cá nhân" in text


def test_the_initiatives_evidence_counts_the_models_a_unit_hosts() -> None:
    """A nomination's evidence names the community models its unit hosts, read through the
    community models' published interface (the registry itself, not a typed claim)."""
    from toandan.accounts.models import Role
    from toandan.accounts.tests.factories import make_user, unit
    from toandan.awards.evidence import EvidenceQuery
    from toandan.initiatives.tests.conftest import register
    from toandan.stats.sources.awards import initiatives_evidence

    cadre = make_user("pn.hk", Role.UNION_CADRE, "PN-01-00070")
    register(cadre, started_on=dt.date(2024, 1, 1))
    host = unit("PN-01-00070")
    elsewhere = unit("PN-01-00004")

    def evidence(unit_id: int) -> dict[str, Any]:
        query = EvidenceQuery(
            org_unit_ids=(unit_id,), start=dt.date(2019, 1, 1), end=dt.date(2024, 12, 31)
        )
        return {line.code: line.value for line in initiatives_evidence(query)}

    lines = evidence(host.pk)
    assert lines["models_hosted"] == 1
    assert lines["models_exemplary"] == 0
    assert evidence(elsewhere.pk) == {}
