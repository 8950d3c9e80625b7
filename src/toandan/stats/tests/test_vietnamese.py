"""Figures in Vietnamese style and the summary paragraph worded like the seed article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from toandan.stats import registry
from toandan.stats.periods import parse_period, period_label
from toandan.stats.registry import Sentence, register_summary_sentences
from toandan.stats.vietnamese import (
    SummaryFigures,
    commended_sentence,
    format_number,
    format_number_vi,
    models_sentence,
    percent,
    percent_vi,
    round_words,
    round_words_vi,
    summary_paragraph,
)


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4701, "4.701"),
        (110_000, "110.000"),
        (0.5, "0,5"),
        (Decimal("1234.50"), "1.234,5"),
        (0, "0"),
        (-12_500, "-12.500"),
        (66, "66"),
    ],
)
@pytest.mark.usefixtures("en")
def test_format_number_vi_is_vietnamese_whatever_the_reader_language(value, expected):
    assert format_number_vi(value) == expected


@pytest.mark.usefixtures("en")
def test_format_number_follows_the_reader():
    assert format_number(4701) == "4,701"
    with translation.override("vi"):
        assert format_number(4701) == "4.701"


@pytest.mark.usefixtures("en")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4701, "4.701"),  # below 10.000: exact, as "4.701 mô hình" in the article
        (9999, "9.999"),
        (66, "66"),
        (10_000, "10 nghìn"),
        (12_480, "12,5 nghìn"),
        (110_000, "110 nghìn"),
        (110_342, "110 nghìn"),
        (110_500, "111 nghìn"),  # whole numbers from 100 of a unit, half up
        (250_400, "250 nghìn"),
        (999_600, "1 triệu"),  # not "1.000 nghìn"
        (1_234_567, "1,2 triệu"),
        (1_250_000, "1,3 triệu"),
        (3_000_000_000, "3 tỷ"),
        (18_900_000_000_000, "18.900 tỷ"),
        (-2_500_000, "-2,5 triệu"),
    ],
)
def test_round_words_vi_rounds_like_the_press(value, expected):
    assert round_words_vi(value) == expected


@pytest.mark.usefixtures("en")
def test_round_words_in_english():
    assert round_words(110_342) == "110 thousand"
    assert round_words(1_234_567) == "1.2 million"
    assert round_words(4701) == "4,701"


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(0.853, "85,3%"), (Decimal("0.8525"), "85,3%"), (0.5, "50%"), (1, "100%"), (0, "0%")],
)
def test_percent_vi(ratio, expected):
    assert percent_vi(ratio) == expected


@pytest.mark.usefixtures("en")
def test_percent_follows_the_reader():
    assert percent(0.853) == "85.3%"


def test_nan_and_booleans_are_not_figures():
    with pytest.raises(ValueError, match="finite"):
        format_number_vi(float("nan"))
    with pytest.raises(TypeError):
        round_words_vi(True)  # noqa: FBT003


# The community-models and commendation sources as they will contribute their sentences (their
# apps do not exist yet): what `gather` would read, and the seed article's words for it.
MODELS, COMMENDATIONS = "community_models", "commendations"


def _models(figures: SummaryFigures, gathered: tuple[int, dt.date | None]) -> list[Sentence]:
    count, as_of = gathered
    return [models_sentence(count, as_of=as_of, unit_name=figures.unit_name)]


def _commended(
    _figures: SummaryFigures, gathered: tuple[int | None, int | None, int | None]
) -> list[Sentence]:
    total, collectives, individuals = gathered
    found = commended_sentence(total=total, collectives=collectives, individuals=individuals)
    return [found] if found else []


def _nothing(_scope: object) -> None:
    return None


@pytest.fixture
def seed_sources() -> Iterator[None]:
    register_summary_sentences(MODELS, _models, weight=20, gather=_nothing)
    register_summary_sentences(COMMENDATIONS, _commended, weight=30, gather=_nothing)
    yield
    registry._SENTENCES.pop(MODELS, None)
    registry._SENTENCES.pop(COMMENDATIONS, None)


def _seed_figures(**changes: object) -> SummaryFigures:
    """The figures of the seed article (Nhân Dân, 02/08/2024): northern region, 2019–2024."""
    values: dict[str, object] = {
        "period_label": period_label(parse_period("2019-2024")),
        "provinces_reported": 20,
        "valuable_tips": 110_342,
        "contributions": (
            (MODELS, (4701, dt.date(2023, 11, 20))),
            (COMMENDATIONS, (None, 31, 35)),
        ),
    }
    values.update(changes)
    return SummaryFigures(**values)  # type: ignore[arg-type]


@pytest.mark.usefixtures("vi", "seed_sources")
def test_summary_of_the_seed_dataset_reads_like_the_article():
    assert summary_paragraph(_seed_figures()) == (
        "Giai đoạn 2019–2024, chỉ tính riêng 20 tỉnh, thành phố có báo cáo số liệu, 110 nghìn "
        "nguồn tin có giá trị liên quan đến công tác an ninh trật tự, an toàn xã hội được chị "
        "em, người dân cung cấp kịp thời cho các cơ quan chức năng. Tính đến ngày 20/11/2023, "
        "theo thống kê trên cả nước có tổng số 4.701 mô hình phong trào toàn dân bảo vệ an ninh "
        "Tổ quốc. 66 tập thể, cá nhân được khen thưởng, gồm 31 tập thể và 35 cá nhân."
    )


@pytest.mark.usefixtures("vi", "seed_sources")
def test_summary_names_the_share_of_provinces_and_of_valuable_tips():
    figures = _seed_figures(
        period_label=period_label(parse_period("2024")),
        provinces_expected=28,
        tips_received=250_000,
        contributions=(),
    )
    assert summary_paragraph(figures) == (
        "Năm 2024, chỉ tính riêng 20/28 tỉnh, thành phố có báo cáo số liệu, 110 nghìn nguồn tin "
        "có giá trị liên quan đến công tác an ninh trật tự, an toàn xã hội được chị em, người "
        "dân cung cấp kịp thời cho các cơ quan chức năng. Tổng số nguồn tin tiếp nhận là 250 "
        "nghìn, trong đó 44,1% là nguồn tin có giá trị."
    )


@pytest.mark.usefixtures("vi")
def test_summary_when_every_province_reported():
    figures = SummaryFigures(provinces_reported=34, provinces_expected=34, valuable_tips=5_200)
    assert summary_paragraph(figures).startswith(
        "Theo số liệu báo cáo của cả 34 tỉnh, thành phố, 5.200 nguồn tin có giá trị"
    )


@pytest.mark.usefixtures("vi", "seed_sources")
def test_summary_leaves_out_what_is_unknown():
    # No tips reported, no period: the models sentence and the commendations stand alone; an
    # unknown figure is never written as zero.
    figures = SummaryFigures(
        unit_name="tỉnh Lào Cai",
        valuable_tips=None,
        contributions=((MODELS, (126, None)), (COMMENDATIONS, (12, None, None))),
    )
    assert summary_paragraph(figures) == (
        "Theo thống kê trên địa bàn tỉnh Lào Cai có tổng số 126 mô hình phong trào toàn dân bảo "
        "vệ an ninh Tổ quốc. 12 tập thể, cá nhân được khen thưởng."
    )
    assert summary_paragraph(SummaryFigures()) == ""


@pytest.mark.usefixtures("vi")
def test_zero_is_reported_not_left_out():
    figures = SummaryFigures(period_label="Tháng 8/2024", valuable_tips=0)
    assert summary_paragraph(figures).startswith("Tháng 8/2024, 0 nguồn tin có giá trị")


@pytest.mark.usefixtures("vi", "seed_sources")
def test_period_opens_the_commendations_when_no_tip_figure_is_known():
    figures = SummaryFigures(
        period_label="Quý III/2024", contributions=((COMMENDATIONS, (None, 3, None)),)
    )
    assert summary_paragraph(figures) == "Quý III/2024, 3 tập thể được khen thưởng."


@pytest.mark.usefixtures("en", "seed_sources")
def test_summary_in_english_for_an_english_reader():
    assert summary_paragraph(_seed_figures(period_label="2019–2024")) == (
        "In 2019–2024, counting only the 20 provinces and cities that reported figures, 110 "
        "thousand valuable tips related to security and public order were passed on in time by "
        "women and residents to the authorities. As of 20/11/2023, statistics show a total of "
        "4,701 models of the all-people movement to protect national security nationwide. 66 "
        "collectives and individuals were commended: 31 collectives and 35 individuals."
    )


@pytest.mark.usefixtures("en")
def test_the_unit_follows_the_period_so_a_pasted_paragraph_says_where():
    figures = SummaryFigures(unit_name="tỉnh Lào Cai", period_label="2023", valuable_tips=2160)
    assert summary_paragraph(figures).startswith("In 2023, in tỉnh Lào Cai, 2,160 valuable tips")


@pytest.mark.usefixtures("en")
def test_tips_of_another_source_than_the_reported_figure_have_their_own_share():
    # 110 thousand reported by the unions; toandan itself received 4 tips, 1 of them valuable:
    # the share is 25%, not 110,020 / 4.
    figures = SummaryFigures(
        period_label="2023",
        provinces_reported=20,
        provinces_expected=63,
        valuable_tips=110_020,
        tips_received=4,
        received_valuable=1,
    )
    assert summary_paragraph(figures).endswith(
        "Through toandan, 4 tips were received, of which 25% were valuable."
    )
    assert summary_paragraph(
        SummaryFigures(valuable_tips=5, tips_received=0, received_valuable=0)
    ).endswith("Through toandan, 0 tips were received.")
