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


def test_the_initiatives_evidence_reads_the_published_interface(monkeypatch: Any) -> None:
    """Community models publish `hosted_initiatives`; until they do, the provider says nothing."""
    import sys
    import types
    from dataclasses import dataclass

    from toandan.awards.evidence import EvidenceQuery
    from toandan.stats.sources.awards import initiatives_evidence

    query = EvidenceQuery(org_unit_ids=(7, 8), start=dt.date(2019, 1, 1), end=dt.date(2024, 6, 30))
    monkeypatch.delitem(sys.modules, "toandan.initiatives.interface", raising=False)

    @dataclass(frozen=True)
    class HostedInitiative:
        id: int
        name: str
        org_unit_id: int
        exemplary: bool
        grades: dict[int, str]
        reviews_due: int
        reviews_on_time: int

    asked: list[tuple[Any, ...]] = []

    def hosted_initiatives(ids: Any, start: dt.date, end: dt.date) -> list[HostedInitiative]:
        asked.append((tuple(ids), start, end))
        return [
            HostedInitiative(
                1,
                "Camera an ninh",
                7,
                exemplary=True,
                grades={2022: "Tốt", 2023: "Xuất sắc"},
                reviews_due=4,
                reviews_on_time=3,
            ),
            HostedInitiative(
                2,
                "Địa chỉ tin cậy",
                8,
                exemplary=False,
                grades={2023: "Khá"},
                reviews_due=2,
                reviews_on_time=2,
            ),
        ]

    fake = types.ModuleType("toandan.initiatives.interface")
    fake.hosted_initiatives = hosted_initiatives  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "toandan.initiatives.interface", fake)
    lines = {line.code: line.value for line in initiatives_evidence(query)}
    assert asked == [((7, 8), dt.date(2019, 1, 1), dt.date(2024, 6, 30))]
    assert lines == {
        "models_hosted": 2,
        "models_exemplary": 1,
        "models_grades": "Tốt, Xuất sắc, Khá",
        "reviews_on_time": "5/6",
    }
