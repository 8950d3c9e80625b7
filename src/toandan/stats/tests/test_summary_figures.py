"""The summary paragraph from the data: the seed article's sentence for the demo reports of
2023, the tips toandan counted where no report covers the period, within the reader's
jurisdiction."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from toandan.stats.demo import load_demo
from toandan.stats.selectors import StatsAccessError, summary_figures
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import at, concluded, facts, old_province, province
from toandan.stats.vietnamese import SummaryFigures, summary_paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


def paragraph(user: Any, **query: Any) -> str:
    return summary_paragraph(summary_figures(user, **query))


@pytest.mark.usefixtures("demo")
def test_the_country_in_2023_reads_like_the_seed_article(analyst_national: Any) -> None:
    # 20 of the 63 provinces of the time sent the 2023 annual report; their valuable tips add
    # up to 110,020.
    with translation.override("vi"):
        text = paragraph(analyst_national, unit="VN", period="2023")

    assert text == (
        "Năm 2023, chỉ tính riêng 20/63 tỉnh, thành phố có báo cáo số liệu, 110 nghìn nguồn tin "
        "có giá trị liên quan đến công tác an ninh trật tự, an toàn xã hội được chị em, người "
        "dân cung cấp kịp thời cho các cơ quan chức năng."
    )


@pytest.mark.usefixtures("demo", "english")
def test_a_province_of_today_counts_the_old_provinces_merged_into_it(
    analyst_national: Any,
) -> None:
    # Tỉnh Lào Cai (15) is the old Lào Cai (10), which did not report for 2023, and the old
    # Yên Bái (15), which did (2,160 valuable tips).
    figures = summary_figures(analyst_national, unit="15", period="2023")

    assert figures == SummaryFigures(
        unit_name="tỉnh Lào Cai",
        period_label="2023",
        period_opening="In 2023",
        provinces_reported=1,
        provinces_expected=2,
        valuable_tips=2160,
    )
    assert summary_paragraph(figures) == (
        "In 2023, in tỉnh Lào Cai, counting only the 1 of 2 provinces and cities that reported "
        "figures, 2,160 valuable tips related to security and public order were passed on in "
        "time by women and residents to the authorities."
    )


@pytest.mark.usefixtures("demo")
def test_a_province_in_vietnamese(analyst_national: Any) -> None:
    with translation.override("vi"):
        text = paragraph(analyst_national, unit="15", period="2023")

    assert text == (
        "Năm 2023, trên địa bàn tỉnh Lào Cai, chỉ tính riêng 1/2 tỉnh, thành phố có báo cáo số "
        "liệu, 2.160 nguồn tin có giá trị liên quan đến công tác an ninh trật tự, an toàn xã hội "
        "được chị em, người dân cung cấp kịp thời cho các cơ quan chức năng."
    )


@pytest.mark.usefixtures("demo", "english")
def test_a_province_that_reported_alone_is_not_counted_as_one_of_one(
    analyst_national: Any,
) -> None:
    figures = summary_figures(analyst_national, unit="01", period="2023")

    assert (figures.valuable_tips, figures.provinces_reported) == (10_920, None)
    assert summary_paragraph(figures).startswith(
        "In 2023, in thành phố Hà Nội, 10.9 thousand valuable tips"
    )


@pytest.mark.usefixtures("demo", "english")
def test_tips_counted_by_toandan_follow_the_reported_figure_in_their_own_sentence(
    analyst_national: Any,
) -> None:
    # Tips received in 2023 in the old Hà Nội: the reported figure stays the valuable tips of
    # the sentence, and the share of valuable tips is taken of toandan's own tips only.
    for one in (
        concluded(old_province("01"), at(2023, 5)),
        facts(old_province("01"), at(2023, 6)),
        facts(old_province("01"), at(2023, 7)),
        facts(old_province("01"), at(2023, 8)),
    ):
        on_tip_change(None, one)

    figures = summary_figures(analyst_national, unit="VN", period="2023")

    assert (figures.valuable_tips, figures.tips_received, figures.received_valuable) == (
        110_020,
        4,
        1,
    )
    assert summary_paragraph(figures).endswith(
        "to the authorities. Through toandan, 4 tips were received, of which 25% were valuable."
    )


@pytest.mark.usefixtures("english")
def test_without_a_report_the_tips_toandan_counted_are_the_figures(analyst_national: Any) -> None:
    for one in (
        concluded(province("01"), at(2025, 8)),
        concluded(province("01"), at(2025, 9), valuable=False),
        facts(province("01"), at(2025, 10)),
    ):
        on_tip_change(None, one)

    figures = summary_figures(analyst_national, unit="01", period="2025")

    assert figures == SummaryFigures(
        unit_name="thành phố Hà Nội",
        period_label="2025",
        period_opening="In 2025",
        valuable_tips=1,
        tips_received=3,
    )
    assert summary_paragraph(figures) == (
        "In 2025, in thành phố Hà Nội, 1 valuable tips related to security and public order "
        "were passed on in time by women and residents to the authorities. In total 3 tips "
        "were received, of which 33.3% were valuable."
    )


@pytest.mark.usefixtures("demo")
def test_a_place_outside_the_jurisdiction_is_refused(analyst_hanoi: Any) -> None:
    with pytest.raises(StatsAccessError):
        summary_figures(analyst_hanoi, unit="15", period="2023")
    with pytest.raises(StatsAccessError):
        summary_figures(analyst_hanoi, unit="VN", period="2023")
    # Their own city, by default.
    assert summary_figures(analyst_hanoi, period="2023").unit_name == "thành phố Hà Nội"
