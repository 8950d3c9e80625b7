"""The community-models source: the summary paragraph states the models active on the count
day (20/11) from the registry, and a review shows the tips of its commune and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from toandan.accounts.tests.factories import make_user, unit
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives.models import Theme
from toandan.initiatives.selectors import area_figures
from toandan.initiatives.services import initiative_register, initiative_step
from toandan.stats.selectors import summary_figures
from toandan.stats.vietnamese import summary_paragraph

pytestmark = pytest.mark.django_db


def _old_commune(index: int) -> AdminUnit:
    return AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE).order_by(
        "code"
    )[index]


def test_the_2023_paragraph_states_the_models_active_on_20_november(analyst_national: Any) -> None:
    root = make_user("root", is_superuser=True)
    for index, (started, ended) in enumerate(
        [
            (dt.date(2019, 5, 1), None),
            (dt.date(2021, 5, 1), None),
            (dt.date(2023, 11, 20), None),
            (dt.date(2023, 11, 21), None),  # too late
            (dt.date(2020, 1, 1), dt.date(2023, 11, 19)),  # ended before
        ]
    ):
        initiative = initiative_register(
            actor=root,
            name=f"Mô hình số {index}",
            theme=Theme.objects.get(code="camera"),
            host_unit=unit("PN-01"),
            commune=_old_commune(index),
            started_on=started,
        )
        if ended:
            initiative_step(
                actor=root,
                initiative=initiative,
                action="dissolve",
                reason="Giải thể",
                effective_on=ended,
            )

    with translation.override("vi"):
        figures = summary_figures(analyst_national, unit="VN", period="2023")
        paragraph = summary_paragraph(figures)

    assert "Tính đến ngày 20/11/2023, theo thống kê trên cả nước có tổng số 3 mô hình" in paragraph


def test_a_review_shows_no_tips_for_an_area_without_any() -> None:
    from toandan.initiatives.models import Review

    root = make_user("root", is_superuser=True)
    initiative = initiative_register(
        actor=root,
        name="Mô hình",
        theme=Theme.objects.get(code="camera"),
        host_unit=unit("PN-01-00070"),
        commune=unit("PN-01-00070").admin_unit,  # type: ignore[arg-type]
        started_on=dt.date(2025, 1, 1),
    )
    review = Review(
        initiative=initiative,
        year=2025,
        period_start=dt.date(2024, 11, 15),
        period_end=dt.date(2025, 11, 14),
        due_on=dt.date(2025, 11, 20),
    )

    figures = area_figures(review)

    assert figures is not None
    assert (figures.tips_received, figures.tips_via_union, figures.days_to_decision) == (0, 0, None)


def test_the_source_gives_the_stock_at_each_month_end() -> None:
    from toandan.stats.models import Indicator
    from toandan.stats.registry import SourceQuery
    from toandan.stats.sources.initiatives import fetch_models

    root = make_user("root", is_superuser=True)
    for started in (dt.date(2023, 1, 10), dt.date(2023, 2, 20)):
        initiative_register(
            actor=root,
            name=f"Mô hình {started}",
            theme=Theme.objects.get(code="camera"),
            host_unit=unit("PN-01"),
            commune=_old_commune(0),
            started_on=started,
        )
    indicator = Indicator(code="models_active", source="initiatives", source_key="models")

    rows = list(
        fetch_models(
            SourceQuery(
                indicators=(indicator,),
                start=dt.date(2023, 1, 1),
                end=dt.date(2023, 3, 31),
                province_ids=None,
            )
        )
    )

    assert [(r.end, r.value) for r in rows] == [
        (dt.date(2023, 1, 31), 1),
        (dt.date(2023, 2, 28), 2),
        (dt.date(2023, 3, 31), 2),
    ]


def test_a_review_shows_the_hours_to_the_first_police_action_in_its_commune() -> None:
    from toandan.initiatives.models import Review
    from toandan.stats.summary import on_tip_change
    from toandan.stats.tests.conftest import at, facts

    root = make_user("root", is_superuser=True)
    place = unit("PN-01-00070").admin_unit
    assert place is not None
    initiative = initiative_register(
        actor=root,
        name="Mô hình",
        theme=Theme.objects.get(code="camera"),
        host_unit=unit("PN-01-00070"),
        commune=place,
        started_on=dt.date(2025, 8, 1),
    )
    received = at(2025, 9, 3)
    # Acted on after 5 and 9 hours; a third tip not yet acted on.
    first = facts(place, received)
    on_tip_change(None, first)
    on_tip_change(first, {**first, "first_action_at": received + dt.timedelta(hours=5, minutes=40)})
    on_tip_change(None, facts(place, received, first_action_at=received + dt.timedelta(hours=9)))
    on_tip_change(None, facts(place, received))
    review = Review(
        initiative=initiative,
        year=2025,
        period_start=dt.date(2025, 8, 1),
        period_end=dt.date(2025, 11, 14),
        due_on=dt.date(2025, 11, 20),
    )

    figures = area_figures(review)

    assert figures is not None
    assert figures.tips_received == 3
    assert figures.hours_to_first_action == 7.0
