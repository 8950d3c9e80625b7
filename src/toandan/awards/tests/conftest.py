"""Fixtures of the awards tests: a small campaign in today's Hà Nội run by the Ministry and the
central Women's Union, with real units created by loading the geography."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from toandan.accounts.tests.factories import make_user, unit
from toandan.awards import services
from toandan.awards.models import AwardForm, BallotRule, Campaign, Nomination, SubjectType
from toandan.geo.models import AdminUnit, Generation, Level

HANOI_UNION = "PN-01"
HOAN_KIEM_UNION = "PN-01-00070"
BA_DINH_UNION = "PN-01-00004"
LAO_CAI_UNION = "PN-15"
BAT_XAT_UNION = "PN-15-02683"
CENTRAL_POLICE = "CA-TW"
CENTRAL_UNION = "PN-TW"


def province(code: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.PROVINCE, code=code)


@dataclass
class World:
    campaign: Campaign
    cadre: Any  # union cadre, Hoàn Kiếm
    cadre_ba_dinh: Any
    leader: Any  # union leader, Hà Nội
    leader_lao_cai: Any
    organiser: Any
    reviewers: list[Any]
    form: AwardForm


def make_campaign(organiser: Any, *, quota: int = 5) -> Campaign:
    form = AwardForm.objects.get(code="bk-bca")
    return services.campaign_create(
        actor=organiser,
        title="Biểu dương phụ nữ điển hình tiên tiến trong phong trào toàn dân bảo vệ an ninh "
        "Tổ quốc, giai đoạn 2021–2026",
        organisers=[unit(CENTRAL_POLICE), unit(CENTRAL_UNION)],
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2026, 12, 31),
        scope_provinces=[province("01"), province("15")],
        region="Khu vực phía bắc",
        subject_types=[SubjectType.COLLECTIVE, SubjectType.INDIVIDUAL],
        forms=[form, AwardForm.objects.get(code="gk-gdcat")],
        criteria=[
            services.CriterionInput("Kết quả phát hiện, tố giác tội phạm", Decimal(3)),
            services.CriterionInput("Xây dựng, nhân rộng mô hình", Decimal(2)),
        ],
        quotas=[
            services.QuotaInput(unit(HANOI_UNION), SubjectType.INDIVIDUAL, quota),
            services.QuotaInput(unit(HANOI_UNION), SubjectType.COLLECTIVE, quota),
        ],
        # The calendar runs from today: nominations are open while the tests run.
        nominations_close_commune=timezone.localdate() + dt.timedelta(days=30),
        nominations_close_province=timezone.localdate() + dt.timedelta(days=40),
        council_date=timezone.localdate() + dt.timedelta(days=50),
        ceremony_date=timezone.localdate() + dt.timedelta(days=60),
        ceremony_place="Hà Nội",
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in English; a page rendered earlier may leave Vietnamese active.
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def make_world() -> World:
    organiser = make_user(
        "thidua.test", "campaign_organiser", CENTRAL_POLICE, full_name="Hoàng Văn Nam"
    )
    reviewers = [
        make_user("hd.chu.tich", "reviewer", CENTRAL_UNION, full_name="Vũ Thị Mai"),
        make_user("hd.uy.vien", "reviewer", CENTRAL_POLICE, full_name="Lê Văn Bình"),
        make_user("hd.hanoi", "reviewer", HANOI_UNION, full_name="Ngô Thị Hạnh"),
    ]
    return World(
        campaign=make_campaign(organiser),
        cadre=make_user("pn.hk.test", "union_cadre", HOAN_KIEM_UNION),
        cadre_ba_dinh=make_user("pn.bd.test", "union_cadre", BA_DINH_UNION),
        leader=make_user("pn.hn.test", "union_leader", HANOI_UNION),
        leader_lao_cai=make_user("pn.lc.test", "union_leader", LAO_CAI_UNION),
        organiser=organiser,
        reviewers=reviewers,
        form=AwardForm.objects.get(code="bk-bca"),
    )


def nominate(
    w: World,
    *,
    name: str = "Nguyễn Thị Thu Trang",
    subject: str = "individual",
    key: str = "",
    women: bool = True,
    consent: bool = False,
    actor: Any = None,
) -> Nomination:
    union = unit(HOAN_KIEM_UNION)
    return services.nomination_create(
        actor=actor or w.cadre,
        campaign=w.campaign,
        data=services.NominationInput(
            subject_type=subject,
            subject_name=name,
            unit=union,
            place=union.admin_unit,  # type: ignore[arg-type]
            form=w.form,
            achievement="Vận động hội viên cung cấp 14 nguồn tin, phối hợp giải quyết 3 vụ việc.",
            achievement_summary="Vận động hội viên cung cấp 14 nguồn tin có giá trị",
            achievement_key=key,
            active_from=dt.date(2021, 3, 8),
            women_led=women,
            police_opinion="Công an phường Hoàn Kiếm nhất trí đề nghị.",
            consent_to_name=consent,
        ),
    )


def up_to_centre(w: World, nomination: Nomination) -> Nomination:
    nomination = services.nomination_step(actor=w.cadre, nomination=nomination, action="submit")
    nomination = services.nomination_step(actor=w.leader, nomination=nomination, action="forward")
    return services.nomination_step(actor=w.organiser, nomination=nomination, action="receive")


def seat_council(w: World, *, blind: bool = False) -> Any:
    return services.council_create(
        actor=w.organiser,
        campaign=w.campaign,
        name="Hội đồng xét biểu dương",
        ballot_rule=BallotRule.objects.order_by("pk").first(),  # type: ignore[arg-type]
        members=[
            services.MemberInput(w.reviewers[0], "chair", unit(CENTRAL_UNION)),
            services.MemberInput(w.reviewers[1], "member", unit(CENTRAL_POLICE)),
            services.MemberInput(w.reviewers[2], "member", unit(HANOI_UNION)),
        ],
        blind=blind,
    )
