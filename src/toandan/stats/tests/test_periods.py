"""Reporting periods: the ids officials type, the labels reports print, the slips refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from toandan.stats.periods import (
    Period,
    PeriodError,
    parse_period,
    period_label,
    range_period,
    split,
)

D = dt.date
# A Thursday in the middle of Q3, after the seed conference (02/08/2024).
TODAY = D(2024, 8, 15)


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


@pytest.fixture
def en():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "period_id", "kind", "start", "end"),
    [
        ("2024", "2024", "year", D(2024, 1, 1), D(2024, 12, 31)),
        ("2024Q3", "2024Q3", "quarter", D(2024, 7, 1), D(2024, 9, 30)),
        ("2024q1", "2024Q1", "quarter", D(2024, 1, 1), D(2024, 3, 31)),
        ("202408", "202408", "month", D(2024, 8, 1), D(2024, 8, 31)),
        ("2024-08", "202408", "month", D(2024, 8, 1), D(2024, 8, 31)),
        ("202402", "202402", "month", D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        ("2023-02", "202302", "month", D(2023, 2, 1), D(2023, 2, 28)),
        ("2024S1", "2024S1", "half", D(2024, 1, 1), D(2024, 6, 30)),
        ("2024S2", "2024S2", "half", D(2024, 7, 1), D(2024, 12, 31)),
        ("2019-2024", "2019-2024", "range", D(2019, 1, 1), D(2024, 12, 31)),
        ("2019..2024", "2019-2024", "range", D(2019, 1, 1), D(2024, 12, 31)),
        ("2019–2024", "2019-2024", "range", D(2019, 1, 1), D(2024, 12, 31)),
        (" 2019 - 2024 ", "2019-2024", "range", D(2019, 1, 1), D(2024, 12, 31)),
        ("202402-202407", "202402-202407", "range", D(2024, 2, 1), D(2024, 7, 31)),
        ("2024Q1-2024Q3", "202401-202409", "range", D(2024, 1, 1), D(2024, 9, 30)),
        ("2023S2-2024S1", "202307-202406", "range", D(2023, 7, 1), D(2024, 6, 30)),
        # A range that is exactly a calendar period is that period: one span, one id.
        ("202401-202406", "2024S1", "half", D(2024, 1, 1), D(2024, 6, 30)),
        ("2024Q1-2024Q1", "2024Q1", "quarter", D(2024, 1, 1), D(2024, 3, 31)),
        ("2024-2024", "2024", "year", D(2024, 1, 1), D(2024, 12, 31)),
    ],
)
def test_parse_readable_ids(text, period_id, kind, start, end):
    assert parse_period(text, today=TODAY) == Period(id=period_id, start=start, end=end, type=kind)


@pytest.mark.parametrize(
    ("text", "period_id", "start", "end"),
    [
        ("THIS_MONTH", "202408", D(2024, 8, 1), D(2024, 8, 31)),
        ("LAST_MONTH", "202407", D(2024, 7, 1), D(2024, 7, 31)),
        # As in DHIS2, the last 12 months stop before the month still running.
        ("LAST_12_MONTHS", "202308-202407", D(2023, 8, 1), D(2024, 7, 31)),
        ("THIS_QUARTER", "2024Q3", D(2024, 7, 1), D(2024, 9, 30)),
        ("LAST_QUARTER", "2024Q2", D(2024, 4, 1), D(2024, 6, 30)),
        ("THIS_YEAR", "2024", D(2024, 1, 1), D(2024, 12, 31)),
        ("LAST_YEAR", "2023", D(2023, 1, 1), D(2023, 12, 31)),
        ("LAST_5_YEARS", "2019-2023", D(2019, 1, 1), D(2023, 12, 31)),
        ("last_month", "202407", D(2024, 7, 1), D(2024, 7, 31)),
    ],
)
def test_relative_ids_count_from_today(text, period_id, start, end):
    period = parse_period(text, today=TODAY)
    assert (period.id, period.start, period.end) == (period_id, start, end)


def test_relative_ids_cross_the_new_year():
    new_year = D(2025, 1, 10)
    assert parse_period("LAST_MONTH", today=new_year).id == "202412"
    assert parse_period("LAST_QUARTER", today=new_year).id == "2024Q4"
    assert parse_period("LAST_12_MONTHS", today=new_year).id == "2024"


def test_relative_ids_default_to_the_date_in_vietnam(monkeypatch):
    # 20:00 UTC on 31/07 is already 1 August in Hà Nội.
    from django.utils import timezone

    moment = dt.datetime(2024, 7, 31, 20, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert parse_period("THIS_MONTH").id == "202408"


@pytest.mark.usefixtures("en")
@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("202413", "month", "Month 13 does not exist: months run from 01 to 12."),
        ("2024-00", "month", "Month 00 does not exist: months run from 01 to 12."),
        ("0199", "year", "Year 0199 is out of range: use a year from 1900 to 2100."),
        ("2024Q5", "quarter", "Quarter Q5 does not exist: quarters run from Q1 to Q4."),
        (
            "2024S3",
            "half",
            "Half-year S3 does not exist: use S1 (January–June) or S2 (July–December).",
        ),
        (
            "2024-2019",
            "reversed",
            "The period ends before it starts: write the earlier period first (2019-2024).",
        ),
        ("2000-2024", "too_long", "A period may span at most 20 years; this one spans 25."),
        ("", "format", None),
        ("hôm qua", "format", None),
        ("2024W33", "format", None),
        ("2024-02-30..2024-03-01", "format", None),
    ],
)
def test_slips_are_refused_with_a_reason(text, code, message):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, today=TODAY)
    assert caught.value.code == code
    if message is not None:
        assert str(caught.value) == message
    else:
        assert "2024Q3" in str(caught.value)


def test_twenty_years_is_the_longest_range():
    assert parse_period("2005-2024").start == D(2005, 1, 1)
    with pytest.raises(PeriodError):
        parse_period("2004-2024")


@pytest.mark.usefixtures("vi")
def test_refusal_is_in_vietnamese_for_a_vietnamese_reader():
    with pytest.raises(PeriodError, match="Không có tháng 13"):
        parse_period("202413")


def test_split_a_campaign_into_years():
    years = split(parse_period("2019-2024"), "year")
    assert [p.id for p in years] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert all(p.type == "year" for p in years)


def test_split_a_year_into_quarters_and_months():
    year = parse_period("2024")
    assert [p.id for p in split(year, "quarter")] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert [p.id for p in split(year, "half")] == ["2024S1", "2024S2"]
    months = split(year, "month")
    assert len(months) == 12
    assert (months[1].start, months[1].end) == (D(2024, 2, 1), D(2024, 2, 29))


def test_split_clips_pieces_at_the_edges_of_the_period():
    pieces = split(parse_period("202402-202407"), "quarter")
    assert [p.id for p in pieces] == ["202402-202403", "2024Q2", "202407"]
    assert pieces[0].start == D(2024, 2, 1)
    assert pieces[-1].end == D(2024, 7, 31)
    # Together the pieces cover the period exactly, without gaps or overlaps.
    days = sum((p.end - p.start).days + 1 for p in pieces)
    assert days == (D(2024, 7, 31) - D(2024, 2, 1)).days + 1


def test_split_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="week"):
        split(parse_period("2024"), "week")  # type: ignore[arg-type]


def test_ids_parse_back_to_the_same_period():
    for text in ("2019-2024", "202402-202407", "2024Q3", "2024S2", "202408", "2024"):
        period = parse_period(text)
        assert parse_period(period.id) == period
    day_range = range_period(D(2024, 1, 5), D(2024, 3, 20))
    assert parse_period(day_range.id) == day_range


@pytest.mark.usefixtures("vi")
@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("202408", "Tháng 8/2024"),
        ("2024Q3", "Quý III/2024"),
        ("2024Q1", "Quý I/2024"),
        ("2024S1", "6 tháng đầu năm 2024"),
        ("2024S2", "6 tháng cuối năm 2024"),
        ("2024", "Năm 2024"),
        ("2019-2024", "Giai đoạn 2019–2024"),
        ("202308-202407", "Từ tháng 08/2023 đến tháng 07/2024"),
        ("2024-01-05..2024-03-20", "Từ ngày 05/01/2024 đến ngày 20/03/2024"),
    ],
)
def test_labels_in_vietnamese(text, label):
    assert period_label(parse_period(text)) == label


@pytest.mark.usefixtures("en")
@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("202408", "August 2024"),
        ("2024Q3", "Q3 2024"),
        ("2024S1", "January–June 2024"),
        ("2024", "2024"),
        ("2019-2024", "2019–2024"),
        ("202308-202407", "From 08/2023 to 07/2024"),
    ],
)
def test_labels_in_english(text, label):
    assert period_label(parse_period(text)) == label


def test_period_is_immutable_and_prints_its_id():
    period = parse_period("2024Q3")
    assert str(period) == "2024Q3"
    assert period.contains(D(2024, 9, 30))
    assert not period.contains(D(2024, 10, 1))
    with pytest.raises(AttributeError):
        period.id = "2024Q4"  # type: ignore[misc]
