"""Demo data of awards: the seed article's campaign run through the real services.

"Hội nghị biểu dương Phụ nữ điển hình tiên tiến trong phong trào toàn dân bảo vệ an ninh Tổ
quốc, giai đoạn 2019–2024, khu vực phía bắc", Hà Nội, 02/08/2024 (Nhân Dân): 66 collectives
and individuals, 31 collectives and 35 individuals. The provinces are those of 2024 (before
the 01/07/2025 reform): the 25 provinces of the North. Their Women's Union province units of
that time consolidate within quotas (three over-quota dossiers are returned), the centre
receives, a council of five scores and votes in secret (one member declares a conflict for the
nominees of the union she led), and the decision commends exactly 31 collectives and 35
individuals; 4 collectives and 5 individuals do not pass the ballot. The 2024 province units
no longer exist, so their steps are taken by the central union's emulation office (a union
leader at the central union, account `thidua.hlhpn`), as when paper dossiers of closed units
are entered afterwards.

Every person is fictional: names are combined from common family and given names; the units
and communes are real, the achievements are of the real kinds the article lists (tips passed
to the police, models built, offenders reintegrated, fraud prevention). Idempotent: the
campaign is looked up by its title. 5.7 s on SQLite (measured in the test database).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from toandan.accounts.audit_actions import AccountsAction
from toandan.accounts.demo import DEMO_PASSWORD
from toandan.accounts.grants import role_bootstrap
from toandan.accounts.models import Role, User
from toandan.audit.services import audit_record
from toandan.awards import services
from toandan.awards.models import (
    AwardForm,
    BallotRule,
    Campaign,
    Nomination,
    Recusal,
    SubjectType,
)
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.orgs.models import OrgUnit

TITLE = (
    "Biểu dương Phụ nữ điển hình tiên tiến trong phong trào toàn dân bảo vệ an ninh Tổ quốc, "
    "giai đoạn 2019–2024, khu vực phía bắc"
)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The 25 provinces of the North in 2024 (official codes before the reform).
NORTH_2024 = (
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20",
    "22", "24", "25", "26", "27", "30", "31", "33", "34", "35", "36", "37",
)  # fmt: skip
COLLECTIVES_AWARDED = 31
INDIVIDUALS_AWARDED = 35
# Nominations that reach the council; the rest of each list is declined by the ballot.
COLLECTIVES_RECEIVED = 35
INDIVIDUALS_RECEIVED = 40
QUOTA = 2  # per province and subject type (Hà Nội: 3), set by the campaign's plan


def _after(days: int) -> dt.date:
    """A calendar date `days` after the day the demo is loaded."""
    return timezone.localdate() + dt.timedelta(days=days)


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    role: str
    unit_code: str


PEOPLE = (
    DemoPerson("thidua.hlhpn", "Trịnh Thị Minh Nguyệt", Role.UNION_LEADER, "PN-TW"),
    DemoPerson("hoidong.bca", "Đinh Văn Thạc", Role.REVIEWER, "CA-TW"),
    DemoPerson("hoidong.v05", "Lương Thị Hải Yến", Role.REVIEWER, "CA-TW"),
    DemoPerson("hoidong.pnhn", "Kiều Thị Bích Đào", Role.REVIEWER, "PN-01"),
    DemoPerson("hoidong.pntk", "Mạc Thị Thanh Tâm", Role.REVIEWER, "PN-TW"),
)

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
GIVEN = (
    "Thị Hương", "Thị Lan", "Thị Mai", "Thu Hà", "Thị Hạnh", "Thị Nga", "Hải Yến", "Kim Oanh",
    "Phương Thảo", "Thị Hằng", "Thanh Huyền", "Thị Liên", "Hồng Nhung", "Thị Phương",
    "Thị Quyên", "Thu Trang", "Thị Vân", "Thị Xuân", "Thị Tuyết", "Thị Loan", "Bích Ngọc",
)  # fmt: skip
# Every pair of a family and a given name, in a fixed shuffled order: no two nominees share one.
NAMES = [f"{family} {given}" for family in FAMILY for given in GIVEN]
random.Random(19).shuffle(NAMES)  # noqa: S311 - demo names, not security
HAMLETS = ("thôn Đoài", "thôn Đông", "xóm Trung", "tổ dân phố số 3", "bản Nà", "thôn Hạ")
INDIVIDUAL_DEEDS = (
    "Vận động hội viên cung cấp {n} nguồn tin có giá trị, giúp Công an xã phá tụ điểm đánh bạc",
    "Tham gia cảm hóa, giáo dục {n} người lầm lỗi tái hòa nhập cộng đồng",
    "Tổ trưởng tổ phụ nữ tự quản về an ninh trật tự, kịp thời phát hiện {n} vụ việc",
    "Tuyên truyền phòng, chống lừa đảo qua mạng cho {n} hội viên, ngăn chặn 3 vụ chuyển tiền",
    "Phát hiện, tố giác đường dây mua bán người qua biên giới, giải cứu {n} phụ nữ",
    "Vận động {n} gia đình ký cam kết không có người nghiện ma túy",
)
COLLECTIVE_DEEDS = (
    "Duy trì mô hình “Camera an ninh” với {n} camera, giúp làm rõ nhiều vụ trộm cắp tài sản",
    "Xây dựng mô hình “Phụ nữ không có người thân vi phạm pháp luật”, {n} hộ tham gia",
    "Câu lạc bộ “Phụ nữ với pháp luật” tổ chức {n} buổi sinh hoạt về an ninh trật tự",
    "Mô hình “Địa chỉ tin cậy” hỗ trợ {n} phụ nữ, trẻ em bị bạo lực gia đình",
    "Phối hợp Công an xã cung cấp {n} nguồn tin về ma túy, mại dâm, cờ bạc",
)


def _ensure_people() -> dict[str, User]:
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p.unit_code for p in PEOPLE})}
    found = {u.username: u for u in User.objects.filter(username__in=[p.username for p in PEOPLE])}
    password = make_password(DEMO_PASSWORD)
    for person in PEOPLE:
        user = found.get(person.username)
        if user is None:
            user = User(
                username=person.username,
                full_name=person.full_name,
                email=f"{person.username}@demo.toandan.example",
                password=password,
            )
            user.save()
            audit_record(
                actor=None,
                action=AccountsAction.USER_CREATE,
                target=user,
                reason="demo data",
                data={"username": user.username},
            )
            found[person.username] = user
        role_bootstrap(
            user=user,
            role=person.role,
            org_unit=units[person.unit_code],
            reason="demo data",
            valid_from=dt.date(2024, 1, 1),
        )
    return found


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _campaign(organiser: User, provinces: list[AdminUnit]) -> Campaign:
    province_units = {
        u.admin_unit_id: u
        for u in OrgUnit.objects.filter(code__in=[f"PN-L{p.code}" for p in provinces])
    }
    quotas = [
        services.QuotaInput(
            province_units[p.pk],
            subject,
            QUOTA + (1 if p.code == "01" else 0),
            legal_source="Kế hoạch tổ chức hội nghị biểu dương (phân bổ chỉ tiêu, demo)",
        )
        for p in provinces
        if p.pk in province_units
        for subject in (SubjectType.COLLECTIVE, SubjectType.INDIVIDUAL)
    ]
    return services.campaign_create(
        actor=organiser,
        title=TITLE,
        organisers=list(OrgUnit.objects.filter(code__in=["CA-TW", "PN-TW"])),
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2024, 6, 30),
        scope_provinces=provinces,
        region="Khu vực phía bắc",
        subject_types=[SubjectType.COLLECTIVE, SubjectType.INDIVIDUAL],
        forms=list(AwardForm.objects.filter(code__in=["bieu-duong", "bk-bca"])),
        criteria=[
            services.CriterionInput(
                "Phát hiện, tố giác tội phạm; nguồn tin có giá trị", Decimal(4)
            ),
            services.CriterionInput("Xây dựng, nhân rộng mô hình ở cơ sở", Decimal(3)),
            services.CriterionInput("Cảm hóa, giáo dục người lầm lỗi", Decimal(2)),
            services.CriterionInput("Sức lan tỏa, gương điển hình", Decimal(1)),
        ],
        quotas=quotas,
        nominations_close_commune=dt.date(2024, 5, 31),
        nominations_close_province=dt.date(2024, 6, 20),
        council_date=dt.date(2024, 7, 10),
        ceremony_date=dt.date(2024, 8, 2),
        ceremony_place="Hà Nội",
    )


def _communes(province: AdminUnit, count: int) -> list[AdminUnit]:
    return list(
        AdminUnit.objects.filter(
            generation=Generation.LEGACY, level=Level.COMMUNE, path__startswith=province.path
        ).order_by("code")[: count * 7 : 7]
    )


def _plan(provinces: list[AdminUnit]) -> list[tuple[AdminUnit, str, bool]]:
    """(province, subject type, over quota) for every dossier the provinces receive."""
    plan: list[tuple[AdminUnit, str, bool]] = []
    for index, province in enumerate(provinces):
        collectives = 2 if index < COLLECTIVES_RECEIVED - len(provinces) else 1
        individuals = 2 if index < INDIVIDUALS_RECEIVED - len(provinces) else 1
        plan += [(province, SubjectType.COLLECTIVE, False)] * collectives
        plan += [(province, SubjectType.INDIVIDUAL, False)] * individuals
        if province.code in {"10", "22", "36"}:  # over quota: returned by the province
            plan.append((province, SubjectType.INDIVIDUAL, True))
    return plan


def load_demo() -> str:
    summary = _article_campaign()
    return f"{summary}; {_open_campaign()}; {_tipster_campaign()}"


TIPSTER_TITLE = "Khen thưởng người cung cấp nguồn tin có giá trị năm 2026, thành phố Hà Nội"
DEMO_TIP = "DEMO05"  # a concluded tip found valuable in the tips demo (receipt printed there)


def _tipster_campaign() -> str:
    """The anonymous sender of the tips demo's valuable tip DEMO05 is commended without being
    unmasked: ca.hanoi nominates "the sender of tip DEMO05", the council votes, the decision is
    issued, and the follow-up page of its receipt shows the commendation and the certificate."""
    if Campaign.objects.filter(title=TIPSTER_TITLE).exists():
        return "tipster campaign already present"
    leader = User.objects.filter(username="ca.hanoi").first()
    organiser = User.objects.filter(username="thidua.bca").first()
    members = list(
        User.objects.filter(username__in=["hoidong.bca", "hoidong.v05"]).order_by("username")
    )
    hanoi = AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.PROVINCE, code="01"
    ).first()
    if leader is None or organiser is None or len(members) < 2 or hanoi is None:
        return "tipster campaign skipped (no demo accounts)"
    from toandan.tips.interface.commendation import (
        TipNotAvailableError,
        TipNotNominableError,
        valuable_tip_for_nomination,
    )

    try:
        valuable_tip_for_nomination(leader, DEMO_TIP)
    except (TipNotAvailableError, TipNotNominableError):
        return "tipster campaign skipped (tip DEMO05 is not in the tips demo)"
    police = OrgUnit.objects.get(code="CA-01")
    form = AwardForm.objects.get(code="gk-gdcat")
    campaign = services.campaign_create(
        actor=organiser,
        title=TIPSTER_TITLE,
        organisers=[police],
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2026, 12, 31),
        scope_provinces=[hanoi],
        region="Thành phố Hà Nội",
        subject_types=[SubjectType.INDIVIDUAL],
        forms=[form],
        criteria=[services.CriterionInput("Giá trị của nguồn tin", Decimal(1))],
        quotas=[],
        # Dated from the day the demo is loaded: the chain below runs today, within the calendar.
        nominations_close_commune=_after(10),
        nominations_close_province=_after(15),
        council_date=_after(20),
        ceremony_date=_after(30),
        ceremony_place="Hà Nội",
    )
    nomination = services.tipster_nominate(
        actor=leader,
        campaign=campaign,
        reference=DEMO_TIP,
        form=form,
        achievement_summary="Nguồn tin giúp Công an phường bắt quả tang một vụ trộm cắp tài sản",
    )
    nomination = services.nomination_step(actor=leader, nomination=nomination, action="submit")
    nomination = services.nomination_step(actor=leader, nomination=nomination, action="forward")
    services.nomination_step(actor=organiser, nomination=nomination, action="receive")
    services.council_create(
        actor=organiser,
        campaign=campaign,
        name="Hội đồng thi đua, khen thưởng Công an thành phố Hà Nội",
        ballot_rule=BallotRule.objects.order_by("pk").first(),  # type: ignore[arg-type]
        members=[
            services.MemberInput(members[0], "chair", OrgUnit.objects.get(code="CA-TW")),
            services.MemberInput(members[1], "member", OrgUnit.objects.get(code="CA-TW")),
        ],
    )
    services.ballot_open(actor=organiser, campaign=campaign)
    for member in members:
        services.ballot_cast(actor=member, campaign=campaign, choices={nomination.pk: "yes"})
    services.ballot_close(actor=organiser, campaign=campaign)
    services.decision_issue(
        actor=organiser,
        campaign=campaign,
        number="1219/QĐ-CATP-PV05",
        signer_name="Trần Quang Vĩnh",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        date=dt.date(2026, 12, 1),
        place="Hà Nội",
        issuing_unit=police,
    )
    return "the sender of tip DEMO05 commended (see its follow-up page)"


OPEN_TITLE = (
    "Biểu dương tập thể, cá nhân điển hình trong phong trào toàn dân bảo vệ an ninh Tổ quốc "
    "năm 2026"
)


def _open_campaign() -> str:
    """A campaign of today's geography open for nominations, with its council seated: where the
    demo accounts try the whole chain (pn.hoankiem nominates, pn.hanoi forwards, thidua.bca
    receives and decides, hoidong.tw and hoidong.bca score and vote)."""
    if Campaign.objects.filter(title=OPEN_TITLE).exists():
        return "open campaign already present"
    organiser = User.objects.filter(username="thidua.bca").first()
    chair = User.objects.filter(username="hoidong.tw").first()
    member = User.objects.filter(username="hoidong.bca").first()
    if organiser is None or chair is None or member is None:
        return "open campaign skipped (no demo accounts)"
    provinces = list(
        AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.PROVINCE).order_by(
            "code"
        )
    )
    unions = OrgUnit.objects.filter(code__in=[f"PN-{p.code}" for p in provinces])
    campaign = services.campaign_create(
        actor=organiser,
        title=OPEN_TITLE,
        organisers=list(OrgUnit.objects.filter(code__in=["CA-TW", "PN-TW"])),
        period_start=dt.date(2025, 7, 1),
        period_end=dt.date(2026, 12, 31),
        scope_provinces=provinces,
        region="Toàn quốc",
        subject_types=[SubjectType.COLLECTIVE, SubjectType.INDIVIDUAL, SubjectType.HOUSEHOLD],
        forms=list(AwardForm.objects.filter(code__in=["bk-bca", "gk-gdcat", "bieu-duong"])),
        criteria=[
            services.CriterionInput(
                "Phát hiện, tố giác tội phạm; nguồn tin có giá trị", Decimal(4)
            ),
            services.CriterionInput("Xây dựng, nhân rộng mô hình ở cơ sở", Decimal(3)),
            services.CriterionInput("Sức lan tỏa, gương điển hình", Decimal(3)),
        ],
        quotas=[
            services.QuotaInput(u, subject, 3, legal_source="Kế hoạch năm 2026 (demo)")
            for u in unions
            for subject in (SubjectType.COLLECTIVE, SubjectType.INDIVIDUAL)
        ],
        # Open for a month from the day the demo is loaded, so the chain can be tried.
        nominations_close_commune=_after(30),
        nominations_close_province=_after(40),
        council_date=_after(50),
        ceremony_date=_after(60),
        ceremony_place="Hà Nội",
    )
    services.council_create(
        actor=organiser,
        campaign=campaign,
        name="Hội đồng xét biểu dương năm 2026",
        ballot_rule=BallotRule.objects.order_by("pk").first(),  # type: ignore[arg-type]
        members=[
            services.MemberInput(chair, "chair", OrgUnit.objects.get(code="PN-TW")),
            services.MemberInput(member, "member", OrgUnit.objects.get(code="CA-TW")),
        ],
    )
    return "open campaign of 2026 with its council"


def _article_campaign() -> str:
    if Campaign.objects.filter(title=TITLE).exists():
        return "campaign already present"
    organiser = User.objects.filter(username="thidua.bca").first()
    if organiser is None or not OrgUnit.objects.filter(code="PN-L01").exists():
        return "skipped (load the geography and the demo accounts first)"
    people = _ensure_people()
    office = people["thidua.hlhpn"]
    rng = random.Random(20240802)  # noqa: S311 - demo data, not security
    provinces = list(
        AdminUnit.objects.filter(
            generation=Generation.LEGACY, level=Level.PROVINCE, code__in=NORTH_2024
        ).order_by("code")
    )
    campaign = _campaign(organiser, provinces)
    form = AwardForm.objects.get(code="bieu-duong")
    units = {u.admin_unit_id: u for u in OrgUnit.objects.filter(code__startswith="PN-L")}
    plan = _plan(provinces)
    communes = {p.pk: _communes(p, 5) for p in provinces}
    created: list[tuple[Nomination, bool]] = []
    for number, (province, subject, over_quota) in enumerate(plan):
        union = units[province.pk]
        place = communes[province.pk][number % len(communes[province.pk])]
        created.append(
            (
                _nominate(
                    campaign=campaign,
                    office=office,
                    union=union,
                    place=place,
                    form=form,
                    subject=subject,
                    number=number,
                    rng=rng,
                    over_quota=over_quota,
                ),
                over_quota,
            )
        )
    received: list[Nomination] = []
    for draft, over_quota in created:
        day = dt.date(2024, 5, 10) + dt.timedelta(days=draft.pk % 20)
        nomination = services.nomination_step(
            actor=office, nomination=draft, action="submit", now=_at(day)
        )
        if over_quota:
            services.nomination_step(
                actor=office,
                nomination=nomination,
                action="return",
                reason="Vượt chỉ tiêu phân bổ của tỉnh; đề nghị xét ở cấp tỉnh.",
                now=_at(dt.date(2024, 6, 18)),
            )
            continue
        nomination = services.nomination_step(
            actor=office, nomination=nomination, action="forward", now=_at(dt.date(2024, 6, 19))
        )
        received.append(
            services.nomination_step(
                actor=organiser,
                nomination=nomination,
                action="receive",
                now=_at(dt.date(2024, 6, 25)),
            )
        )
    _council(campaign, organiser, people, received, rng)
    decision = services.decision_issue(
        actor=organiser,
        campaign=campaign,
        number="2456/QĐ-BCA-V05",
        signer_name="Nguyễn Văn Khải",
        signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        date=dt.date(2024, 7, 25),
        place="Hà Nội",
        issuing_unit=OrgUnit.objects.get(code="CA-TW"),
        deliver=False,
    )
    awarded = decision.awards.count()
    return (
        f"campaign with {len(created)} nominations, {len(received)} before the council, "
        f"{awarded} commended"
    )


def _nominate(
    *,
    campaign: Campaign,
    office: User,
    union: OrgUnit,
    place: AdminUnit,
    form: AwardForm,
    subject: str,
    number: int,
    rng: random.Random,
    over_quota: bool,
) -> Nomination:
    place_words = f"{place.unit_type.lower()} {place.short_name}"
    commune_union = f"Hội LHPN {place_words}"
    if subject == SubjectType.COLLECTIVE:
        name = (
            commune_union
            if number % 3 == 0
            else f"Chi hội Phụ nữ {HAMLETS[number % len(HAMLETS)]}, {place_words}"
        )
        deed = COLLECTIVE_DEEDS[number % len(COLLECTIVE_DEEDS)].format(n=rng.randint(12, 60))
    else:
        name = NAMES[number % len(NAMES)]
        deed = INDIVIDUAL_DEEDS[number % len(INDIVIDUAL_DEEDS)].format(n=rng.randint(3, 25))
    return services.nomination_create(
        actor=office,
        campaign=campaign,
        now=_at(dt.date(2024, 4, 15) + dt.timedelta(days=number % 20)),
        data=services.NominationInput(
            subject_type=subject,
            subject_name=name,
            unit=union,
            place=place,
            form=form,
            achievement=(
                f"{deed}. Giai đoạn 2019–2024 luôn hoàn thành xuất sắc nhiệm vụ, phối hợp chặt "
                f"chẽ với Công an {place.unit_type.lower()} {place.short_name} trong phong trào "
                "toàn dân bảo vệ an ninh Tổ quốc."
            ),
            achievement_summary=deed,
            achievement_key=f"demo-2024-{number}" if not over_quota else "",
            active_from=dt.date(2019, 1, 1) + dt.timedelta(days=number * 11),
            women_led=True,
            police_opinion=(
                f"Công an {place.unit_type.lower()} {place.short_name} nhất trí đề nghị biểu dương."
            ),
            minutes="Biên bản bình xét của Ban Thường vụ, 100% đại biểu nhất trí.",
            consent_to_name=subject == SubjectType.INDIVIDUAL and number % 5 != 0,
        ),
    )


def _council(
    campaign: Campaign,
    organiser: User,
    people: dict[str, User],
    received: list[Nomination],
    rng: random.Random,
) -> None:
    chair = User.objects.get(username="hoidong.tw")  # a demo account of accounts
    members = [
        services.MemberInput(chair, "chair", OrgUnit.objects.get(code="PN-TW")),
        services.MemberInput(
            people["hoidong.bca"], "vice_chair", OrgUnit.objects.get(code="CA-TW")
        ),
        services.MemberInput(people["hoidong.v05"], "member", OrgUnit.objects.get(code="CA-TW")),
        services.MemberInput(people["hoidong.pnhn"], "member", OrgUnit.objects.get(code="PN-01")),
        services.MemberInput(
            people["hoidong.pntk"], "secretary", OrgUnit.objects.get(code="PN-TW")
        ),
    ]
    services.council_create(
        actor=organiser,
        campaign=campaign,
        name="Hội đồng xét biểu dương Bộ Công an – Trung ương Hội LHPN Việt Nam",
        ballot_rule=BallotRule.objects.order_by("pk").first(),  # type: ignore[arg-type]
        members=members,
    )
    # The Hà Nội member led the Hà Nội union in the period: she steps aside from its nominees.
    for nomination in received:
        if nomination.province_unit.code == "PN-L01":
            services.recusal_declare(
                actor=people["hoidong.pnhn"],
                nomination=nomination,
                reason="Nguyên cán bộ Hội LHPN thành phố Hà Nội giai đoạn 2019–2024",
            )
    passes = _chosen(received)
    criteria = list(campaign.criteria.all())
    voters = [m.user for m in members]
    recused = {
        (r.member.user_id, r.nomination_id)
        for r in Recusal.objects.filter(member__council__campaign=campaign).select_related("member")
    }
    for user in voters:
        for nomination in received:
            if (user.pk, nomination.pk) in recused:
                continue
            low, high = (7, 10) if nomination.pk in passes else (4, 7)
            services.scores_record(
                actor=user,
                nomination=nomination,
                values={c.pk: rng.randint(low, high) for c in criteria},
            )
    services.ballot_open(actor=chair, campaign=campaign)
    for index, user in enumerate(voters):
        choices: dict[int, str] = {}
        for nomination in received:
            if nomination.pk in passes:
                choices[nomination.pk] = "yes"
            else:
                choices[nomination.pk] = "yes" if index >= 3 else "no"  # 3 of 5 against
        services.ballot_cast(actor=user, campaign=campaign, choices=choices)
    services.ballot_close(actor=chair, campaign=campaign)


def _chosen(received: list[Nomination]) -> set[int]:
    collectives = [n.pk for n in received if n.subject_type == SubjectType.COLLECTIVE]
    individuals = [n.pk for n in received if n.subject_type == SubjectType.INDIVIDUAL]
    return set(collectives[:COLLECTIVES_AWARDED]) | set(individuals[:INDIVIDUALS_AWARDED])
