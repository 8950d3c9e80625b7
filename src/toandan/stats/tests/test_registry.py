"""A later module adds an indicator source in one step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import pytest

from toandan.stats.models import Indicator
from toandan.stats.registry import (
    SourceQuery,
    SourceRow,
    get_source,
    register_source,
    source_codes,
)
from toandan.stats.selectors import rollup
from toandan.stats.tests.conftest import HOAN_KIEM, commune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def models_source() -> Iterator[list[SourceQuery]]:
    asked: list[SourceQuery] = []

    def fetch(query: SourceQuery) -> Iterable[SourceRow]:
        asked.append(query)
        place = commune(HOAN_KIEM)
        province_id = int(place.path.strip("/").split("/")[0])
        yield SourceRow(
            "models_effective",
            dt.date(2026, 1, 1),
            dt.date(2026, 3, 31),
            province_id,
            place.pk,
            4,
            unit="a",
        )
        yield SourceRow(
            "models_effective",
            dt.date(2026, 4, 1),
            dt.date(2026, 6, 30),
            province_id,
            place.pk,
            5,
            unit="a",
        )

    register_source("community_models", fetch, complete=False, label="models")
    yield asked
    from toandan.stats import registry

    registry._SOURCES.pop("community_models", None)


def test_a_registered_source_feeds_roll_ups(models_source: list[SourceQuery]) -> None:
    Indicator.objects.create(
        code="models_effective",
        name_vi="Số mô hình hoạt động hiệu quả",
        name_en="Effective community models",
        source="community_models",
        aggregation="last",
    )

    table = rollup(["models_effective"], "2026S1", unit="01", level="commune", by=("place",))

    assert table.value("models_effective", HOAN_KIEM) == 5  # a stock: the last quarter's
    assert table.value("models_effective", "00004") is None
    assert models_source[0].communes is True
    assert "community_models" in source_codes()
    tips = get_source("tips")
    assert tips is not None
    assert tips.complete


def test_an_indicator_of_an_unknown_source_is_refused() -> None:
    from django.core.exceptions import ValidationError

    indicator = Indicator(code="x", name_vi="x", name_en="x", source="nowhere")

    with pytest.raises(ValidationError):
        indicator.full_clean()
