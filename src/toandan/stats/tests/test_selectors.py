"""Roll-ups: old units re-aggregated onto today's, regions, drill-down, zero versus not
reported, formulas, aggregation over time, jurisdiction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from toandan.geo.models import AdminUnit, Level, Succession
from toandan.orgs.demo import load_demo as load_demo_branches
from toandan.orgs.models import OrgUnit
from toandan.stats.models import Report, ReportValue
from toandan.stats.selectors import (
    StatsAccessError,
    StatsQueryError,
    default_place,
    org_rollup,
    rollup,
    stats_query,
)
from toandan.stats.summary import on_tip_change
from toandan.stats.tests.conftest import (
    BA_DINH,
    CUA_NAM,
    HA_GIANG_OLD,
    HANG_TRONG_OLD,
    HOAN_KIEM,
    TUYEN_QUANG,
    at,
    category,
    commune,
    concluded,
    facts,
    old_commune,
    old_province,
    province,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Months before today's: tests that commit real transactions receive tips now, and their
# summary rows outlive them (statistics survive deletion of tips by design).
EARLY_2026 = "202601-202610"


def _record(*many: dict[str, Any]) -> None:
    for one in many:
        on_tip_change(None, one)


def test_a_figure_of_an_old_province_appears_under_its_successor() -> None:
    # Hà Giang (old) merged into Tuyên Quang on 01/07/2025.
    _record(
        facts(old_province(HA_GIANG_OLD), at(2024, 3)),
        facts(old_province(HA_GIANG_OLD), at(2024, 11)),
        facts(old_province(TUYEN_QUANG), at(2024, 5)),
        facts(province(TUYEN_QUANG), at(2025, 9)),
    )

    today = rollup(["tips_received"], "2024-2025", by=("place",))
    recorded = rollup(["tips_received"], "2024-2025", by=("place",), geography="old")

    assert today.value("tips_received", "08") == 4
    assert [i.id for i in today.items["place"]].count("08") == 1
    assert len(today.items["place"]) == 34
    assert recorded.value("tips_received", "L02") == 2
    assert recorded.value("tips_received", "L08") == 1
    assert recorded.value("tips_received", "08") == 1
    assert "Tỉnh Hà Giang" in recorded.item_name("place", "L02")
    # Today's units are listed even for a year before they existed.
    before_reform = rollup(["tips_received"], "2024", by=("place",))
    assert len(before_reform.items["place"]) == 34
    assert before_reform.value("tips_received", "08") == 3


def test_an_old_commune_goes_to_the_main_part_of_its_division() -> None:
    # Phường Hàng Trống (old) was divided; its main part became Phường Hoàn Kiếm.
    _record(facts(old_commune(HANG_TRONG_OLD), at(2024, 6)))

    table = rollup(["tips_received"], "2024", unit="01", level="commune", by=("place",))

    assert table.value("tips_received", HOAN_KIEM) == 1
    assert table.value("tips_received", CUA_NAM) == 0


def test_drill_down_from_the_country_to_a_commune() -> None:
    _record(
        facts(commune(HOAN_KIEM), at(2026, 2)),
        facts(commune(HOAN_KIEM), at(2026, 3)),
        facts(commune(BA_DINH), at(2026, 3)),
        facts(province("01"), at(2026, 3)),  # commune not known
        facts(province(TUYEN_QUANG), at(2026, 3)),
    )

    country = rollup(["tips_received"], EARLY_2026, unit="VN", level="country", by=("place",))
    provinces = rollup(["tips_received"], EARLY_2026, unit="VN", level="province", by=("place",))
    communes = rollup(["tips_received"], EARLY_2026, unit="01", level="commune", by=("place",))
    ward = rollup(["tips_received"], EARLY_2026, unit=HOAN_KIEM, level="commune", by=("period",))

    assert country.value("tips_received", "VN") == 5
    assert (provinces.value("tips_received", "01"), provinces.value("tips_received", "08")) == (
        4,
        1,
    )
    assert communes.value("tips_received", HOAN_KIEM) == 2
    assert communes.value("tips_received", BA_DINH) == 1
    assert communes.value("tips_received", "01:?") == 1
    assert communes.item_name("place", "01:?").startswith("Commune not known")
    assert ward.value("tips_received", "202602") == 1
    assert ward.value("tips_received", "202603") == 1
    assert [i.id for i in ward.items["period"]][:3] == ["202601", "202602", "202603"]


def test_regions_add_up_their_provinces_in_either_geography() -> None:
    _record(
        facts(old_province(HA_GIANG_OLD), at(2024, 3)),
        facts(province("79"), at(2025, 8)),
    )

    today = rollup(["tips_received"], "2024-2025", level="region", by=("place",))
    recorded = rollup(
        ["tips_received"], "2024-2025", level="statistical_region", by=("place",), geography="old"
    )

    assert [i.id for i in today.items["place"]] == [
        "region:macro:north",
        "region:macro:central",
        "region:macro:south",
    ]
    assert today.value("tips_received", "region:macro:north") == 1
    assert today.value("tips_received", "region:macro:south") == 1
    assert recorded.value("tips_received", "region:statistical:northern-midlands-mountains") == 1


def test_a_province_table_by_month_and_category() -> None:
    theft, drugs = category("theft"), category("drug-use")
    _record(
        facts(province("01"), at(2026, 1), category_id=theft.pk),
        facts(province("01"), at(2026, 1), category_id=drugs.pk),
        facts(province("01"), at(2026, 2), category_id=drugs.pk, channel="phone"),
    )

    table = rollup(["tips_received"], EARLY_2026, by=("period", "place", "category"))
    by_channel = rollup(
        ["tips_received"], EARLY_2026, by=("channel",), level="country", channels=["phone"]
    )
    only_drugs = rollup(["tips_received"], EARLY_2026, by=("place",), categories=["drug-use"])

    assert table.value("tips_received", "202601", "01", "drug-use") == 1
    assert table.value("tips_received", "202602", "01", "drug-use") == 1
    assert table.value("tips_received", "202602", "01", "theft") == 0
    assert [r[1:] for r in table.rows()] == [
        ["202601", "01", "theft", 1],
        ["202601", "01", "drug-use", 1],
        ["202602", "01", "drug-use", 1],
    ]
    assert by_channel.value("tips_received", "phone") == 1
    assert [i.id for i in by_channel.items["channel"]] == ["phone"]
    assert only_drugs.value("tips_received", "01") == 2


def test_ratios_and_averages_are_computed_from_their_sums() -> None:
    hanoi = province("01")
    _record(
        concluded(hanoi, at(2026, 3, 1), decided_in_time=True),
        concluded(
            hanoi,
            at(2026, 3, 1),
            decided_in_time=False,
            valuable=False,
            concluded_at=at(2026, 4, 30),
        ),
        concluded(hanoi, at(2026, 3, 1), decided_in_time=True),
        facts(hanoi, at(2026, 3, 2)),
    )

    table = rollup(
        ["share_decided_in_time", "share_valuable", "average_decision_days", "tips_valuable"],
        "2026Q1",
        by=("place",),
    )

    assert table.value("share_decided_in_time", "01") == 66.67
    assert table.value("share_valuable", "01") == 50
    # (12 + 60 + 12) / 3 days.
    assert table.value("average_decision_days", "01") == 28
    # A province without a concluded tip has no ratio (not 0 %).
    assert table.value("share_decided_in_time", "08") is None
    assert table.value("tips_valuable", "08") == 0


def _reported(unit_code: str, period_id: str, start: dt.date, end: dt.date, **values: int) -> None:
    from toandan.stats.models import DataSet, Indicator

    unit = OrgUnit.objects.select_related("admin_unit").get(code=unit_code)
    report = Report.objects.create(
        dataset=DataSet.objects.get(code="pn_movement_year"),
        org_unit=unit,
        period_id=period_id,
        period_start=start,
        period_end=end,
        status="approved",
        created_at=at(2025, 1, 1),
        updated_at=at(2025, 1, 1),
    )
    admin = unit.admin_unit
    assert admin is not None
    for code, value in values.items():
        ReportValue.objects.create(
            report=report,
            indicator=Indicator.objects.get(code=code),
            value=Decimal(value),
            org_unit=unit,
            province_id=admin.pk,
            period_start=start,
            period_end=end,
            counted=True,
        )


def test_reported_figures_keep_zero_apart_from_not_reported() -> None:
    _reported("PN-L02", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), initiatives=0)
    _reported("PN-L08", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), initiatives=7)

    recorded = rollup(["initiatives"], "2024", by=("place",), geography="old")
    today = rollup(["initiatives"], "2024", by=("place",))

    assert recorded.value("initiatives", "L02") == 0
    assert recorded.value("initiatives", "L01") is None
    assert today.value("initiatives", "08") == 7
    assert today.value("initiatives", "01") is None
    assert ["initiatives", "08", 7] in today.rows()


def test_a_stock_takes_its_last_value_and_a_flow_adds_up() -> None:
    _reported(
        "PN-L01",
        "2023",
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        union_members=1_000_000,
        initiatives=90,
    )
    _reported(
        "PN-L01",
        "2024",
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        union_members=1_020_000,
        initiatives=96,
    )
    _reported(
        "PN-L02",
        "2024",
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        union_members=100_000,
    )

    table = rollup(["union_members", "initiatives"], "2023-2024", level="country", by=("place",))
    by_year = rollup(
        ["union_members"], "2023-2024", level="country", by=("period",), interval="year"
    )

    assert table.value("union_members", "VN") == 1_120_000
    assert table.value("initiatives", "VN") == 186
    assert by_year.value("union_members", "2023") == 1_000_000
    assert by_year.value("union_members", "2024") == 1_120_000


def test_a_place_outside_the_jurisdiction_is_refused(
    analyst_hanoi: Any, analyst_national: Any
) -> None:
    with pytest.raises(StatsAccessError):
        rollup(["tips_received"], "2026", unit=TUYEN_QUANG, user=analyst_hanoi)
    with pytest.raises(StatsAccessError):
        rollup(["tips_received"], "2026", unit="VN", user=analyst_hanoi)

    # Hà Nội before 01/07/2025 is part of today's Hà Nội.
    old_hanoi = rollup(
        ["tips_received"], "2024", unit="L01", level="commune", geography="old", user=analyst_hanoi
    )
    assert old_hanoi.unit.key == "L01"
    assert rollup(["tips_received"], "2026", unit=TUYEN_QUANG, user=analyst_national)
    assert default_place(analyst_hanoi) is not None
    assert default_place(analyst_hanoi).key == "01"  # type: ignore[union-attr]


def test_bad_parameters_say_what_is_wrong(analyst_national: Any) -> None:
    cases = [
        ({"indicator": "tips_received", "period": "2024Q7"}, "period"),
        ({"indicator": "nothing", "period": "2024"}, "indicator"),
        ({"indicator": "tips_received", "period": "2024", "unit": "99"}, "unit"),
        ({"indicator": "tips_received", "period": "2024", "by": "colour"}, "by"),
        (
            {"indicator": "tips_received", "period": "2024", "unit": "01", "level": "region"},
            "level",
        ),
        ({"indicator": "tips_received", "period": "2024", "interval": "week"}, "interval"),
    ]
    for params, field in cases:
        with pytest.raises(StatsQueryError) as error:
            stats_query(analyst_national, **params)
        assert error.value.field == field, params


def test_the_2025_reform_moved_every_commune_within_its_province() -> None:
    """The province summary is re-aggregated by province succession alone; that is exact only
    because no commune's main successor lies in another province than its old province's."""
    province_successor = dict(
        Succession.objects.filter(predecessor__level=Level.PROVINCE).values_list(
            "predecessor_id", "successor_id"
        )
    )
    crossing = [
        (path, successor_province)
        for path, successor_province in Succession.objects.filter(
            predecessor__level=Level.COMMUNE, is_primary=True
        ).values_list("predecessor__path", "successor__parent_id")
        if province_successor.get(int(path.strip("/").split("/")[0])) != successor_province
    ]

    assert (
        len(province_successor)
        == AdminUnit.objects.filter(generation="legacy", level=Level.PROVINCE).count()
    )
    assert crossing == []


def test_the_union_tree_counts_tips_by_the_branch_the_tipster_named() -> None:
    load_demo_branches()
    branch = OrgUnit.objects.filter(parent__code="PN-01-00070", level="branch").order_by("code")[0]
    _record(
        facts(commune(HOAN_KIEM), at(2026, 2), union_branch_id=branch.pk),
        concluded(commune(HOAN_KIEM), at(2026, 3), union_branch_id=branch.pk),
        facts(commune(HOAN_KIEM), at(2026, 3)),  # no union named: not in the tree
    )
    _reported("PN-01-00070", "2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), initiatives=3)

    city = org_rollup(["tips_received", "tips_valuable", "initiatives"], EARLY_2026, unit="PN-01")
    ward = org_rollup(["tips_received"], EARLY_2026, unit="PN-01-00070")

    assert city.value("tips_received", "PN-01-00070") == 2
    assert city.value("tips_valuable", "PN-01-00070") == 1
    assert city.value("initiatives", "PN-01-00070") == 3
    assert city.value("initiatives", "PN-01") is None
    assert city.items["place"][0].id == "PN-01"
    assert ward.value("tips_received", branch.code) == 2
    with pytest.raises(StatsQueryError):
        org_rollup(["tips_received"], "2026", unit="CA-01")


# --- Sums per cell in the database ---------------------------------------------------------------

INDICATORS = ["tips_received", "tips_valuable", "tips_by_union", "share_decided_in_time"]
CELL_QUERIES: list[dict[str, Any]] = [
    {"period": "2024-2025", "by": ("period", "place", "category")},
    {"period": "2024-2025", "by": ("period", "place", "category"), "geography": "old"},
    {"period": "2025", "by": ("period", "place"), "unit": "01", "level": "commune"},
    {"period": "2025", "by": ("period", "place"), "unit": "L01", "level": "commune"},
    {
        "period": "2024",
        "by": ("period", "place"),
        "unit": "L01",
        "level": "commune",
        "geography": "old",
    },
    {"period": "2024", "by": ("place", "category"), "unit": "01", "level": "commune"},
    {"period": "2024", "by": ("place",), "unit": "VN", "level": "commune", "geography": "old"},
    {"period": "2024-2025", "by": ("period", "place"), "level": "region", "interval": "year"},
    {"period": "2024-2025", "by": ("place",), "level": "statistical_region", "geography": "old"},
    {"period": "2025", "by": ("category",), "categories": ["drug-use"]},
    {"period": "2025", "by": ("place", "channel"), "unit": "01", "level": "commune"},
    {"period": "2025", "by": ("place",), "channels": ["web"]},
    {"period": "2025Q3", "by": ("period",), "level": "country", "interval": "month"},
    {"period": "2024-2025", "by": (), "level": "country"},
    {
        "period": "2024",
        "by": ("period", "place"),
        "interval": "half",
        "unit": HOAN_KIEM,
        "level": "commune",
    },
]


def test_sums_per_cell_in_the_database_equal_the_general_placement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL sums the summary rows per cell (old units numbered onto today's); the result
    must be the very table the general placement in Python gives, cells and items, across
    geographies, levels, dimensions, filters and intervals. Elsewhere the source declines and
    the general way answers."""
    from dataclasses import replace

    from django.db import connection

    from toandan.stats import registry

    theft, drugs = category("theft"), category("drug-use")
    branch = OrgUnit.objects.filter(kind="womens_union").first()
    _record(
        facts(old_province(HA_GIANG_OLD), at(2024, 3), category_id=drugs.pk),
        facts(old_commune(HANG_TRONG_OLD), at(2024, 6), valuable=True),
        facts(old_commune(HANG_TRONG_OLD), at(2025, 2), channel="phone"),
        facts(old_province("01"), at(2025, 4), category_id=drugs.pk),
        facts(commune(HOAN_KIEM), at(2025, 8), union_branch_id=branch.pk if branch else None),
        facts(commune(HOAN_KIEM), at(2025, 8), category_id=drugs.pk, valuable=True),
        facts(commune(CUA_NAM), at(2025, 9), category_id=theft.pk),
        facts(province("01"), at(2025, 9)),  # commune not known
        facts(province(TUYEN_QUANG), at(2025, 11), channel="phone"),
        # A commune the geography does not know (imported data): shown as "commune not known",
        # beside the province's own figures without a commune.
        facts(old_province("01"), at(2024, 9), commune_id=999_999),
        facts(old_province("01"), at(2024, 9, 20)),
        concluded(commune(BA_DINH), at(2025, 10)),
    )
    tips = registry.get_source(registry.TIPS)
    assert tips is not None
    assert tips.fetch_cells is not None
    answered: list[bool] = []

    def spy(query: Any, maps: Any) -> Any:
        assert tips.fetch_cells is not None
        result = tips.fetch_cells(query, maps)
        answered.append(result is not None)
        return result

    for asked in CELL_QUERIES:
        monkeypatch.setitem(registry._SOURCES, registry.TIPS, replace(tips, fetch_cells=spy))
        fast = rollup(INDICATORS, **asked)
        monkeypatch.setitem(registry._SOURCES, registry.TIPS, replace(tips, fetch_cells=None))
        general = rollup(INDICATORS, **asked)

        assert fast.cells == general.cells, asked
        assert fast.items == general.items, asked
        assert any(fast.cells.values()), asked

    # A channel is not numbered: by channel, the general way is taken on any database.
    assert len(answered) == len(CELL_QUERIES) - 1
    assert all(answered) if connection.vendor == "postgresql" else not any(answered)


def test_the_geography_kept_per_process_follows_a_change_at_once() -> None:
    """Provinces and communes are kept in memory between roll-ups; a change saved through the
    models (the admin) is seen by the next roll-up of the same process (others within a
    minute)."""
    _record(facts(commune(CUA_NAM), at(2026, 2)))

    def name() -> str:
        table = rollup(["tips_received"], EARLY_2026, unit="01", level="commune", by=("place",))
        return table.item_name("place", CUA_NAM)

    before = name()
    ward = commune(CUA_NAM)
    ward.name = "Phường Cửa Nam (tên mới)"
    ward.save()

    assert before == "Phường Cửa Nam"
    assert name() == "Phường Cửa Nam (tên mới)"


def test_random_roll_ups_are_the_same_summed_by_the_database_or_placed_in_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random tips in old and new units (communes the geography knows and one it does not),
    categories, channels, outcomes and months around the reform; random roll-ups of every
    shape: both ways must give the same table, or refuse with the same message."""
    import random
    from dataclasses import replace

    from toandan.geo.models import Generation
    from toandan.stats import registry
    from toandan.tips.models import Category

    rng = random.Random(20251)
    hanoi, hanoi_old = province("01"), old_province("01")
    places = [
        old_province(HA_GIANG_OLD),
        hanoi_old,
        old_commune(HANG_TRONG_OLD),
        hanoi,
        province(TUYEN_QUANG),
        province("79"),
        commune(HOAN_KIEM),
        commune(CUA_NAM),
        commune(BA_DINH),
        *AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith=hanoi.path)[:4],
        *AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith=hanoi_old.path)[:4],
    ]
    categories = list(Category.objects.filter(active=True).order_by("code")[:4])
    branches = [None, *OrgUnit.objects.filter(kind="womens_union")[:2]]
    reform = dt.date(2025, 7, 1)
    for _ in range(150):
        place = rng.choice(places)
        if place.generation == Generation.LEGACY:
            month = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 540))
        else:
            month = reform + dt.timedelta(days=rng.randrange(0, 450))
        received = at(month.year, month.month, rng.randint(1, 28))
        branch = rng.choice(branches)
        changes: dict[str, Any] = {
            "category_id": rng.choice(categories).pk,
            "channel": rng.choice(["web", "phone", "open311"]),
            "union_branch_id": branch.pk if branch else None,
        }
        if place.level == Level.PROVINCE and rng.random() < 0.1:
            changes["commune_id"] = 900_000 + rng.randrange(3)  # a commune nobody knows
        if rng.random() < 0.4:
            _record(concluded(place, received, valuable=rng.random() < 0.5, **changes))
        else:
            _record(facts(place, received, **changes))
    tips = registry.get_source(registry.TIPS)
    assert tips is not None
    shapes = [
        (None, "province"),
        (None, "country"),
        (None, "region"),
        (None, "statistical_region"),
        ("01", "commune"),
        ("L01", "commune"),
        ("08", "commune"),
        (HOAN_KIEM, "commune"),
        ("VN", "commune"),
        ("region:macro:north", "province"),
    ]
    dimension_sets = [
        (),
        ("period",),
        ("place",),
        ("category",),
        ("period", "place"),
        ("place", "category"),
        ("period", "place", "category"),
        ("category", "place", "period"),
    ]
    compared = 0
    for _ in range(60):
        unit, level = rng.choice(shapes)
        asked: dict[str, Any] = {
            "period": rng.choice(["2024", "2025", "2024-2026", "2025Q3", "202507", "2024S2"]),
            "geography": rng.choice(["current", "old"]),
            "unit": unit,
            "level": level,
            "by": rng.choice(dimension_sets),
            "interval": rng.choice(["month", "quarter", "half", "year"]),
            "categories": rng.choice([None, None, [rng.choice(categories).code]]),
        }
        results: list[tuple[Any, Any]] = []
        for fetch_cells in (tips.fetch_cells, None):
            monkeypatch.setitem(
                registry._SOURCES, registry.TIPS, replace(tips, fetch_cells=fetch_cells)
            )
            try:
                table = rollup(["tips_received", "tips_valuable", "tips_by_union"], **asked)
                results.append((table.cells, table.items))
            except StatsQueryError as error:
                results.append(("refused", error.message))

        assert results[0] == results[1], asked
        compared += results[0][0] != "refused"

    assert compared > 40
