"""The statistics dashboard, as a reader goes through it without JavaScript: key figures,
charts with their numbers, drill-down from the country to a commune, the summary to copy or
download, and nothing outside the reader's jurisdiction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from toandan.accounts.tests import factories
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.stats.demo import load_demo
from toandan.stats.selectors import summary_figures
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import (
    BA_DINH,
    HOAN_KIEM,
    at,
    category,
    commune,
    concluded,
    facts,
    old_province,
    province,
)
from toandan.stats.vietnamese import summary_paragraph

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/stats/dashboard/"


def logged_in(user: Any) -> Client:
    """Logged in, with English chosen in the language switch (the assertions read msgids)."""
    client = factories.logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def figures(db: None) -> None:
    for one in (
        concluded(province("01"), at(2024, 3), category_id=category("drug-use").pk),
        facts(province("01"), at(2024, 3)),
        facts(commune(HOAN_KIEM), at(2024, 5)),
        concluded(commune(BA_DINH), at(2024, 6), decided_in_time=False),
        facts(old_province("02"), at(2024, 9)),  # Hà Giang, today in Tuyên Quang
    ):
        on_tip_change(None, one)


def test_the_country_shows_key_figures_charts_and_their_numbers(
    figures: None, analyst_national: Any
) -> None:
    response = logged_in(analyst_national).get(URL, {"period": "2024"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Statistics dashboard: Whole country" in page
    key_figures = re.sub(r"\s+", " ", page.split('id="dashboard-keys"')[1].split("</dl>")[0])
    assert 'Tips received</dt> <dd class="stats-key-value">5</dd>' in key_figures
    assert 'Valuable tips</dt> <dd class="stats-key-value">2</dd>' in key_figures
    # 1 of the 2 decided tips in time.
    assert '<dd class="stats-key-value">50%</dd>' in key_figures
    # Three charts, each an accessible image with a table of its numbers.
    assert page.count('role="img"') == 3
    assert page.count("<desc id=") == 3
    # The places' numbers: the most and the fewest tips, and all 34 provinces folded away.
    assert page.count('class="stats-table"') == 5
    # No script anywhere: the charts are drawn on the server.
    assert "<script" not in page


def test_provinces_side_by_side_drill_down_to_a_commune(
    figures: None, analyst_national: Any
) -> None:
    client = logged_in(analyst_national)

    country = client.get(URL, {"period": "2024"}).content.decode()
    hanoi_link = "/stats/dashboard/?unit=01&amp;period=2024&amp;geography=current"
    assert f'<a href="{hanoi_link}">Thành phố Hà Nội</a>' in country
    # Hà Giang's tip is counted in Tuyên Quang, today's province.
    tuyen_quang = country.split(">Tỉnh Tuyên Quang</a></th>")[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", tuyen_quang)[:2] == ["1", "0"]

    hanoi = client.get(URL, {"period": "2024", "unit": "01"}).content.decode()
    assert "Statistics dashboard: Thành phố Hà Nội" in hanoi
    assert "Communes side by side" in hanoi
    assert f'?unit={HOAN_KIEM}&amp;period=2024&amp;geography=current">Phường Hoàn Kiếm' in hanoi
    assert "Up to Whole country" in hanoi

    ward = client.get(URL, {"period": "2024", "unit": HOAN_KIEM}).content.decode()
    assert "Statistics dashboard: Phường Hoàn Kiếm" in ward
    assert "side by side" not in ward  # the bottom of the drill-down
    assert "Up to Thành phố Hà Nội" in ward


def test_old_units_on_request(figures: None, analyst_national: Any) -> None:
    page = (
        logged_in(analyst_national)
        .get(URL, {"period": "2024", "geography": "old"})
        .content.decode()
    )

    assert "Tỉnh Hà Giang (before 01/07/2025)</a>" in page


def test_a_reader_sees_their_own_area_and_nothing_outside_it(
    figures: None, analyst_hanoi: Any
) -> None:
    client = logged_in(analyst_hanoi)

    own = client.get(URL, {"period": "2024"})
    other = client.get(URL, {"period": "2024", "unit": "08"})
    country = client.get(URL, {"period": "2024", "unit": "VN"})
    unknown = client.get(URL, {"period": "2024", "unit": "99"})
    text = client.get("/stats/dashboard/summary.txt", {"period": "2024", "unit": "08"})

    assert own.status_code == 200
    assert "Statistics dashboard: Thành phố Hà Nội" in own.content.decode()
    assert "Up to" not in own.content.decode()  # the country is not theirs to see
    assert (other.status_code, country.status_code, unknown.status_code) == (404, 404, 404)
    assert text.status_code == 404


def test_people_without_a_statistics_role_are_refused(figures: None) -> None:
    citizen_like = factories.make_user("no.role")

    assert logged_in(citizen_like).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_a_wrong_period_is_explained_on_the_page(analyst_national: Any) -> None:
    response = logged_in(analyst_national).get(URL, {"period": "2024Q9"})

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()


def _count(client: Client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(context.captured_queries)


def _spread_tips(level: str, count: int, under: str = "") -> None:
    units = AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=level, path__startswith=under
    ).order_by("code")[:count]
    for unit in units:
        on_tip_change(None, concluded(unit, at(2024, 4)))


# The number of queries of a dashboard page: session and user, the roll-ups (each reads the
# indicators, the categories and its source; the geography is kept per process once the first
# page has read it), the coverage of the annual report and the unit its link opens. It must
# not grow with the number of places shown. The summary sentences of the community models and
# of the commendations read their own figures (5 queries together, whatever the places), the
# anti-fraud sentence its own in one.
COUNTRY_QUERIES = 28
PROVINCE_QUERIES = 29


def test_the_number_of_queries_does_not_grow_with_the_places_shown(
    analyst_national: Any,
) -> None:
    client = logged_in(analyst_national)
    country = {"period": "2024"}
    hanoi = {"period": "2024", "unit": "01"}
    _spread_tips(Level.PROVINCE, 1)
    _spread_tips(Level.COMMUNE, 1, under=province("01").path)
    # The session and the language settle on the first request, the geography is read once.
    client.get(URL, country)
    client.get(URL, hanoi)

    few = _count(client, country), _count(client, hanoi)
    _spread_tips(Level.PROVINCE, 34)
    _spread_tips(Level.COMMUNE, 60, under=province("01").path)
    many = _count(client, country), _count(client, hanoi)

    assert few == many == (COUNTRY_QUERIES, PROVINCE_QUERIES)


def test_the_summary_is_shown_to_copy_and_downloaded_as_text(analyst_national: Any) -> None:
    load_demo()
    client = logged_in(analyst_national)

    page = client.get(URL, {"unit": "VN", "period": "2023"}).content.decode()
    text = client.get("/stats/dashboard/summary.txt", {"unit": "VN", "period": "2023"})

    with translation.override("en"):
        expected = summary_paragraph(summary_figures(None, unit="VN", period="2023"))
    assert expected.startswith("In 2023, counting only the 20 of 63 provinces")
    assert f'<blockquote class="stats-summary">{expected}</blockquote>' in page
    assert text.status_code == 200
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert text["Content-Disposition"].startswith("attachment;")
    assert text.content.decode() == expected + "\n"
    # The annual report's coverage among the key figures, with the way to who is missing.
    assert '<dd class="stats-key-value">20/63</dd>' in page
    assert "/stats/coverage/?dataset=pn_movement_year&amp;period=2023" in page


def test_the_report_and_the_places_table_can_be_exported(
    figures: None, analyst_national: Any
) -> None:
    page = logged_in(analyst_national).get(URL, {"period": "2024"}).content.decode()

    forms = re.findall(r'<form method="post" action="/exports/start/".*?</form>', page, re.S)
    kinds = [re.search(r'name="kind" value="([^"]+)"', form)[1] for form in forms]  # type: ignore[index]
    assert kinds == ["stats.pivot", "stats.report"]
    assert 'value="docx"' in forms[1]
    assert 'value="xlsx"' in forms[0]
    assert "&quot;unit&quot;: &quot;VN&quot;" in forms[1]


def test_the_statistics_index_links_to_the_dashboard(analyst_national: Any) -> None:
    page = logged_in(analyst_national).get("/stats/").content.decode()

    assert 'href="/stats/dashboard/"' in page
