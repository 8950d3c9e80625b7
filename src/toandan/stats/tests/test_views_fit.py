"""The statistics pages fit their data: a city leader's pivot opens on one page of
rows chosen by name, the dashboard names the places at both ends and opens the rest on demand,
and the coverage of many units is filtered and read a page at a time."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from toandan.accounts.tests import factories
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import BA_DINH, HOAN_KIEM, at, commune, facts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def logged_in(user: Any) -> Client:
    client = factories.logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def body_rows(page: str) -> list[str]:
    """The rows of the page's first table body."""
    body = page.split("<tbody>")[1].split("</tbody>", maxsplit=1)[0]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


def hanoi_communes() -> int:
    hanoi = AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.PROVINCE, code="01")
    return AdminUnit.objects.filter(
        generation=Generation.CURRENT,
        level=Level.COMMUNE,
        path__startswith=hanoi.path,
        valid_to__isnull=True,
    ).count()


# --- Pivot ----------------------------------------------------------------------------------------


def test_a_city_leaders_first_pivot_is_one_page_of_places(analyst_hanoi: Any) -> None:
    page = logged_in(analyst_hanoi).get("/stats/pivot/").content.decode()

    rows = body_rows(page)
    # One row per commune (not one per commune and indicator), 20 to a page.
    assert len(rows) == 20
    assert hanoi_communes() > 100
    assert re.search(r"Page 1 of [6-7]\b", page)
    assert 'rel="next"' in page
    # The two indicators are columns, next to each place.
    assert '<th scope="col" class="num">Tips received</th>' in page


def test_the_next_pivot_page_keeps_the_query(analyst_hanoi: Any) -> None:
    client = logged_in(analyst_hanoi)
    query = {
        "indicators": ["tips_received"],
        "period": "2024",
        "rows": "place",
        "columns": "period",
        "interval": "quarter",
    }
    first = client.get("/stats/pivot/", query).content.decode()
    second = client.get("/stats/pivot/", {**query, "page": "2"}).content.decode()

    assert body_rows(first) != body_rows(second)
    assert "Page 2 of" in second
    previous = re.search(r'<a href="([^"]+)" rel="prev">', second)
    assert previous is not None
    assert "period=2024" in previous[1]
    assert "interval=quarter" in previous[1]
    assert "page=1" in previous[1]


def test_periods_and_places_are_chosen_by_name(analyst_hanoi: Any) -> None:
    page = logged_in(analyst_hanoi).get("/stats/pivot/").content.decode()

    # No code to type: lists of names.
    assert '<input type="text" name="period"' not in page
    assert '<input type="text" name="unit"' not in page
    period = page.split('<select name="period"')[1].split("</select>")[0]
    assert re.search(r'<option value="LAST_12_MONTHS" selected>Last 12 months \(', period)
    assert f">Q3 {timezone.localdate().year - 1}</option>" in period
    unit = page.split('<select name="unit"')[1].split("</select>")[0]
    assert ">Thành phố Hà Nội (your area)</option>" in unit
    assert f'<option value="{HOAN_KIEM}">Phường Hoàn Kiếm</option>' in unit
    # The country is outside a city analyst's reach: not offered.
    assert "Whole country" not in unit


def test_a_linked_period_outside_the_list_is_kept_and_named(analyst_hanoi: Any) -> None:
    page = (
        logged_in(analyst_hanoi)
        .get(
            "/stats/pivot/",
            {"indicators": ["tips_received"], "period": "2019-2024", "unit": HOAN_KIEM},
        )
        .content.decode()
    )

    period = page.split('<select name="period"')[1].split("</select>")[0]
    assert '<option value="2019-2024" selected>2019–2024</option>' in period
    unit = page.split('<select name="unit"')[1].split("</select>")[0]
    assert f'<option value="{HOAN_KIEM}" selected>Phường Hoàn Kiếm</option>' in unit


def test_the_pivot_table_scrolls_sideways_from_the_keyboard(analyst_hanoi: Any) -> None:
    page = logged_in(analyst_hanoi).get("/stats/pivot/").content.decode()

    region = re.search(r'<div class="table-scroll pivot-scroll"([^>]*)>', page)
    assert region is not None
    assert 'tabindex="0"' in region[1]
    assert 'role="region"' in region[1]
    assert 'aria-label="Table: Thành phố Hà Nội"' in region[1]


# --- Dashboard ------------------------------------------------------------------------------------


def test_the_city_dashboard_names_both_ends_and_opens_the_rest(analyst_hanoi: Any) -> None:
    for _ in range(3):
        on_tip_change(None, facts(commune(HOAN_KIEM), at(2024, 5)))
    on_tip_change(None, facts(commune(BA_DINH), at(2024, 6)))

    page = (
        logged_in(analyst_hanoi)
        .get("/stats/dashboard/", {"unit": "01", "period": "2024"})
        .content.decode()
    )

    most = page.split("<caption>Most tips</caption>")[1].split("</table>")[0]
    names = re.findall(r'">([^<]+)</a></th>', most)
    assert names[:2] == ["Phường Hoàn Kiếm", "Phường Ba Đình"]
    assert len(names) == 5
    assert "<caption>Fewest tips</caption>" in page
    # Every commune is one click away, folded by default.
    folded = page.split('<details class="stats-all-places">')[1].split("</details>")[0]
    assert f"All {hanoi_communes()}" in folded
    assert len(re.findall(r"<tr><th", folded)) >= hanoi_communes()
    # The chart shows the ten with the most tips, not forty.
    assert page.count('class="chart-bar-total"') <= 10


# --- Coverage -------------------------------------------------------------------------------------


def test_coverage_of_many_units_comes_a_page_at_a_time(analyst_national: Any) -> None:
    client = logged_in(analyst_national)
    query = {"dataset": "pn_movement_year", "period": "2023"}

    first = client.get("/stats/coverage/", query).content.decode()
    second = client.get("/stats/coverage/", {**query, "page": "2"}).content.decode()

    assert len(body_rows(first)) == 50
    assert "Units 1–50 of 63 shown." in first
    assert len(body_rows(second)) == 13
    # The sentence and the named list of the missing stay those of the whole.
    assert "0 of 63 provinces reported; missing: Hà Nội, Hà Giang" in second
    assert "Not yet reported" in second


def test_coverage_is_filtered_by_province_and_by_reporting(analyst_national: Any) -> None:
    client = logged_in(analyst_national)
    query = {"dataset": "pn_movement_year", "period": "2023"}
    hanoi = AdminUnit.objects.get(generation=Generation.LEGACY, level=Level.PROVINCE, code="01")

    one = client.get("/stats/coverage/", {**query, "province": str(hanoi.pk)}).content.decode()
    reported = client.get("/stats/coverage/", {**query, "state": "reported"}).content.decode()
    missing = client.get("/stats/coverage/", {**query, "state": "missing"}).content.decode()

    assert [re.findall(r'/">([^<]+)</a>', row)[0] for row in body_rows(one)] == [
        "Hội LHPN thành phố Hà Nội"
    ]
    assert f'<option value="{hanoi.pk}" selected>' in one
    assert body_rows(reported) == []
    assert "Units 1–50 of 63 shown." in missing


def test_a_city_pivot_offers_no_way_up_out_of_the_city(analyst_hanoi: Any) -> None:
    page = logged_in(analyst_hanoi).get("/stats/pivot/").content.decode()

    # The country is outside a city analyst's reach: a link up to it only led to an error.
    assert "Up to Whole country" not in page
