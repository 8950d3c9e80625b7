"""Synthetic tips and reports: valid tips in the right geography, numbered like the register,
counted like the intake counts them, readable by the officers who may read them."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from toandan.accounts.tests.factories import make_user
from toandan.demo import synthetic
from toandan.demo.synthetic import (
    SYNTHETIC_PREFIX,
    SyntheticDataError,
    generate_reports,
    generate_tips,
    parse_years,
)
from toandan.geo.models import Generation
from toandan.orgs.models import OrgKind, OrgLevel
from toandan.stats import summary
from toandan.stats.models import DataSet, Report, ReportStatus, ReportValue
from toandan.stats.selectors import coverage, rollup
from toandan.stats.services import validate_values
from toandan.tips.handling.routing import route_tip
from toandan.tips.models import Category, RegisterBook, RouteRole, Tip, TipRoute, TipStatus
from toandan.tips.selectors import tip_content

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=VN)
REFORM = dt.date(2025, 7, 1)


@pytest.fixture
def tips_2024_2025(db: None) -> list[Tip]:
    written = generate_tips(count=400, years=(2024, 2025), seed=7, batch=150, now=NOW)
    assert written == 400
    return list(
        Tip.objects.select_related("province", "commune", "register_unit", "responsible_unit")
        .filter(reference__startswith=SYNTHETIC_PREFIX)
        .order_by("received_at")
    )


def local_day(tip: Tip) -> dt.date:
    return tip.received_at.astimezone(VN).date()


@pytest.mark.django_db
def test_the_number_asked_is_written_over_the_years_asked(tips_2024_2025):
    assert len(tips_2024_2025) == 400
    years = Counter(local_day(t).year for t in tips_2024_2025)
    assert set(years) == {2024, 2025}
    # Growth: the later year has more tips.
    assert years[2025] > years[2024]
    assert all(len(t.reference) == 12 for t in tips_2024_2025)
    assert len({t.reference for t in tips_2024_2025}) == 400


@pytest.mark.django_db
def test_each_tip_is_in_the_geography_of_its_day(tips_2024_2025):
    before = [t for t in tips_2024_2025 if local_day(t) < REFORM]
    after = [t for t in tips_2024_2025 if local_day(t) >= REFORM]
    assert before
    assert after
    for tip in before:
        assert tip.province.generation == Generation.LEGACY
        assert tip.commune is None or tip.commune.generation == Generation.LEGACY
        # Before the reform the province police registered them (no commune police units).
        assert tip.register_unit.code.startswith("CA-L")
        assert tip.register_unit.admin_unit_id == tip.province_id
    for tip in after:
        assert tip.province.generation == Generation.CURRENT
        assert tip.commune is None or tip.commune.generation == Generation.CURRENT
        expected_place = tip.commune_id or tip.province_id
        assert tip.register_unit.admin_unit_id == expected_place
        assert tip.register_unit.kind == OrgKind.POLICE
    for tip in tips_2024_2025:
        if tip.commune is not None:
            assert tip.commune.path.startswith(tip.province.path)


@pytest.mark.django_db
def test_routes_are_what_the_routing_table_gives(tips_2024_2025):
    primaries = Counter(
        TipRoute.objects.filter(
            tip__in=tips_2024_2025, role=RouteRole.PRIMARY, active=True
        ).values_list("tip_id", flat=True)
    )
    assert all(primaries[t.pk] == 1 for t in tips_2024_2025)
    for tip in tips_2024_2025[::37]:
        routing = route_tip(
            category=tip.category,
            province=tip.province,
            commune=tip.commune,
            day=local_day(tip),
        )
        stored = {
            (r.org_unit_id, r.role, r.reason)
            for r in tip.routes.all()
            if r.active and tip.responsible_unit_id == tip.register_unit_id
        }
        if stored:  # not handed over at the reform
            assert stored == {(r.org_unit.pk, r.role, r.reason) for r in routing.routes}


@pytest.mark.django_db
def test_register_numbers_run_without_gaps_and_continue_the_books(tips_2024_2025):
    generate_tips(count=150, years=(2025, 2025), seed=8, batch=60, now=NOW)
    by_book: dict[tuple[int, int], list[int]] = defaultdict(list)
    for unit_id, year, seq, number, unit_code in Tip.objects.values_list(
        "register_unit_id",
        "register_year",
        "register_seq",
        "register_number",
        "register_unit__code",
    ):
        by_book[(unit_id, year)].append(seq)
        assert number == f"{unit_code}/{year}/{seq:06d}"
    books = {
        (unit_id, year): last
        for unit_id, year, last in RegisterBook.objects.values_list(
            "org_unit_id", "year", "last_seq"
        )
    }
    for book, seqs in by_book.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), book
        assert books[book] == len(seqs)


@pytest.mark.django_db
def test_a_synthetic_tip_opens_for_an_officer_with_jurisdiction_only(tips_2024_2025):
    tip = next(
        t
        for t in tips_2024_2025
        if local_day(t) >= REFORM and t.commune_id and t.register_unit.level == OrgLevel.COMMUNE
    )
    officer = make_user("ca.synthetic", "police_officer", tip.responsible_unit.code)
    content = tip_content(tip, actor=officer)
    assert content["description"]
    assert content["address"].startswith("Khu vực ")
    elsewhere = Tip.objects.filter(reference__startswith=SYNTHETIC_PREFIX).exclude(
        province_id=tip.province_id
    )
    stranger_tip = elsewhere.filter(received_at__gte=dt.datetime(2025, 7, 1, tzinfo=VN)).first()
    assert stranger_tip is not None
    with pytest.raises(PermissionDenied):
        tip_content(stranger_tip, actor=officer)


@pytest.mark.django_db
def test_an_old_tip_opens_for_the_ministry(tips_2024_2025):
    old = next(t for t in tips_2024_2025 if local_day(t) < REFORM)
    ministry = make_user("ca.tw.synthetic", "police_leader", "CA-TW")
    assert tip_content(old, actor=ministry)["occurred_text"]


@pytest.mark.django_db
def test_the_summary_equals_a_recount(tips_2024_2025):
    first, last = dt.date(2024, 1, 1), dt.date(2025, 12, 1)
    counted = summary.recount(first, last)
    assert sum(m["received"] for m in counted.values()) == 400
    assert summary.stored(first, last) == counted
    assert summary.stored_provinces(first, last) == summary.province_rows(counted)
    assert summary.stored_communes(first, last) == summary.commune_rows(counted)


@pytest.mark.django_db
def test_the_mix_looks_like_the_registers():
    generate_tips(count=1500, years=(2019, 2024), seed=11, batch=500, now=NOW)
    tips = list(
        Tip.objects.filter(reference__startswith=SYNTHETIC_PREFIX).values_list(
            "status", "valuable", "category__group", "received_at", "decided_in_time"
        )
    )
    statuses = Counter(status for status, *_rest in tips)
    concluded = [t for t in tips if t[0] == TipStatus.CONCLUDED]
    # Old tips are decided, but for a few merged and a few suspended for good.
    assert 0.85 < len(concluded) / len(tips) < 0.97
    assert statuses[TipStatus.MERGED] > 0
    assert statuses[TipStatus.SUSPENDED] > 0
    assert statuses[TipStatus.RESOLVING] == 0
    valuable = sum(1 for t in concluded if t[1]) / len(concluded)
    assert 0.38 < valuable < 0.55
    in_time = sum(1 for t in concluded if t[4]) / len(concluded)
    assert 0.7 < in_time < 0.95

    def fraud_share(year: int) -> float:
        of_year = [t for t in tips if t[3].astimezone(VN).year == year]
        return sum(1 for t in of_year if t[2] == "fraud") / len(of_year)

    assert fraud_share(2024) > 1.5 * fraud_share(2019)


@pytest.mark.django_db
def test_recent_tips_are_open_with_their_deadline():
    generate_tips(count=300, years=(2026, 2026), seed=5, batch=100, now=NOW)
    recent = Tip.objects.filter(
        reference__startswith=SYNTHETIC_PREFIX, received_at__gte=NOW - dt.timedelta(days=10)
    )
    open_ = [t for t in recent if t.status not in (TipStatus.CONCLUDED, TipStatus.MERGED)]
    assert open_
    for tip in open_:
        if tip.status != TipStatus.SUSPENDED:
            assert tip.due_at is not None
            assert tip.due_kind
    assert all(t.received_at < NOW for t in recent)


@pytest.mark.django_db
def test_routing_of_the_generator_is_route_tip():
    world = synthetic._load_world(NOW)
    rng = random.Random(3)
    categories = world.categories
    for generation, day in (
        (world.legacy, dt.date(2023, 5, 2)),
        (world.current, dt.date(2025, 9, 9)),
    ):
        for _ in range(40):
            province_id, commune_id = generation.pick(rng)
            category = categories[rng.randrange(len(categories))]
            mine = world.routing(category, province_id, commune_id, day)
            theirs = route_tip(
                category=Category.objects.get(pk=category.id),
                province=world.admin_units[province_id],
                commune=world.admin_units[commune_id] if commune_id else None,
                day=day,
            )
            assert mine.primary_id == theirs.primary.org_unit.pk
            assert mine.rows == tuple(
                (r.org_unit.pk, r.role, r.rule.pk if r.rule else None, r.reason, True)
                for r in theirs.routes
            )


@pytest.mark.django_db
def test_a_third_of_tips_in_a_commune_with_branches_name_one_of_them():
    from toandan.orgs.demo import load_demo as load_demo_branches
    from toandan.orgs.models import OrgUnit

    load_demo_branches()
    world = synthetic._load_world(NOW)
    hoan_kiem = OrgUnit.objects.get(code="PN-01-00070")
    commune_id = hoan_kiem.admin_unit_id
    assert hoan_kiem.parent is not None
    province_id = hoan_kiem.parent.admin_unit_id
    assert commune_id is not None
    assert province_id is not None
    # Only Hoàn Kiếm on the map, so every draft falls there.
    world.current = synthetic._Geography(
        [synthetic._Province(province_id, 1.0, [commune_id], [1.0])], [1.0]
    )
    branches = set(
        OrgUnit.objects.filter(parent=hoan_kiem, level=OrgLevel.BRANCH).values_list("pk", flat=True)
    )
    assert len(branches) == 3
    rng = random.Random(1)
    categories = synthetic._category_cumulative(world.categories, 2026)
    channels = synthetic._channel_cumulative(2026)
    received = dt.datetime(2026, 2, 2, 9, 0, tzinfo=VN)
    drafts = [synthetic._draft(rng, world, received, categories, channels) for _ in range(300)]
    named = [d.union_branch_id for d in drafts if d.commune_id is not None]
    share = sum(1 for b in named if b is not None) / len(named)
    assert 0.2 < share < 0.4
    assert {b for b in named if b is not None} <= branches


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "problem"),
    [("2024-2019", "after"), ("1999-2020", "between"), ("2019-2099", "between"), ("abc", "A-B")],
)
def test_bad_years_are_refused_with_a_reason(text, problem):
    with translation.override("en"), pytest.raises(SyntheticDataError, match=problem):
        parse_years(text, now=NOW)


@pytest.mark.django_db
def test_good_years_parse():
    assert parse_years("2019-2024", now=NOW) == (2019, 2024)
    assert parse_years("2025", now=NOW) == (2025, 2025)


@pytest.mark.django_db
def test_a_negative_count_is_refused():
    with pytest.raises(SyntheticDataError):
        generate_tips(count=-1, years=(2024, 2024), now=NOW)


# --- Reports --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reports_cover_about_seven_in_ten_units_and_name_the_missing():
    from toandan.stats.demo import load_demo

    load_demo()  # the default data sets (and the 2023 annual reports of 20 provinces)
    created = generate_reports(years=(2024, 2025), seed=4, now=NOW)
    assert created > 0
    annual = DataSet.objects.get(code="pn_movement_year")
    result = coverage(annual, "2024")
    assert 0.5 < result.reported / result.expected < 0.9
    assert result.missing
    # Approved bottom-up: a report above is approved only when all below it are.
    quarterly = DataSet.objects.get(code="pn_movement_quarter")
    reports = Report.objects.filter(dataset=quarterly, period_id="2025Q4")
    provinces = reports.filter(org_unit__level=OrgLevel.PROVINCE)
    assert provinces.exists()
    assert not provinces.filter(status=ReportStatus.APPROVED).exists()
    assert reports.filter(org_unit__level=OrgLevel.COMMUNE, status=ReportStatus.APPROVED).exists()


@pytest.mark.django_db
def test_report_figures_pass_validation_and_count_in_rollups():
    from toandan.stats.demo import load_demo

    load_demo()
    generate_reports(years=(2024, 2024), seed=9, now=NOW)
    annual = DataSet.objects.get(code="pn_movement_year")
    for report in Report.objects.filter(dataset=annual, period_id="2024")[:10]:
        values = dict(report.values.values_list("indicator__code", "value"))
        validate_values(annual, values, complete=True)
    total = sum(
        ReportValue.objects.filter(
            report__dataset=annual, report__period_id="2024", indicator__code="members_trained"
        ).values_list("value", flat=True),
        Decimal(0),
    )
    table = rollup(["members_trained"], "2024", level="country", geography="old", by=())
    rolled_up = table.value("members_trained")
    assert rolled_up is not None
    # Annual reports and the quarterly reports of 2024 add up.
    assert Decimal(rolled_up) >= total > 0


@pytest.mark.django_db
def test_reports_that_exist_are_left_as_they_are():
    from toandan.stats.demo import load_demo

    load_demo()
    generate_reports(years=(2024, 2024), seed=2, now=NOW)
    before = {
        (r.dataset_id, r.org_unit_id, r.period_id): (r.status, r.submitted_at)
        for r in Report.objects.all()
    }
    generate_reports(years=(2024, 2024), seed=3, now=NOW)
    after = {
        (r.dataset_id, r.org_unit_id, r.period_id): (r.status, r.submitted_at)
        for r in Report.objects.all()
    }
    assert all(after[key] == value for key, value in before.items())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers run on PostgreSQL only")
def test_workers_generate_years_side_by_side(committed_db):
    written = generate_tips(count=600, years=(2023, 2025), seed=5, batch=200, now=NOW, workers=2)
    assert written == 600
    tips = Tip.objects.filter(reference__startswith=SYNTHETIC_PREFIX)
    assert tips.count() == 600
    by_book: dict[tuple[int, int], list[int]] = defaultdict(list)
    for unit_id, year, seq in tips.values_list("register_unit_id", "register_year", "register_seq"):
        by_book[(unit_id, year)].append(seq)
    for seqs in by_book.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    first, last = dt.date(2023, 1, 1), dt.date(2025, 12, 1)
    assert summary.stored(first, last) == summary.recount(first, last)


def test_the_units_dashboard_counts_equal_a_recount(tips_2024_2025):
    """Bulk tips skip the per-tip hooks: the loader adds the units' monthly counts itself."""
    from toandan.tips.dashboard.unit_counts import unit_counts_recount, unit_counts_stored

    stored = unit_counts_stored()
    assert stored
    assert stored == unit_counts_recount()
