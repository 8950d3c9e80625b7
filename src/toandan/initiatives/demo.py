"""Demo community models (called by `toandan demo`).

1. A registry at the scale of the seed article: exactly 4,701 models active on 20/11/2023
   ("Tính đến ngày 20/11/2023, ... có tổng số 4.701 mô hình") across the 63 old provinces,
   plus models dissolved or merged before that day and models started after it, with sites,
   teams, members, themes, exemplary models and their replicas, and yearly reviews 2019–2026.
   Models still running on 01/07/2025 continue in the commune that took their old commune over
   (its police and Women's Union become the hosts). Written by the bulk path: the same rules
   as the services (dates ordered, teams inside their sites, a model graded only after 9
   months, "xuất sắc" at most the configured share of "tốt" per province and year), one audit
   event for the load, the history of each model, and the stock rebuilt at the end.
2. A few models in Hoàn Kiếm and Ba Đình (Hà Nội) written through the real services, for the
   demo accounts pn.hoankiem, ca.hoankiem, ca.hanoi.

Idempotent: the bulk part is skipped when models of the old communes exist; the detailed ones
are looked up by name. Names of people are invented; no phone numbers are stored.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from toandan.accounts.models import User
from toandan.audit.services import audit_record
from toandan.geo.models import AdminUnit, Generation, Level, Succession
from toandan.geo.services import reform_date
from toandan.initiatives.audit_actions import InitiativesAction
from toandan.initiatives.machines import INITIATIVE, REVIEW
from toandan.initiatives.models import (
    AreaKind,
    ChannelKind,
    Grade,
    Initiative,
    Review,
    ReviewCalendar,
    ReviewStatus,
    Site,
    Status,
    Team,
    Theme,
)
from toandan.initiatives.stock import insert_rows, stock_rebuild
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.workflow.models import StateChange

COUNT_DAY = dt.date(2023, 11, 20)
ACTIVE_ON_COUNT_DAY = 4701
ENDED_BEFORE = 420
STARTED_AFTER = 380
SEED = 20231120

NAMES: dict[str, list[str]] = {
    "camera": [
        "Mô hình 'Camera an ninh' khu dân cư số {n}",
        "Mô hình 'Mắt thần khu phố' tổ dân phố số {n}",
        "Mô hình 'Camera giám sát an ninh trật tự' thôn {village}",
    ],
    "tu-quan": [
        "Tổ phụ nữ tự quản về an ninh trật tự {place}",
        "Mô hình 'Khu dân cư tự quản về an ninh trật tự' số {n}",
        "Mô hình 'Dòng họ tự quản về an ninh trật tự' {place}",
    ],
    "ma-tuy": [
        "Mô hình 'Khu dân cư không có ma túy' {place}",
        "Câu lạc bộ 'Phụ nữ với công tác phòng, chống ma túy' {place}",
    ],
    "bao-luc-gia-dinh": [
        "Mô hình 'Địa chỉ tin cậy ở cộng đồng' {place}",
        "Câu lạc bộ 'Gia đình hạnh phúc, phòng chống bạo lực gia đình' thôn {village}",
    ],
    "toi-pham": [
        "Câu lạc bộ 'Gia đình không có tội phạm, tệ nạn xã hội' {place}",
        "Mô hình 'Phụ nữ tham gia phòng ngừa tội phạm' {place}",
    ],
    "giao-thong": [
        "Mô hình 'Cổng trường an toàn giao thông' {place}",
        "Mô hình 'Tuyến đường phụ nữ tự quản an toàn giao thông' thôn {village}",
    ],
    "pccc": [
        "Mô hình 'Tổ liên gia an toàn phòng cháy, chữa cháy' khu dân cư số {n}",
        "Mô hình 'Điểm chữa cháy công cộng' {place}",
    ],
    "hoa-giai": ["Tổ hòa giải 'Phụ nữ với hòa giải ở cơ sở' {place}"],
    "tai-hoa-nhap": [
        "Mô hình 'Phụ nữ giúp người lầm lỗi tái hòa nhập cộng đồng' {place}",
        "Câu lạc bộ 'Thắp sáng niềm tin' {place}",
    ],
    "lua-dao-mang": [
        "Mô hình 'Phụ nữ nói không với lừa đảo trực tuyến' {place}",
        "Câu lạc bộ 'Mỗi hội viên là một tuyên truyền viên an ninh mạng' {place}",
    ],
    "truyen-thong": [
        "Mô hình 'Zalo an ninh trật tự' khu dân cư số {n}",
        "Mô hình 'Loa phát thanh an ninh' thôn {village}",
    ],
}
THEME_WEIGHTS = {
    "camera": 14,
    "tu-quan": 20,
    "ma-tuy": 10,
    "bao-luc-gia-dinh": 9,
    "toi-pham": 12,
    "giao-thong": 8,
    "pccc": 7,
    "hoa-giai": 7,
    "tai-hoa-nhap": 5,
    "lua-dao-mang": 4,
    "truyen-thong": 4,
}
VILLAGES = ["Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Tân Lập", "Bình An", "Hòa Bình"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Thị Hoa", "Thị Lan", "Thị Mai", "Thị Hạnh", "Thị Thu", "Thị Nga", "Thị Hương", "Thị Yến"]
GRADE_MIX = [("xuat-sac", 8), ("tot", 46), ("kha", 33), ("trung-binh", 11), ("yeu", 2)]


def load_demo() -> str:
    if ReviewCalendar.objects.count() == 0 or not Theme.objects.exists():
        return "skipped (reference data missing: run the migrations)"
    parts = []
    if Initiative.objects.filter(commune__generation=Generation.LEGACY).exists():
        parts.append("registry already present")
    else:
        parts.append(_load_registry())
    parts.append(_load_detailed())
    return "; ".join(parts)


# --- The registry at scale ------------------------------------------------------------------


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _load_registry() -> str:  # noqa: PLR0912, PLR0915 - one pass writing the tables in order
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    reform = reform_date()
    themes = {t.code: t for t in Theme.objects.all()}
    theme_codes = [c for c in THEME_WEIGHTS if c in themes]
    theme_weights = [THEME_WEIGHTS[c] for c in theme_codes]
    communes = list(
        AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE).only(
            "id", "short_name", "name", "parent_id", "path"
        )
    )
    if not communes:
        return "skipped (load the geography first)"
    by_district: dict[int | None, list[AdminUnit]] = defaultdict(list)
    for c in communes:
        by_district[c.parent_id].append(c)
    successor = dict(
        Succession.objects.filter(is_primary=True, predecessor__level=Level.COMMUNE)
        .order_by("-pk")
        .values_list("predecessor_id", "successor_id")
    )
    units = {
        (u.kind, u.admin_unit_id): u
        for u in OrgUnit.objects.filter(
            level__in=[OrgLevel.COMMUNE, OrgLevel.PROVINCE],
            kind__in=[OrgKind.POLICE, OrgKind.WOMENS_UNION],
        ).only("id", "kind", "admin_unit_id")
    }

    def legacy_province(c: AdminUnit) -> int:
        return int(c.path.strip("/").split("/")[0])

    # (started_on, ended_on, status) for each model, by group.
    plans: list[tuple[dt.date, dt.date | None, str]] = []
    status: str
    for _ in range(ACTIVE_ON_COUNT_DAY):
        started = _between(rng, dt.date(2015, 1, 1), COUNT_DAY)
        roll = rng.random()
        if roll < 0.06:
            ended: dt.date | None = _between(rng, dt.date(2024, 1, 1), dt.date(2026, 10, 31))
            status = Status.DISSOLVED if rng.random() < 0.8 else Status.MERGED
        else:
            ended = None
            status = rng.choices(
                [Status.ACTIVE, Status.RECOGNISED, Status.CONSOLIDATING, Status.PILOTED],
                [80, 10, 6, 4],
            )[0]
        plans.append((started, ended, status))
    for _ in range(ENDED_BEFORE):
        started = _between(rng, dt.date(2015, 1, 1), dt.date(2022, 6, 30))
        ended = _between(rng, started + dt.timedelta(days=200), dt.date(2023, 11, 19))
        ended = min(ended, dt.date(2023, 11, 19))
        plans.append((started, ended, Status.DISSOLVED if rng.random() < 0.85 else Status.MERGED))
    for _ in range(STARTED_AFTER):
        started = _between(rng, dt.date(2023, 11, 21), dt.date(2026, 9, 30))
        status = str(rng.choices([Status.ACTIVE, Status.PILOTED, Status.PROPOSED], [60, 25, 15])[0])
        plans.append((started, None, status))

    now = timezone.now()
    initiatives: list[Initiative] = []
    sites_plan: list[list[tuple[AdminUnit, dt.date, dt.date | None, str]]] = []
    for started, ended, status in plans:
        runs_after_reform = ended is None or ended >= reform
        # Models that start after the reform are in today's communes only (the old ones no
        # longer exist): choose an old commune that has a successor and use the successor.
        home = rng.choice(communes)
        while runs_after_reform and home.pk not in successor:
            home = rng.choice(communes)
        code = rng.choices(theme_codes, theme_weights)[0]
        template = rng.choice(NAMES[code])
        name = template.format(n=rng.randint(1, 25), village=rng.choice(VILLAGES), place=home.name)
        current = successor.get(home.pk) if runs_after_reform else None
        starts_new = started >= reform
        commune_id = current if starts_new and current else home.pk
        admin_for_host = current if current else None
        if admin_for_host is not None:
            host = units[(OrgKind.WOMENS_UNION, admin_for_host)]
            police = units.get((OrgKind.POLICE, admin_for_host))
        else:
            province_id = legacy_province(home)
            host = units[(OrgKind.WOMENS_UNION, province_id)]
            police = units.get((OrgKind.POLICE, province_id))
        recognised = status not in (Status.PROPOSED, Status.PILOTED)
        decision_day = started if recognised else None
        initiatives.append(
            Initiative(
                name=name,
                theme=themes[code],
                practice=themes[code].description,
                area_kind=AreaKind.RESIDENTIAL if rng.random() < 0.7 else AreaKind.COMMUNE,
                host_unit=host,
                police_unit=police,
                commune_id=commune_id,
                current_commune_id=None if starts_new else current,
                decision_number=f"{rng.randint(1, 250)}/QĐ-UBND" if recognised else "",
                decision_date=decision_day,
                decision_issuer="Ủy ban nhân dân cấp xã" if recognised else "",
                contact_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                status=status,
                started_on=started,
                ended_on=ended,
                created_at=now,
            )
        )
        # Sites: the first in its home commune, more in communes of the same old district.
        site_list = [(home, started, ended, home.name)]
        for _extra in range(rng.choices([0, 1, 2, 3], [45, 30, 17, 8])[0]):
            other = rng.choice(by_district[home.parent_id])
            if runs_after_reform and other.pk not in successor:
                continue
            site_start = _between(rng, started, min(ended or COUNT_DAY, COUNT_DAY))
            site_list.append((other, site_start, ended, other.name))
        sites_plan.append(site_list)

    with transaction.atomic():
        Initiative.objects.bulk_create(initiatives, batch_size=2000)
        sites: list[Site] = []
        site_teams: list[tuple[int, int]] = []  # (index in sites, index in initiatives)
        for index, (initiative, site_list) in enumerate(zip(initiatives, sites_plan, strict=True)):
            for commune, start, end, place in site_list:
                starts_new = start >= reform
                current = successor.get(commune.pk) if (end is None or end >= reform) else None
                sites.append(
                    Site(
                        initiative=initiative,
                        name=place,
                        commune_id=current if starts_new and current else commune.pk,
                        current_commune_id=None if starts_new else current,
                        started_on=start,
                        ended_on=end,
                    )
                )
                site_teams.append((len(sites) - 1, index))
        Site.objects.bulk_create(sites, batch_size=2000)
        teams: list[Team] = []
        for site in sites:
            for number in range(1, rng.choices([1, 2, 3, 4], [50, 30, 15, 5])[0] + 1):
                start = _between(rng, site.started_on, site.started_on + dt.timedelta(days=90))
                if site.ended_on is not None and start > site.ended_on:
                    start = site.started_on
                teams.append(
                    Team(
                        site=site,
                        name=f"Tổ {number}",
                        member_count=rng.randint(5, 25),
                        started_on=start,
                        ended_on=site.ended_on,
                    )
                )
        ops = connection.ops
        insert_rows(
            Team,
            ["site_id", "name", "member_count", "started_on", "ended_on"],
            [
                (
                    t.site.pk,
                    t.name,
                    t.member_count,
                    ops.adapt_datefield_value(t.started_on),
                    ops.adapt_datefield_value(t.ended_on),
                )
                for t in teams
            ],
        )

        # Exemplary models and their replicas (origin recorded; same theme and practice).
        running = [i for i in initiatives if i.status in (Status.ACTIVE, Status.RECOGNISED)]
        exemplary = rng.sample(running, k=max(1, len(running) // 20))
        for model in exemplary:
            model.exemplary = True
        Initiative.objects.bulk_update(exemplary, ["exemplary"], batch_size=2000)
        replicas: list[Initiative] = []
        for model in rng.sample(exemplary, k=min(len(exemplary), 60)):
            for candidate in rng.sample(initiatives, k=3):
                if (
                    candidate.theme_id == model.theme_id
                    and candidate.started_on > model.started_on
                    and candidate.pk != model.pk
                ):
                    candidate.origin = model
                    replicas.append(candidate)
        Initiative.objects.bulk_update(replicas, ["origin"], batch_size=2000)

        reviews = _reviews(rng, initiatives)
        _insert_reviews(reviews, now)
        _history(initiatives, reviews, now)
        audit_record(
            actor=None,
            action=InitiativesAction.BULK_LOAD,
            object_type="initiatives.initiative",
            reason="demo registry",
            data={
                "initiatives": len(initiatives),
                "sites": len(sites),
                "teams": len(teams),
                "reviews": len(reviews),
            },
        )
        points = stock_rebuild()
    return (
        f"{len(initiatives)} models ({ACTIVE_ON_COUNT_DAY} active on "
        f"{COUNT_DAY:%d/%m/%Y}), {len(sites)} sites, {len(teams)} teams, "
        f"{len(reviews)} reviews, {points} stock points"
    )


def _reviews(rng: random.Random, initiatives: list[Initiative]) -> list[Review]:
    """Yearly reviews 2019–2026, graded within the rules (9 months, the top-grade cap)."""
    calendar = ReviewCalendar.objects.order_by("-valid_from").first()
    assert calendar is not None
    grades = {g.code: g for g in Grade.objects.all()}
    codes = [c for c, _w in GRADE_MIX if c in grades]
    weights = [w for c, w in GRADE_MIX if c in grades]
    today = timezone.localdate()
    per_province: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    province_of = {
        pk: int(path.strip("/").split("/")[0])
        for pk, path in AdminUnit.objects.filter(level=Level.COMMUNE).values_list("pk", "path")
    }
    reviews: list[Review] = []
    for initiative in initiatives:
        for year in range(2019, today.year + 1):
            start = dt.date(year - 1, calendar.year_starts_month, calendar.year_starts_day)
            end = dt.date(
                year, calendar.year_starts_month, calendar.year_starts_day
            ) - dt.timedelta(1)
            if initiative.started_on > end or (
                initiative.ended_on is not None and initiative.ended_on < end
            ):
                continue
            residential = initiative.area_kind == AreaKind.RESIDENTIAL
            due = (
                dt.date(year, calendar.residential_due_month, calendar.residential_due_day)
                if residential
                else dt.date(year, calendar.commune_due_month, calendar.commune_due_day)
            )
            months = (end.year - initiative.started_on.year) * 12 + (
                end.month - initiative.started_on.month
            )
            review = Review(
                initiative=initiative,
                year=year,
                period_start=start,
                period_end=end,
                due_on=due,
                activities=rng.randint(4, 24),
                members=rng.randint(8, 60),
                meetings=rng.randint(2, 12),
                tips_passed=rng.randint(0, 9),
                scores={"ke-hoach": rng.randint(5, 10), "tuyen-truyen": rng.randint(5, 10)},
                self_assessment="Duy trì sinh hoạt đều đặn, tuyên truyền đến hội viên.",
                submitted_on=due - dt.timedelta(days=rng.randint(0, 15)),
            )
            last_year = year == today.year
            if last_year and rng.random() < 0.25:
                continue  # not filed: shows on the overdue list
            if last_year:
                review.status = rng.choice([ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED])
            elif months < calendar.min_months_to_grade:
                review.status = ReviewStatus.CONFIRMED  # too young to be graded
            else:
                counter = per_province[(province_of[initiative.commune_id], year)]
                code = rng.choices(codes, weights)[0]
                if code == "xuat-sac" and (counter["xuat-sac"] + 1) * 100 > (
                    calendar.top_grade_cap_percent * counter["tot"]
                ):
                    code = "tot"
                counter[code] += 1
                review.status = ReviewStatus.GRADED
                review.grade = grades[code]
                review.graded_on = due + dt.timedelta(days=rng.randint(5, 25))
            reviews.append(review)
    return reviews


def _insert_reviews(reviews: list[Review], now: dt.datetime) -> None:
    """The reviews in plain INSERTs, then their ids read back (the history names them)."""
    ops = connection.ops
    day = ops.adapt_datefield_value
    columns = [
        "initiative_id",
        "year",
        "period_start",
        "period_end",
        "due_on",
        "activities",
        "members",
        "meetings",
        "tips_passed",
        "channel_posts",
        "scores",
        "self_assessment",
        "status",
        "submitted_on",
        "grade_id",
        "graded_on",
        "created_at",
    ]
    created = ops.adapt_datetimefield_value(now)
    insert_rows(
        Review,
        columns,
        [
            (
                r.initiative.pk,
                r.year,
                day(r.period_start),
                day(r.period_end),
                day(r.due_on),
                r.activities,
                r.members,
                r.meetings,
                r.tips_passed,
                r.channel_posts,
                json.dumps(r.scores),
                r.self_assessment,
                r.status,
                day(r.submitted_on),
                r.grade.pk if r.grade else None,
                day(r.graded_on),
                created,
            )
            for r in reviews
        ],
    )
    ids = {
        (initiative, year): pk
        for pk, initiative, year in Review.objects.values_list("pk", "initiative_id", "year")
    }
    for review in reviews:
        review.pk = ids[(review.initiative.pk, review.year)]


def _history(initiatives: list[Initiative], reviews: list[Review], now: dt.datetime) -> None:
    """Each model's history as the workflow writes it: its registration and its last step."""
    step_of: dict[str, str] = {
        Status.PILOTED: "pilot",
        Status.RECOGNISED: "recognise",
        Status.ACTIVE: "activate",
        Status.CONSOLIDATING: "consolidate",
        Status.DISSOLVED: "dissolve",
        Status.MERGED: "merge",
    }
    rows: list[tuple[Any, ...]] = []
    kind = "initiatives.initiative"
    for i in initiatives:
        rows.append(
            (
                INITIATIVE.name,
                kind,
                str(i.pk),
                "register",
                "",
                Status.PROPOSED,
                "",
                "",
                i.started_on,
                now,
                "{}",
            )
        )
        if i.status != Status.PROPOSED:
            rows.append(
                (
                    INITIATIVE.name,
                    kind,
                    str(i.pk),
                    step_of[i.status],
                    Status.PROPOSED,
                    i.status,
                    "Nhập từ danh sách của tỉnh",
                    i.decision_number,
                    i.ended_on or i.decision_date or i.started_on,
                    now,
                    "{}",
                )
            )
    for review in reviews:
        rows.append(
            (
                REVIEW.name,
                "initiatives.review",
                str(review.pk),
                "submit",
                ReviewStatus.DRAFT,
                review.status,
                "",
                "",
                review.submitted_on,
                now,
                "{}",
            )
        )
    columns = [
        "machine",
        "object_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
        "reason",
        "document",
        "effective_on",
        "at",
        "data",
        "actor_unit",
    ]
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    insert_rows(
        StateChange,
        columns,
        [(*r[:8], ops.adapt_datefield_value(r[8]), at, r[10], "") for r in rows],
    )


# --- Detailed models in Hoàn Kiếm and Ba Đình, through the services ---------------------------


def _load_detailed() -> str:
    from toandan.initiatives import services

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["pn.hoankiem", "ca.hoankiem", "ca.hanoi"])
    }
    cadre, police, province = (users.get(n) for n in ("pn.hoankiem", "ca.hoankiem", "ca.hanoi"))
    if cadre is None or police is None or province is None:
        return "detailed models skipped (demo accounts missing)"
    hoan_kiem = AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE, code="00070"
    ).first()
    union = OrgUnit.objects.filter(code="PN-01-00070").first()
    police_unit = OrgUnit.objects.filter(code="CA-01-00070").first()
    if hoan_kiem is None or union is None or police_unit is None:
        return "detailed models skipped (load the geography first)"
    created = 0
    specs = [
        ("Mô hình 'Camera an ninh' khu dân cư số 3", "camera", dt.date(2024, 3, 8)),
        ("Tổ phụ nữ tự quản về an ninh trật tự phố Hàng Bạc", "tu-quan", dt.date(2024, 5, 20)),
        (
            "Câu lạc bộ 'Gia đình không có tội phạm, tệ nạn xã hội' phường Hoàn Kiếm",
            "toi-pham",
            dt.date(2025, 9, 1),
        ),
    ]
    for name, theme_code, started in specs:
        if Initiative.objects.filter(name=name, host_unit=union).exists():
            continue
        initiative = services.initiative_register(
            actor=cadre,
            name=name,
            theme=Theme.objects.get(code=theme_code),
            host_unit=union,
            police_unit=police_unit,
            commune=hoan_kiem,
            started_on=started,
            practice="Hội viên thay nhau trực, ghi nhận và báo ngay cho Công an phường.",
            contact_name="Phạm Thị Lan",
            first_site="Tổ dân phố số 5",
        )
        created += 1
        site = services.site_add(
            actor=cadre,
            initiative=initiative,
            name="Tổ dân phố số 12",
            commune=hoan_kiem,
            started_on=started + dt.timedelta(days=60),
        )
        services.team_add(
            actor=cadre,
            site=initiative.sites.order_by("pk").first() or site,
            name="Tổ 1",
            member_count=12,
            started_on=started,
        )
        services.team_add(
            actor=cadre,
            site=site,
            name="Tổ 2",
            member_count=9,
            started_on=started + dt.timedelta(days=75),
        )
        services.channel_add(
            actor=cadre,
            initiative=initiative,
            kind=ChannelKind.ZALO,
            address="Nhóm Zalo 'An ninh tổ dân phố số 5'",
            audience=214,
            posts_per_month=12,
            started_on=started,
        )
        initiative = services.initiative_step(
            actor=province,
            initiative=initiative,
            action="recognise",
            document="45/QĐ-UBND",
            effective_on=started + dt.timedelta(days=30),
        )
        initiative = services.initiative_step(
            actor=cadre,
            initiative=initiative,
            action="activate",
            effective_on=started + dt.timedelta(days=31),
        )
        if started.year == 2024:
            review = services.review_file(
                actor=cadre,
                initiative=initiative,
                year=2025,
                activities=18,
                members=21,
                meetings=10,
                tips_passed=6,
                channel_posts=140,
                scores={"ke-hoach": 9, "tuyen-truyen": 9, "sinh-hoat": 8},
                self_assessment="Hoạt động đều, phát hiện và báo tin kịp thời.",
            )
            review = services.review_step(actor=police, review=review, action="confirm")
            services.review_step(
                actor=province,
                review=review,
                action="grade",
                grade=Grade.objects.get(code="tot"),
            )
        if theme_code == "camera":
            services.initiative_step(
                actor=province,
                initiative=initiative,
                action="mark_exemplary",
                reason="Điển hình tiên tiến năm 2025",
            )
    return f"{created} detailed models in Hoàn Kiếm"
