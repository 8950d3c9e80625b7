"""Demo statistics: the default indicators and data sets, and reports that read like the
movement's own figures.

- The 2023 annual reports of the provincial Women's Unions: 20 of the 63 provinces of the time
  reported (the seed article: "Chỉ tính riêng 20 tỉnh, thành phố có báo cáo số liệu, 110 nghìn
  nguồn tin có giá trị …"); their valuable tips add up to about 110 thousand.
- The last complete quarter's reports of two Hà Nội wards' Women's Unions (one approved, one
  awaiting approval) and a draft of the city's own report.

Idempotent: a report that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from toandan.accounts.models import User
from toandan.audit.services import audit_record
from toandan.orgs.models import OrgUnit
from toandan.stats.audit_actions import StatsAction
from toandan.stats.defaults import ensure_defaults
from toandan.stats.models import (
    COUNTED_STATUSES,
    DataElement,
    DataSet,
    Indicator,
    Report,
    ReportStatus,
    ReportValue,
    ValidationRule,
)
from toandan.stats.periods import parse_period
from toandan.stats.selectors import recent_periods
from toandan.stats.services import report_place_ids

LOCAL_TZ = dt.timezone(dt.timedelta(hours=7))

# Old province code -> (union members, members trained, sessions, tips passed outside toandan,
# valuable tips, offenders reintegrated, initiatives, day of January/February 2024 submitted).
ANNUAL_2023: dict[str, tuple[int, int, int, int, int, int, int, int]] = {
    "01": (1_020_000, 186_400, 4_210, 15_830, 10_920, 412, 96, 12),
    "79": (1_180_000, 201_300, 4_880, 17_460, 12_480, 538, 104, 18),
    "31": (412_000, 78_200, 1_930, 7_640, 5_710, 214, 41, 9),
    "48": (198_000, 41_500, 1_020, 4_150, 3_020, 97, 28, 15),
    "92": (203_000, 39_800, 980, 3_890, 2_860, 88, 19, 22),
    "22": (286_000, 52_600, 1_310, 5_270, 3_910, 131, 33, 16),
    "26": (246_000, 44_900, 1_120, 4_380, 3_240, 102, 24, 29),
    "27": (259_000, 48_300, 1_180, 4_760, 3_560, 118, 27, 11),
    "30": (388_000, 70_100, 1_690, 6_920, 5_180, 176, 38, 31),
    "33": (246_000, 44_200, 1_070, 4_330, 3_180, 99, 22, 8),
    "36": (372_000, 66_800, 1_610, 6_470, 4_860, 163, 35, 25),
    "38": (745_000, 128_900, 3_080, 12_240, 8_640, 327, 71, 19),
    "40": (702_000, 121_400, 2_930, 11_860, 8_730, 305, 66, 34),
    "46": (246_000, 43_700, 1_060, 4_250, 3_120, 94, 23, 14),
    "66": (382_000, 67_900, 1_640, 6_580, 4_870, 171, 37, 40),
    "74": (395_000, 70_600, 1_700, 6_840, 5_090, 182, 39, 10),
    "75": (653_000, 113_800, 2_740, 11_030, 8_190, 284, 61, 27),
    "80": (357_000, 63_400, 1_530, 6_150, 4_560, 149, 32, 45),
    "89": (448_000, 79_600, 1_920, 7_720, 5_740, 196, 42, 21),
    "15": (151_000, 29_800, 740, 2_930, 2_160, 71, 17, 38),
}
ANNUAL_FIELDS = (
    "union_members",
    "members_trained",
    "communication_sessions",
    "tips_passed_outside",
    "valuable_tips_reported",
    "offenders_reintegrated",
    "initiatives",
)
# Reports still awaiting the central union's approval.
ANNUAL_SUBMITTED_ONLY = {"80", "15"}

# Hà Nội, last complete quarter: (unit, status, figures).
QUARTER_HANOI: tuple[tuple[str, str, dict[str, int]], ...] = (
    (
        "PN-01-00070",
        ReportStatus.APPROVED,
        {
            "members_trained": 640,
            "communication_sessions": 14,
            "tips_passed_outside": 23,
            "offenders_reintegrated": 2,
            "initiatives": 1,
        },
    ),
    (
        "PN-01-00004",
        ReportStatus.SUBMITTED,
        {
            "members_trained": 515,
            "communication_sessions": 11,
            "tips_passed_outside": 17,
            "offenders_reintegrated": 0,
        },
    ),
    (
        "PN-01",
        ReportStatus.DRAFT,
        {"members_trained": 2_400, "communication_sessions": 36},
    ),
)


def _create_report(
    *,
    dataset: DataSet,
    unit: OrgUnit,
    period_id: str,
    status: str,
    figures: dict[str, int],
    submitted_at: dt.datetime | None,
    approver: User | None,
) -> bool:
    period = parse_period(period_id)
    if Report.objects.filter(dataset=dataset, org_unit=unit, period_id=period.id).exists():
        return False
    now = timezone.now()
    approved = status == ReportStatus.APPROVED
    report = Report.objects.create(
        dataset=dataset,
        org_unit=unit,
        period_id=period.id,
        period_start=period.start,
        period_end=period.end,
        status=status,
        submitted_at=submitted_at,
        last_submitted_at=submitted_at,
        approved_at=(submitted_at + dt.timedelta(days=6)) if approved and submitted_at else None,
        approved_by=approver if approved else None,
        created_at=submitted_at or now,
        updated_at=now,
    )
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(figures))}
    province_id, commune_id = report_place_ids(unit)
    ReportValue.objects.bulk_create(
        ReportValue(
            report=report,
            indicator=indicators[code],
            value=Decimal(value),
            org_unit=unit,
            province_id=province_id,
            commune_id=commune_id,
            period_start=period.start,
            period_end=period.end,
            counted=status in COUNTED_STATUSES,
        )
        for code, value in figures.items()
    )
    return True


def load_demo() -> str:
    with transaction.atomic():
        defaults = ensure_defaults(Indicator, DataSet, DataElement, ValidationRule)
        created = 0
        annual = DataSet.objects.get(code="pn_movement_year")
        units = {
            u.code: u
            for u in OrgUnit.objects.select_related("admin_unit").filter(
                code__in=[f"PN-L{code}" for code in ANNUAL_2023]
            )
        }
        for code, row in ANNUAL_2023.items():
            unit = units.get(f"PN-L{code}")
            if unit is None:
                continue
            *annual_figures, day = row
            created += _create_report(
                dataset=annual,
                unit=unit,
                period_id="2023",
                status=(
                    ReportStatus.SUBMITTED
                    if code in ANNUAL_SUBMITTED_ONLY
                    else ReportStatus.APPROVED
                ),
                figures=dict(zip(ANNUAL_FIELDS, annual_figures, strict=True)),
                submitted_at=dt.datetime(2024, 1, 1, 9, 30, tzinfo=LOCAL_TZ)
                + dt.timedelta(days=day - 1),
                approver=User.objects.filter(username="hoidong.tw").first(),
            )
        quarterly = DataSet.objects.get(code="pn_movement_quarter")
        quarter = recent_periods(quarterly)[1]
        hanoi_units = {
            u.code: u
            for u in OrgUnit.objects.select_related("admin_unit").filter(
                code__in=[code for code, _s, _f in QUARTER_HANOI]
            )
        }
        submitted = dt.datetime.combine(
            quarter.end + dt.timedelta(days=5), dt.time(10, 0), tzinfo=LOCAL_TZ
        )
        for code, status, figures in QUARTER_HANOI:
            unit = hanoi_units.get(code)
            if unit is None:
                continue
            created += _create_report(
                dataset=quarterly,
                unit=unit,
                period_id=quarter.id,
                status=status,
                figures=figures,
                submitted_at=None if status == ReportStatus.DRAFT else submitted,
                approver=User.objects.filter(username="pn.hanoi").first(),
            )
        if defaults or created:
            audit_record(
                actor=None,
                action=StatsAction.DEMO_LOAD,
                object_type="stats.report",
                reason="demo data",
                data={"reference_rows": defaults, "reports": created},
            )
    return f"{defaults} indicators and data sets, {created} reports created"
