"""A new domain plugs its statistics in without touching the stats app: a community-models
source registers an indicator's values, a dimension of its own (the kind of model) and a
summary sentence, and the roll-up, the pivot page and the summary paragraph show them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from toandan.stats import registry
from toandan.stats.models import Indicator
from toandan.stats.registry import (
    Dimension,
    DimensionItem,
    Sentence,
    SourceQuery,
    SourceRow,
    SummaryScope,
    register_source,
    register_summary_sentences,
)
from toandan.stats.selectors import rollup, summary_figures
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import HOAN_KIEM, at, commune, facts
from toandan.stats.tests.test_views import logged_in
from toandan.stats.vietnamese import SummaryFigures, models_sentence, summary_paragraph

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MODELS = "community_models"
KIND = "model_kind"


def _kinds() -> list[DimensionItem]:
    return [DimensionItem(1, "security", "Security"), DimensionItem(2, "traffic", "Traffic safety")]


def _fetch(query: SourceQuery) -> Iterable[SourceRow]:
    """Models active at the end of each quarter, by kind, as the models app's table would
    answer (unit "a" runs the security models, unit "b" the traffic-safety ones)."""
    place = commune(HOAN_KIEM)
    province_id = int(place.path.strip("/").split("/")[0])
    rows = [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), 1, 4, "a"),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), 1, 5, "a"),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), 2, 2, "b"),
    ]
    for start, end, kind, count, unit in rows:
        if query.start <= start and end <= query.end:
            yield SourceRow(
                "models_active",
                start,
                end,
                province_id,
                place.pk,
                count,
                dimension_1=kind if KIND in query.dimensions else 0,
                unit=unit,
            )


def _gather(scope: SummaryScope) -> tuple[int, dt.date] | None:
    totals = rollup(
        ["models_active"],
        scope.period,
        level=scope.place.level,
        geography=scope.geography,
        unit=scope.place,
        by=(),
        user=scope.user,
    )
    count = totals.value("models_active")
    return None if count is None else (int(count), scope.period.end)


def _write(figures: SummaryFigures, gathered: tuple[int, dt.date]) -> list[Sentence]:
    count, as_of = gathered
    return [models_sentence(count, as_of=as_of, unit_name=figures.unit_name)]


@pytest.fixture
def models_source(db: None) -> Iterator[None]:
    kind = Dimension(KIND, "Kind of model", _kinds, all_label="All kinds")
    register_source(MODELS, _fetch, complete=False, label="models", dimensions=(kind,))
    register_summary_sentences(MODELS, _write, weight=20, gather=_gather)
    Indicator.objects.create(
        code="models_active",
        name_vi="Số mô hình đang hoạt động",
        name_en="Models active",
        source=MODELS,
        aggregation="last",
    )
    yield
    registry._SOURCES.pop(MODELS, None)
    registry._SENTENCES.pop(MODELS, None)


@pytest.mark.usefixtures("models_source")
def test_a_source_breaks_its_figures_down_by_its_own_dimension() -> None:
    table = rollup(["models_active"], "2026S1", unit="01", level="commune", by=("place", KIND))

    assert [item.id for item in table.items[KIND]] == ["security", "traffic"]
    assert table.value("models_active", HOAN_KIEM, "security") == 5  # a stock: June's
    assert table.value("models_active", HOAN_KIEM, "traffic") == 2


@pytest.mark.usefixtures("models_source")
def test_a_source_without_the_dimension_shows_under_its_all_item() -> None:
    on_tip_change(None, facts(commune(HOAN_KIEM), at(2026, 2)))

    by_kind = rollup(["tips_received"], "2026S1", unit="01", level="province", by=(KIND,))
    by_category = rollup(["models_active"], "2026S1", unit="01", level="province", by=("category",))

    assert by_kind.value("tips_received", "all") == 1
    assert by_kind.items[KIND][-1].name == "All kinds"
    assert by_category.value("models_active", "all") == 7
    assert by_category.items["category"][-1].name == "All categories"


@pytest.mark.usefixtures("models_source")
def test_the_pivot_offers_and_lays_out_the_new_dimension(analyst_national: Any) -> None:
    response = logged_in(analyst_national).get(
        "/stats/pivot/",
        {
            "indicators": ["models_active"],
            "period": "2026S1",
            "interval": "quarter",
            "unit": "01",
            "level": "province",
            "rows": KIND,
            "columns": "period",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{KIND}" selected>Kind of model</option>' in page
    assert "Traffic safety" in page
    assert "errorlist" not in page


@pytest.mark.usefixtures("models_source")
def test_the_summary_paragraph_carries_the_sentence_of_the_new_source(
    analyst_national: Any,
) -> None:
    figures = summary_figures(analyst_national, unit="01", period="2026S1")

    paragraph = summary_paragraph(figures)

    # The tips' sentences come first and take the period; the models are a stock with their
    # own date.
    assert paragraph.startswith("In January–June 2026, in thành phố Hà Nội, 0 valuable")
    assert paragraph.endswith(
        "As of 30/06/2026, statistics show a total of 7 models of the all-people movement to "
        "protect national security in thành phố Hà Nội."
    )


def test_without_the_source_the_summary_is_the_tips_alone(analyst_national: Any) -> None:
    figures = summary_figures(analyst_national, unit="01", period="2026S1")

    assert figures.contributions == ()
    assert "models" not in summary_paragraph(figures)
