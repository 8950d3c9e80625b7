"""Vietnamese dates and numbers: 20/11/2023, 4.701, "1,2 triệu"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from toandan.core.numbers import round_words
from toandan.core.templatetags.vnformat import vn_date, vn_datetime, vn_number


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


def render(source: str, **context: object) -> str:
    return Template("{% load vnformat %}" + source).render(Context(context))


@pytest.mark.usefixtures("vi")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4701, "4.701"),
        (110000, "110.000"),
        (3321, "3.321"),
        (999, "999"),
        (0, "0"),
        (-12500, "-12.500"),
        (18_900_000_000_000, "18.900.000.000.000"),
        (3.5, "3,5"),
        (Decimal("1234.50"), "1.234,5"),
        ("4701", "4.701"),
    ],
)
def test_vn_number_uses_vietnamese_separators(value, expected):
    assert vn_number(value) == expected


@pytest.mark.usefixtures("vi")
def test_vn_number_with_fixed_decimals_rounds_half_up():
    assert vn_number(Decimal("2.345"), 2) == "2,35"
    assert vn_number(1200, 1) == "1.200,0"
    assert render("{{ n|vn_number:1 }}", n=4.25) == "4,3"


@pytest.mark.usefixtures("en")
def test_vn_number_follows_the_reader_who_switched_to_english():
    assert vn_number(4701) == "4,701"
    assert vn_number(3.5) == "3.5"


@pytest.mark.usefixtures("vi")
@pytest.mark.parametrize("value", [None, "", "abc", True, float("nan"), [1]])
def test_vn_number_leaves_what_is_not_a_number_alone(value):
    assert vn_number(value) is value


@pytest.mark.usefixtures("vi")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (110_000, "110 nghìn"),
        (1_200_000, "1,2 triệu"),
        (3_000_000_000, "3 tỷ"),
        (18_900_000_000_000, "18.900 tỷ"),
        # One rule with the summary (toandan.core.numbers): exact below 10.000, whole from
        # 100 of a unit.
        (1_000, "1.000"),
        (1_250, "1.250"),
        (12_500, "12,5 nghìn"),
        (999_960, "1 triệu"),  # not "1.000 nghìn"
        (999_949_999, "1 tỷ"),
        (999, "999"),
        (0, "0"),
        (-2_500_000, "-2,5 triệu"),
    ],
)
def test_round_words_says_nghin_trieu_ty(value, expected):
    assert round_words(value) == expected


@pytest.mark.usefixtures("en")
def test_round_words_in_english():
    assert round_words(1_200_000) == "1.2 million"
    assert round_words(3_000_000_000) == "3 billion"
    assert round_words(110_000) == "110 thousand"


@pytest.mark.usefixtures("vi")
def test_vn_date_is_day_month_year():
    assert vn_date(dt.date(2023, 11, 20)) == "20/11/2023"
    assert vn_date(dt.date(2025, 7, 1)) == "01/07/2025"
    assert vn_date("not a date") == "not a date"


@pytest.mark.usefixtures("vi")
def test_vn_date_of_an_aware_datetime_is_the_date_in_vietnam():
    # 20:00 UTC on 19/11 is already 03:00 on 20/11 in Hà Nội (UTC+7).
    moment = dt.datetime(2023, 11, 19, 20, 0, tzinfo=dt.UTC)
    assert vn_date(moment) == "20/11/2023"
    assert vn_datetime(moment) == "03:00 20/11/2023"


@pytest.mark.usefixtures("vi")
def test_vn_datetime_of_a_local_time_and_of_a_date():
    moment = dt.datetime(2024, 8, 19, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert vn_datetime(moment) == "14:30 19/08/2024"
    assert vn_datetime(dt.date(2024, 8, 19)) == "19/08/2024"


@pytest.mark.usefixtures("vi")
def test_django_date_filter_uses_the_vietnamese_short_date_format():
    day = dt.date(2023, 11, 20)
    assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": day})) == "20/11/2023"
    assert Template("{{ d }}").render(Context({"d": day})) == "20/11/2023"


@pytest.mark.usefixtures("vi")
def test_django_localizes_plain_numbers_with_vietnamese_separators():
    assert Template("{{ n }}").render(Context({"n": 4701})) == "4.701"
    assert Template("{{ n }}").render(Context({"n": 3.5})) == "3,5"


@pytest.mark.usefixtures("en")
def test_dates_stay_day_first_in_english():
    day = dt.date(2023, 11, 20)
    assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": day})) == "20/11/2023"


@pytest.mark.usefixtures("vi")
def test_filters_in_a_template():
    html = render(
        "{{ n|vn_number }} · {{ d|vn_date }}",
        n=4701,
        d=dt.date(2023, 11, 20),
    )
    assert html == "4.701 · 20/11/2023"
