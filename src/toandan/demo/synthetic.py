"""Synthetic tips and periodic reports at the scale of the country, for dashboards and benchmarks.

`toandan demo --tips N --years A-B` calls `generate_tips` and `generate_reports`. What comes out
looks like years of the intake registers of every police unit:

- Where: provinces weighted by population (2019 census, in millions; today's provinces add up
  their predecessors), communes within a province weighted by type (wards are busier than rural
  communes), 4 % of tips with no commune. Tips received before the 01/07/2025 reform are
  recorded in the old units (63 provinces, 10,035 communes) and registered by the old province
  police; later ones in today's units and registered by the commune police. Routes follow the
  routing table (the rules, reasons and fallback of `toandan.tips.handling.routing.route_tip`,
  with the police units read once; a test compares the two), so a serious tip carries its
  information copy to the province police.
- When: spread over the years with growth (about 10 % a year) and the seasons (fewer tips at
  Tết, more before it and in August, the month of the movement's day), in office hours mostly.
- What: a category mix of the time, fraud rising every year (deepfake calls from 2023), and the
  channels of the time (the web form growing, the counter shrinking).
- Handling, by the legal timeline (BLTTHS Art. 146-149): about 70 % decided within 20 days, some
  extended as complex cases, some late, a few suspended for years, 3 % merged; outcomes
  (prosecuted, not prosecuted, handed over) and the valuable mark (about 45 % of decided tips).
  Tips still inside their deadlines are open, with the deadline they run against. Open tips of
  the old units passed to today's province police at the reform (their register number stays).
- Union attribution: 30 % of tips name a Women's Union branch of the commune when it has one
  (branches are entered by the communes themselves, so most tips name none).

Every tip is a valid tip: its reference starts with "SYN" (so synthetic tips can be told apart
and removed), its content is sealed with its own data key, wrapped by the current KEK and bound
to its reference, so officers with jurisdiction open it like any other. The receipt is a random
hash that no receipt opens: nobody follows a synthetic tip up. Tips have no history events, no
contact details and no duplicate fingerprints.

Speed: tips are written in chunks, each one transaction (register numbers, tips, routes, the
summary counts of `toandan.stats.summary` and an audit event), with PostgreSQL COPY (ORM bulk
inserts on SQLite). Register numbers are taken from the `RegisterBook` rows with one UPSERT per
chunk, so real tips received meanwhile get the next numbers, without gaps or duplicates.
On PostgreSQL, `workers` processes can generate different years at once.

Sealing through `crypto.new_envelope` and `crypto.seal_json` costs about 40 µs a tip (two fresh
AES-GCM contexts, three reads of the random source, JSON): more than writing the row. Here the
KEK's context is made once and the random bytes are read in one call per tip, with the same
formats and associated data as `toandan.tips.crypto` (a test opens a synthetic tip through
`tips.selectors.tip_content`): about 10 µs a tip.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
import json
import math
import os
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from toandan.audit.services import audit_record
from toandan.geo.models import AdminUnit, Generation, Level, Succession
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.stats.audit_actions import StatsAction
from toandan.tips import crypto
from toandan.tips.audit_actions import TipsAction
from toandan.tips.handling import routing as routing_rules
from toandan.tips.handling import timeline
from toandan.tips.intake.register import register_number
from toandan.tips.models import (
    OPEN_STATUSES,
    STAFF_CHANNELS,
    Category,
    CategoryGroup,
    Channel,
    DueKind,
    OffenceChapter,
    Outcome,
    ReceiptKind,
    RegisterBook,
    RouteRole,
    RoutingRule,
    RoutingTarget,
    SuspensionGround,
    Tip,
    TipRoute,
    TipStatus,
    ValuableReason,
    VictimRequest,
)
from toandan.workdays.selectors import WorkCalendar, work_calendar_all

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SYNTHETIC_PREFIX = "SYN"
FIRST_YEAR = 2000
Progress = Callable[[int, int], None]

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_REFERENCE_BITS = 45  # nine characters of five bits after the prefix: twelve in all
_MASK = (1 << _REFERENCE_BITS) - 1


class SyntheticDataError(Exception):
    """The arguments or the database do not allow generating data; the message says why."""


# --- Reference data of the generator ------------------------------------------------------------

# Population in millions (2019 census, rounded), by the official code of the 63 old provinces.
POPULATION_2019: dict[str, float] = {
    "01": 8.05, "02": 0.85, "04": 0.53, "06": 0.31, "08": 0.78, "10": 0.73, "11": 0.60,
    "12": 0.46, "14": 1.25, "15": 0.82, "17": 0.85, "19": 1.29, "20": 0.78, "22": 1.32,
    "24": 1.80, "25": 1.46, "26": 1.15, "27": 1.37, "30": 1.89, "31": 2.03, "33": 1.25,
    "34": 1.86, "35": 0.85, "36": 1.78, "37": 0.98, "38": 3.64, "40": 3.33, "42": 1.29,
    "44": 0.90, "45": 0.63, "46": 1.13, "48": 1.13, "49": 1.50, "51": 1.23, "52": 1.49,
    "54": 0.96, "56": 1.23, "58": 0.59, "60": 1.23, "62": 0.54, "64": 1.51, "66": 1.87,
    "67": 0.62, "68": 1.30, "70": 0.99, "72": 1.17, "74": 2.43, "75": 3.10, "77": 1.15,
    "79": 8.99, "80": 1.69, "82": 1.76, "83": 1.29, "84": 1.01, "86": 1.02, "87": 1.60,
    "89": 1.91, "91": 1.72, "92": 1.24, "93": 0.73, "94": 1.20, "95": 0.91, "96": 1.19,
}  # fmt: skip
# Relative number of tips of a commune of this type (wards are denser and busier).
COMMUNE_TYPE_WEIGHT = {"phường": 3.0, "thị trấn": 2.0, "đặc khu": 1.5, "xã": 1.0}
NO_COMMUNE_SHARE = 0.04

# Tips per thousand in 2019, by category code; categories added later by administrators get
# DEFAULT_CATEGORY_WEIGHT.
CATEGORY_WEIGHTS_2019: dict[str, float] = {
    "theft": 190, "robbery": 40, "property-damage": 30, "drug-use": 70, "drug-den": 25,
    "drug-trafficking": 45, "gambling": 80, "prostitution": 30, "fight-injury": 90,
    "domestic-violence": 45, "human-trafficking": 8, "smuggling": 25, "cybercrime": 25,
    "fraud-fake-authority": 20, "fraud-fake-bank": 15, "fraud-investment": 12, "fraud-task": 8,
    "fraud-sim-lock": 6, "fraud-mistaken-transfer": 8, "fraud-parcel-prize": 10,
    "fraud-romance": 8, "fraud-other": 30, "other": 60,
}  # fmt: skip
DEFAULT_CATEGORY_WEIGHT = 10.0
# Forms of fraud that appeared later: (first year, weight added each year since).
NEW_FRAUDS = {"fraud-deepfake": (2023, 10.0), "fraud-recovery": (2022, 6.0)}
FRAUD_GROWTH = 0.45  # the fraud share grows by this much of its 2019 level every year
CYBER_GROWTH = 0.2

# Weight by channel in 2019 and the change per year since.
CHANNEL_TRENDS: dict[str, tuple[float, float]] = {
    Channel.WEB: (15, 8),
    Channel.API: (1, 1),
    Channel.OPEN311: (0.5, 0.5),
    Channel.PHONE: (30, -2),
    Channel.IN_PERSON: (45, -4),
    Channel.MAIL: (9, -1),
}
# Tết (January/February) lowers the month, the weeks before it and August raise it.
SEASON = (1.05, 0.82, 0.95, 0.97, 1.0, 1.0, 1.03, 1.12, 1.0, 1.0, 1.02, 1.1)
GROWTH_PER_YEAR = 1.10
HOUR_WEIGHTS = (
    1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 3, 5, 6, 6, 5, 3, 3, 5, 5, 5, 4, 3, 3, 3, 2.5, 2, 1.5,
)  # fmt: skip

UNION_SHARE = 0.3
FLAGRANT_SHARE = 0.04
MERGED_SHARE = 0.03
OUTCOME_WEIGHTS = (
    (Outcome.PROSECUTED, 28),
    (Outcome.NOT_PROSECUTED, 42),
    (Outcome.HANDED_OVER, 30),
)
VALUABLE_CHANCE = {
    Outcome.PROSECUTED: 0.85,
    Outcome.HANDED_OVER: 0.45,
    Outcome.NOT_PROSECUTED: 0.22,
}
CHAPTER_OF_GROUP: dict[str, int] = {
    CategoryGroup.PROPERTY: OffenceChapter.PROPERTY,
    CategoryGroup.DRUGS: OffenceChapter.DRUGS,
    CategoryGroup.SOCIAL_EVILS: OffenceChapter.PUBLIC_ORDER,
    CategoryGroup.VIOLENCE: OffenceChapter.LIFE_HEALTH,
    CategoryGroup.TRAFFICKING: OffenceChapter.LIFE_HEALTH,
    CategoryGroup.FRAUD: OffenceChapter.PROPERTY,
    CategoryGroup.CYBER: OffenceChapter.PUBLIC_ORDER,
    CategoryGroup.SMUGGLING: OffenceChapter.ECONOMY,
}
_OUTCOMES = [o for o, _w in OUTCOME_WEIGHTS]
_OUTCOME_CUMULATIVE = list(itertools.accumulate(w for _o, w in OUTCOME_WEIGHTS))
_HOUR_CUMULATIVE = list(itertools.accumulate(HOUR_WEIGHTS))
RECOVERS_PROPERTY = {CategoryGroup.PROPERTY, CategoryGroup.FRAUD}

# What tipsters write, by group: (description, when in their words). Short, so the sealed
# content stays at the smallest padded size.
CONTENT_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    CategoryGroup.PROPERTY: (
        ("Hai thanh niên đi xe máy không biển số bẻ khóa xe đạp điện trước cổng chợ.", "tối qua"),
        ("Nhà bên cạnh bị mất trộm tài sản khi cả nhà đi vắng.", "đêm hôm trước"),
        ("Có người giật túi xách của một phụ nữ rồi bỏ chạy về phía bờ sông.", "sáng nay"),
    ),
    CategoryGroup.DRUGS: (
        ("Nhóm thanh niên tụ tập trong phòng trọ cuối ngõ, nghi sử dụng ma túy.", "nhiều tối"),
        ("Một người đàn ông thường giao những gói nhỏ cho khách tại quán nước.", "tuần này"),
    ),
    CategoryGroup.SOCIAL_EVILS: (
        ("Một nhà trong xóm tổ chức đánh bạc, nhiều người ra vào đến khuya.", "các tối cuối tuần"),
        ("Quán karaoke đầu đường có dấu hiệu chứa mại dâm.", "gần đây"),
    ),
    CategoryGroup.VIOLENCE: (
        ("Hai nhóm thanh niên đánh nhau bằng gậy gộc, có người bị thương.", "tối qua"),
        ("Người chồng thường xuyên đánh vợ, hàng xóm nghe tiếng kêu cứu.", "nhiều lần"),
    ),
    CategoryGroup.TRAFFICKING: (
        ("Có người rủ các cô gái trong xóm sang biên giới làm việc lương cao.", "tháng này"),
    ),
    CategoryGroup.FRAUD: (
        ("Tôi nhận cuộc gọi tự xưng công an, yêu cầu chuyển tiền để xác minh.", "hôm qua"),
        (
            "Một trang mạng mời đầu tư tiền ảo lãi cao, nhiều người trong xóm đã nộp tiền.",
            "tuần trước",
        ),
        ("Tin nhắn giả ngân hàng gửi đường dẫn lạ, mẹ tôi bấm vào và bị trừ tiền.", "sáng nay"),
    ),
    CategoryGroup.CYBER: (
        ("Tài khoản mạng xã hội của tôi bị chiếm và dùng để vay tiền người quen.", "hôm qua"),
    ),
    CategoryGroup.SMUGGLING: (
        ("Xe tải thường chở hàng không rõ nguồn gốc vào kho ven sông lúc nửa đêm.", "nhiều đêm"),
    ),
    CategoryGroup.OTHER: (("Có người lạ thường xuyên lảng vảng quanh trường học.", "tuần này"),),
}


# --- The world: places, units and categories, read once ----------------------------------------


@dataclass(frozen=True)
class _Category:
    id: int
    code: str
    group: str
    serious: bool
    asks_victim_request: bool
    # Forwarded within hours (the category's `forward_hours`), as in the timeline.
    urgent: bool = False


@dataclass
class _Province:
    id: int
    weight: float
    communes: list[int] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)


@dataclass
class _Geography:
    provinces: list[_Province]
    cumulative: list[float]

    def pick(self, rng: random.Random) -> tuple[int, int | None]:
        province = self.provinces[_pick_index(rng, self.cumulative)]
        if not province.communes or rng.random() < NO_COMMUNE_SHARE:
            return province.id, None
        return province.id, province.communes[_pick_index(rng, province.cumulative)]


@dataclass(frozen=True)
class _Route:
    unit_id: int
    role: str
    rule_id: int | None
    reason: str
    unit: OrgUnit


@dataclass(frozen=True)
class _Routing:
    primary_id: int
    primary_code: str
    primary_remote: bool
    # The routes as written: unit id, role, rule id, reason, active.
    rows: tuple[tuple[int, str, int | None, str, bool], ...]


@dataclass
class _World:
    now: dt.datetime
    reform: dt.date
    categories: list[_Category]
    legacy: _Geography
    current: _Geography
    admin_units: dict[int, AdminUnit]
    place_names: dict[int, str]  # JSON strings: "Khu vực phường Hoàn Kiếm"
    templates: dict[str, list[tuple[str, str]]]  # JSON strings: description, when
    branches: dict[int, list[tuple[int, dt.date | None, dt.date | None]]]  # by commune
    province_successor: dict[int, int]
    category_objects: dict[int, Category]
    police: dict[int, list[OrgUnit]]
    decide_days: int
    rules: tuple[RoutingRule, ...]
    # The working-day calendar, read once (BLTTHS Art. 134 deadlines, as the timeline).
    calendar: WorkCalendar
    category_rules: bool
    routings: dict[tuple[int, int, int | None, bool], _Routing] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    transfer: dict[int, tuple[_Routing, str] | None] = field(default_factory=dict)

    def police_unit(self, admin_unit_id: int, day: dt.date) -> OrgUnit | None:
        """`toandan.tips.handling.routing.police_unit_of`, from units read once (its per-process
        copy expires after seconds, and every one of ten thousand communes would cost a query)."""
        for unit in self.police.get(admin_unit_id, ()):
            if unit.is_valid_on(day):
                return unit
        return None

    def routing(
        self, category: _Category, province_id: int, commune_id: int | None, day: dt.date
    ) -> _Routing:
        # Categories route alike unless a rule names them or they are serious (copy to the
        # province, whose reason names the category): one entry for all the others.
        shared = not category.serious and not self.category_rules
        key = (-1 if shared else category.id, province_id, commune_id, day >= self.reform)
        found = self.routings.get(key)
        if found is None:
            found = self.routings[key] = self._route(category, province_id, commune_id, day)
        return found

    def _route(
        self, category: _Category, province_id: int, commune_id: int | None, day: dt.date
    ) -> _Routing:
        """`toandan.tips.handling.routing.route_tip` (same rules, reasons and fallback), with the
        police units read once; a test compares the two."""
        category_row = self.category_objects[category.id]
        province = self.admin_units[province_id]
        commune = self.admin_units[commune_id] if commune_id is not None else None
        primary: _Route | None = None
        information: list[_Route] = []
        with translation.override("vi"):
            for rule in self.rules:
                if not routing_rules._matches(rule, category_row, commune):
                    continue
                if rule.role == RouteRole.PRIMARY and primary is not None:
                    continue
                if rule.target == RoutingTarget.COMMUNE_POLICE:
                    unit = self.police_unit(commune.pk, day) if commune is not None else None
                else:
                    unit = self.police_unit(province_id, day)
                if unit is None:
                    continue
                reason = routing_rules._reason(
                    rule,
                    target=rule.target,
                    role=rule.role,
                    unit=unit,
                    category=category_row,
                    province=province,
                    commune=commune,
                )
                route = _Route(unit.pk, rule.role, rule.pk, self._text(reason), unit)
                if rule.role == RouteRole.PRIMARY:
                    primary = route
                else:
                    information.append(route)
            if primary is None:
                fallback = routing_rules._fallback(
                    category_row, province, commune, self.police_unit(province_id, day)
                )
                unit = fallback.org_unit
                primary = _Route(unit.pk, fallback.role, None, self._text(fallback.reason), unit)
        seen = {primary.unit_id}
        routes = [primary]
        for route in information:
            if route.unit_id not in seen:
                seen.add(route.unit_id)
                routes.append(route)
        return _Routing(
            primary_id=primary.unit_id,
            primary_code=primary.unit.code,
            primary_remote=primary.unit.is_remote,
            rows=tuple((r.unit_id, r.role, r.rule_id, r.reason, True) for r in routes),
        )

    def _text(self, reason: str) -> str:
        # Thousands of tips share a reason: keep one copy of each text.
        return self.reasons.setdefault(reason, reason)

    def transferred(self, legacy_province_id: int) -> tuple[_Routing, str] | None:
        """Where an old province's open tips went at the reform: today's police of its
        successor province, and the reason shown on the route."""
        if legacy_province_id not in self.transfer:
            successor_id = self.province_successor.get(legacy_province_id)
            unit = (
                self.police_unit(successor_id, self.now.date())
                if successor_id is not None
                else None
            )
            if unit is None:
                self.transfer[legacy_province_id] = None
            else:
                with translation.override("vi"):
                    reason = _(
                        "Handed over to %(unit)s at the reorganisation of 01/07/2025 "
                        "(Resolution 202/2025/QH15)"
                    ) % {"unit": unit.name}
                routing = _Routing(unit.pk, unit.code, unit.is_remote, ())
                self.transfer[legacy_province_id] = (routing, reason)
        return self.transfer[legacy_province_id]


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


_REASON_TEXTS: dict[tuple[str, ...], str] = {}


def _reasons_json(reasons: list[str]) -> str:
    key = tuple(reasons)
    text = _REASON_TEXTS.get(key)
    if text is None:
        text = _REASON_TEXTS[key] = json.dumps(list(key))
    return text


def _pick_index(rng: random.Random, cumulative: Sequence[float]) -> int:
    return min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def _cumulate(weights: Sequence[float]) -> list[float]:
    total = 0.0
    result = []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def _commune_weight(unit_type: str) -> float:
    return COMMUNE_TYPE_WEIGHT.get(unit_type.strip().lower(), 1.0)


def _province_id(path: str) -> int:
    return int(path.strip("/").split("/")[0])


def _load_world(now: dt.datetime) -> _World:
    from toandan.orgs.services import reform_date

    units = {
        unit.pk: unit
        for unit in AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]).only(
            "id", "generation", "level", "code", "name", "short_name", "unit_type", "path"
        )
    }
    provinces = [u for u in units.values() if u.level == Level.PROVINCE]
    if not any(p.generation == Generation.CURRENT for p in provinces):
        raise SyntheticDataError(_("Load the geography first (toandan load-geo)."))
    successor = dict(
        Succession.objects.filter(predecessor__level=Level.PROVINCE, is_primary=True).values_list(
            "predecessor_id", "successor_id"
        )
    )
    weights: dict[int, float] = {
        p.pk: POPULATION_2019.get(p.code, 1.0)
        for p in provinces
        if p.generation == Generation.LEGACY
    }
    current_weight: dict[int, float] = defaultdict(float)
    for old, new in successor.items():
        current_weight[new] += weights.get(old, 0.0)
    for p in provinces:
        if p.generation == Generation.CURRENT:
            weights[p.pk] = current_weight.get(p.pk) or 1.0

    geographies: dict[str, dict[int, _Province]] = {
        Generation.LEGACY: {},
        Generation.CURRENT: {},
    }
    for p in sorted(provinces, key=lambda u: u.code):
        geographies[p.generation][p.pk] = _Province(p.pk, weights[p.pk])
    commune_weights: dict[int, list[float]] = defaultdict(list)
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.level != Level.COMMUNE:
            continue
        province = geographies[unit.generation].get(_province_id(unit.path))
        if province is not None:
            province.communes.append(unit.pk)
            commune_weights[province.id].append(_commune_weight(unit.unit_type))
    for generation in geographies.values():
        for province in generation.values():
            province.cumulative = _cumulate(commune_weights[province.id])

    def geography(generation: str) -> _Geography:
        listed = list(geographies[generation].values())
        return _Geography(listed, _cumulate([p.weight for p in listed]))

    rules = routing_rules.active_rules()
    categories = list(Category.objects.filter(active=True).order_by("order", "code"))
    if not categories:
        raise SyntheticDataError(_("No active tip category: add one in the admin."))
    return _World(
        now=now,
        reform=reform_date(),
        categories=[
            _Category(
                c.pk,
                c.code,
                c.group,
                c.is_serious,
                c.asks_victim_request,
                c.forward_hours is not None,
            )
            for c in categories
        ],
        legacy=geography(Generation.LEGACY),
        current=geography(Generation.CURRENT),
        admin_units=units,
        place_names={
            u.pk: _json(f"Khu vực {u.unit_type.strip().lower()} {u.short_name}".strip())
            for u in units.values()
        },
        templates={
            group: [(_json(text), _json(when)) for text, when in texts]
            for group, texts in CONTENT_TEMPLATES.items()
        },
        branches=_union_branches(),
        province_successor=successor,
        category_objects={c.pk: c for c in categories},
        police=_police_units(),
        decide_days=timeline.deadline_setting("decide_days"),
        calendar=work_calendar_all(),
        rules=rules,
        category_rules=any(rule.category_id is not None for rule in rules),
    )


def _union_branches() -> dict[int, list[tuple[int, dt.date | None, dt.date | None]]]:
    branches: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = defaultdict(list)
    for pk, admin_unit_id, valid_from, valid_to in OrgUnit.objects.filter(
        kind=OrgKind.WOMENS_UNION, level=OrgLevel.BRANCH, admin_unit__isnull=False
    ).values_list("pk", "admin_unit_id", "valid_from", "valid_to"):
        branches[admin_unit_id].append((pk, valid_from, valid_to))
    return dict(branches)


def _police_units() -> dict[int, list[OrgUnit]]:
    """Police units by the place they are attached to, in `police_unit_of`'s order."""
    police: dict[int, list[OrgUnit]] = defaultdict(list)
    for org_unit in OrgUnit.objects.filter(kind=OrgKind.POLICE, admin_unit__isnull=False).order_by(
        "depth", "pk"
    ):
        if org_unit.admin_unit_id is not None:
            police[org_unit.admin_unit_id].append(org_unit)
    return dict(police)


# --- Time ---------------------------------------------------------------------------------------


def month_weights(first: dt.date, now: dt.datetime) -> list[tuple[dt.date, float]]:
    """(first day of the month, relative number of tips) from `first` to the month of `now`."""
    today = now.astimezone(LOCAL_TZ)
    result = []
    month = first
    while month <= today.date():
        days = calendar.monthrange(month.year, month.month)[1]
        weight = days * SEASON[month.month - 1] * GROWTH_PER_YEAR ** (month.year - first.year)
        if (month.year, month.month) == (today.year, today.month):
            elapsed = (now - _local_midnight(month)).total_seconds() / 86400
            weight *= max(elapsed, 0.0) / days
        result.append((month, weight))
        month = _next_month(month)
    return result


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LOCAL_TZ)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def allocate(count: int, weights: Sequence[float]) -> list[int]:
    """`count` split in proportion to `weights`, exactly (largest remainders)."""
    total = sum(weights)
    if total <= 0:
        return [0] * len(weights)
    shares = [count * w / total for w in weights]
    result = [math.floor(s) for s in shares]
    left = count - sum(result)
    by_remainder = sorted(range(len(shares)), key=lambda i: result[i] - shares[i])
    for index in by_remainder[:left]:
        result[index] += 1
    return result


def _received_times(
    rng: random.Random, month: dt.date, count: int, until: dt.datetime
) -> list[dt.datetime]:
    days = calendar.monthrange(month.year, month.month)[1]
    start = _local_midnight(month)
    hours = list(range(24))
    moments: list[dt.datetime] = []
    while len(moments) < count:
        day = rng.randrange(days)
        hour = hours[_pick_index(rng, _HOUR_CUMULATIVE)]
        moment = start + dt.timedelta(days=day, hours=hour, seconds=rng.randrange(3600))
        if moment < until:
            moments.append(moment)
    moments.sort()
    return moments


def _category_cumulative(categories: Sequence[_Category], year: int) -> list[float]:
    weights = []
    for category in categories:
        base = CATEGORY_WEIGHTS_2019.get(category.code, DEFAULT_CATEGORY_WEIGHT)
        if category.code in NEW_FRAUDS:
            since, per_year = NEW_FRAUDS[category.code]
            base = per_year * (year - since + 1) if year >= since else 0.0
        elif category.group == CategoryGroup.FRAUD:
            base *= 1 + FRAUD_GROWTH * max(year - 2019, 0)
        elif category.group == CategoryGroup.CYBER:
            base *= 1 + CYBER_GROWTH * max(year - 2019, 0)
        weights.append(base)
    if not any(weights):
        weights = [1.0] * len(categories)
    return _cumulate(weights)


def _channel_cumulative(year: int) -> tuple[list[str], list[float]]:
    codes = list(CHANNEL_TRENDS)
    weights = [max(base + step * (year - 2019), 1.0) for base, step in CHANNEL_TRENDS.values()]
    return codes, _cumulate(weights)


# --- One tip's handling -------------------------------------------------------------------------


@dataclass
class _Handling:
    status: str = TipStatus.RECEIVED
    first_action_at: dt.datetime | None = None
    concluded_at: dt.datetime | None = None
    outcome: str = ""
    decided_in_time: bool | None = None
    valuable: bool | None = None
    valuable_reasons: list[str] = field(default_factory=list)
    offence_chapter: int | None = None
    arrested_count: int | None = None
    property_recovered_vnd: int | None = None
    due_at: dt.datetime | None = None
    due_kind: str = ""
    complex_extended: bool = False
    suspended_at: dt.datetime | None = None
    suspension_ground: str = ""
    forwarded: bool = False
    procuracy_due_at: dt.datetime | None = None
    procuracy_sent_at: dt.datetime | None = None

    @property
    def last_change(self) -> dt.datetime | None:
        return self.concluded_at or self.suspended_at or self.first_action_at


_SUSPENSION_GROUNDS = (
    SuspensionGround.EXPERT_ASSESSMENT,
    SuspensionGround.VALUATION,
    SuspensionGround.DOCUMENTS,
    SuspensionGround.FOREIGN_ASSISTANCE,
)


def _handle(  # noqa: PLR0912, PLR0915 - one branch per stage of the timeline
    rng: random.Random,
    received: dt.datetime,
    now: dt.datetime,
    category: _Category,
    *,
    urgent: bool,
    remote: bool,
    decide_days: int,
    cal: WorkCalendar,
) -> _Handling:
    h = _Handling()
    acted = received + dt.timedelta(hours=rng.lognormvariate(math.log(5), 1.0))
    h.first_action_at = acted if acted <= now else None
    u = rng.random()
    stuck = False
    if u < MERGED_SHARE:
        h.status = TipStatus.MERGED
        h.first_action_at = h.first_action_at or received
        return h
    # Ranges of days on either side of the Art. 147 deadlines, so most tips need no deadline
    # computed: within 20 days is in time, 21 days and more without an extension is late.
    in_time: bool | None = True
    if u < 0.73:
        days = rng.uniform(0.5, decide_days - 0.5)
    elif u < 0.85:
        days, h.complex_extended, in_time = rng.uniform(decide_days + 1, 58), True, None
    elif u < 0.95:
        days, in_time = rng.uniform(decide_days + 1, decide_days + 30), False
    elif u < 0.99:
        days = rng.uniform(60, 200)  # suspended on the way, resumed, decided within a month
    else:
        days, stuck = 3650.0, True
    decided = received + dt.timedelta(days=days)
    if h.first_action_at is not None and decided <= h.first_action_at:
        decided, in_time = h.first_action_at + dt.timedelta(hours=2), None
    if decided <= now and h.first_action_at is not None:
        h.status = TipStatus.CONCLUDED
        h.concluded_at = decided
        if in_time is None:
            due = timeline.complex_due if h.complex_extended else timeline.decide_due
            in_time = decided <= due(received, cal)
        h.decided_in_time = in_time
        _conclude(rng, h, category)
        return h
    if h.first_action_at is None:
        h.status = TipStatus.RECEIVED
        h.due_at = timeline.forward_due(received, urgent=urgent, remote=remote, cal=cal)
        h.due_kind = DueKind.FORWARD
        return h
    age_days = (now - received).total_seconds() / 86400
    r = rng.random()
    if stuck or (days > 60 and age_days > 20 and r < 0.6):
        h.status = TipStatus.SUSPENDED
        h.suspended_at = h.first_action_at + dt.timedelta(days=rng.uniform(2, 15))
        h.suspended_at = min(h.suspended_at, now)
        h.suspension_ground = _SUSPENSION_GROUNDS[rng.randrange(len(_SUSPENSION_GROUNDS))]
    elif age_days < 3 and r < 0.5:
        h.status = TipStatus.CHECKING
        h.due_at = timeline.forward_due(received, urgent=urgent, remote=remote, cal=cal)
        h.due_kind = DueKind.FORWARD
    elif r < 0.06:
        h.status, h.forwarded = TipStatus.FORWARDED, True
        h.due_at = timeline.forward_due(h.first_action_at, urgent=urgent, remote=remote, cal=cal)
        h.due_kind = DueKind.FORWARD
    else:
        h.status = TipStatus.RESOLVING
        if h.complex_extended:
            h.due_at, h.due_kind = timeline.complex_due(received, cal), DueKind.DECIDE_COMPLEX
        else:
            h.due_at, h.due_kind = timeline.decide_due(received, cal), DueKind.DECIDE
    return h


def _conclude(rng: random.Random, h: _Handling, category: _Category) -> None:
    assert h.concluded_at is not None
    h.outcome = _OUTCOMES[_pick_index(rng, _OUTCOME_CUMULATIVE)]
    h.valuable = rng.random() < VALUABLE_CHANCE[Outcome(h.outcome)]
    if h.outcome == Outcome.PROSECUTED:
        h.offence_chapter = CHAPTER_OF_GROUP.get(category.group)
        if rng.random() < 0.6:
            h.arrested_count = 1 + int(rng.expovariate(1.2))
    if h.outcome == Outcome.NOT_PROSECUTED:
        h.procuracy_due_at = h.concluded_at + dt.timedelta(hours=24)
        if rng.random() < 0.95:
            h.procuracy_sent_at = h.concluded_at + dt.timedelta(hours=rng.uniform(1, 20))
    if not h.valuable:
        return
    if h.outcome == Outcome.PROSECUTED:
        h.valuable_reasons = [ValuableReason.LED_TO_CASE]
        if h.arrested_count:
            h.valuable_reasons.append(ValuableReason.ARREST)
    elif h.outcome == Outcome.HANDED_OVER:
        h.valuable_reasons = [ValuableReason.ADMINISTRATIVE_SANCTION]
    else:
        h.valuable_reasons = [
            ValuableReason.PREVENTED_OFFENCE
            if rng.random() < 0.6
            else ValuableReason.IDENTIFIED_SUSPECT
        ]
    if category.group in RECOVERS_PROPERTY and rng.random() < 0.35:
        h.property_recovered_vnd = int(rng.lognormvariate(math.log(15_000_000), 1.3)) // 1000 * 1000
        h.valuable_reasons.append(ValuableReason.RECOVERED_PROPERTY)


# --- Sealing ------------------------------------------------------------------------------------


class _Sealer:
    """Envelope encryption of a tip's content with its own data key (see the module docstring
    for why not `crypto.new_envelope` + `crypto.seal_json`; the bytes are the same formats)."""

    def __init__(self) -> None:
        ring = crypto.keyring()
        self.kek_id = ring.current
        self._kek = AESGCM(ring.kek(ring.current))

    def seal(self, reference: str, text: str) -> tuple[bytes, bytes]:
        """(wrapped data key, sealed content) of a tip whose content is the JSON `text`."""
        random_bytes = os.urandom(crypto.KEY_BYTES + 2 * crypto.NONCE_BYTES)
        data_key = random_bytes[: crypto.KEY_BYTES]
        wrap_nonce = random_bytes[crypto.KEY_BYTES : crypto.KEY_BYTES + crypto.NONCE_BYTES]
        nonce = random_bytes[crypto.KEY_BYTES + crypto.NONCE_BYTES :]
        wrapped = wrap_nonce + self._kek.encrypt(
            wrap_nonce, data_key, crypto._wrap_aad(self.kek_id, reference)
        )
        sealed = (
            crypto._VERSION
            + nonce
            + AESGCM(data_key).encrypt(
                nonce, crypto._pad(text.encode()), crypto.aad(reference, "content")
            )
        )
        return wrapped, sealed


def _references(count: int) -> Iterator[str]:
    """ "SYN" and nine characters, all different: a random start, then a bijection of the
    counter over 45 bits (an odd multiplier and an xor-shift), so they do not look sequential.
    Two runs start at random places of 2^45: they overlap with a chance of about 1 in 10^6 for
    ten million tips, and the unique constraint would refuse the chunk rather than mix them."""
    start = secrets.randbits(_REFERENCE_BITS)
    for index in range(count):
        x = (start + index) & _MASK
        x = (x * 0x1F3D5B79A3) & _MASK
        x ^= x >> 23
        x = (x * 0xC2B2AE35D) & _MASK
        chars = [_REFERENCE_ALPHABET[(x >> (5 * i)) & 31] for i in range(9)]
        yield SYNTHETIC_PREFIX + "".join(chars)


# --- Writing ------------------------------------------------------------------------------------

TIP_COLUMNS = (
    "id",
    "reference",
    "receipt_hash",
    "receipt_kind",
    "channel",
    "category_id",
    "status",
    "province_id",
    "commune_id",
    "victim_request",
    "union_branch_id",
    "has_contact",
    "register_unit_id",
    "register_year",
    "register_seq",
    "register_number",
    "received_at",
    "updated_at",
    "kek_id",
    "wrapped_key",
    "content",
    "retention_until",
    "responsible_unit_id",
    "pending_unit_id",
    "is_flagrant",
    "clock_started_at",
    "due_at",
    "due_kind",
    "complex_extended",
    "procuracy_decision",
    "suspended_at",
    "suspension_ground",
    "first_action_at",
    "concluded_at",
    "outcome",
    "decided_in_time",
    "procuracy_due_at",
    "procuracy_sent_at",
    "valuable",
    "valuable_reasons",
    "offence_chapter",
    "arrested_count",
    "property_recovered_vnd",
)
TIP_TYPES = (
    "int8", "varchar", "varchar", "varchar", "varchar", "int8", "varchar", "int8", "int8",
    "varchar", "int8", "bool", "int8", "int2", "int4", "varchar", "timestamptz", "timestamptz",
    "varchar", "bytea", "bytea", "date", "int8", "int8", "bool", "timestamptz", "timestamptz",
    "varchar", "bool", "varchar", "timestamptz", "varchar", "timestamptz", "timestamptz",
    "varchar", "bool", "timestamptz", "timestamptz", "bool", "jsonb", "int2", "int4", "int8",
)  # fmt: skip
_REASONS = TIP_COLUMNS.index("valuable_reasons")
ROUTE_COLUMNS = ("tip_id", "org_unit_id", "role", "rule_id", "reason", "created_at", "active")
ROUTE_TYPES = ("int8", "int8", "varchar", "int8", "varchar", "timestamptz", "bool")


@dataclass
class _Draft:
    """A tip before it has its id and register number."""

    received: dt.datetime
    category: _Category
    channel: str
    province_id: int
    commune_id: int | None
    union_branch_id: int | None
    register: _Routing
    responsible_id: int
    pending_unit_id: int | None
    handling: _Handling
    flagrant: bool
    victim_request: str
    # Each route: unit id, role, rule id, reason, active.
    routes: tuple[tuple[int, str, int | None, str, bool], ...]
    content: str  # JSON


@dataclass
class GenerationResult:
    tips: int = 0
    routes: int = 0
    summary_rows: int = 0
    seconds: float = 0.0
    first_month: dt.date | None = None
    last_month: dt.date | None = None

    @property
    def rate(self) -> float:
        return self.tips / self.seconds if self.seconds > 0 else 0.0


def parse_years(text: str, *, now: dt.datetime | None = None) -> tuple[int, int]:
    """ "2019-2024" or "2024" -> (first, last), checked (SyntheticDataError says what is wrong)."""
    parts = text.strip().split("-")
    if len(parts) > 2 or not all(p.strip().isdigit() for p in parts):
        raise SyntheticDataError(
            _("Write the years as A-B, for example 2019-2024 (or one year: 2024).")
        )
    first, last = int(parts[0]), int(parts[-1])
    return check_years((first, last), now=now)


def check_years(years: tuple[int, int], *, now: dt.datetime | None = None) -> tuple[int, int]:
    first, last = years
    this_year = (now or timezone.now()).astimezone(LOCAL_TZ).year
    if first > last:
        raise SyntheticDataError(
            _("The first year (%(first)s) is after the last (%(last)s).")
            % {"first": first, "last": last}
        )
    if first < FIRST_YEAR or last > this_year:
        raise SyntheticDataError(
            _("Years must lie between %(low)s and %(high)s.")
            % {"low": FIRST_YEAR, "high": this_year}
        )
    return first, last


def generate_tips(
    *,
    count: int,
    years: tuple[int, int],
    seed: int = 1,
    batch: int = 50_000,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    workers: int = 1,
) -> int:
    """Write `count` synthetic tips received from 1 January of `years[0]` to the end of
    `years[1]` (or now, in the current year), with their routes, register numbers and summary
    counts. Returns how many were written. See the module docstring for what they look like.

    BLTTHS Art. 146: each tip takes the next number of its receiving unit's intake register.
    """
    return generate_tips_detailed(
        count=count,
        years=years,
        seed=seed,
        batch=batch,
        progress=progress,
        now=now,
        workers=workers,
    ).tips


@dataclass(frozen=True)
class _YearJob:
    year: int
    months: tuple[tuple[dt.date, int], ...]  # (first day of the month, tips)
    until: dt.datetime
    seed: int
    batch: int

    @property
    def count(self) -> int:
        return sum(n for _m, n in self.months)


def generate_tips_detailed(
    *,
    count: int,
    years: tuple[int, int],
    seed: int = 1,
    batch: int = 50_000,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    workers: int = 1,
) -> GenerationResult:
    """`generate_tips`, with the figures of the run (time, months covered).

    With `workers` > 1 on PostgreSQL, years are generated in that many processes at once
    (forked, each with its own connection). Each year has its own random stream, so the tips
    are the same whatever the number of workers, and each intake register (a unit's book of
    one year) is written by one process, in the order the tips arrived.
    """
    if count < 0:
        raise SyntheticDataError(_("The number of tips cannot be negative."))
    if batch < 1 or workers < 1:
        raise SyntheticDataError(_("The batch size and the number of workers must be at least 1."))
    now = now or timezone.now()
    first, last = check_years(years, now=now)
    started = time.perf_counter()
    if count == 0:
        return GenerationResult()
    world = _load_world(now)
    until = min(now, _local_midnight(dt.date(last + 1, 1, 1)))
    months = [(m, w) for m, w in month_weights(dt.date(first, 1, 1), until) if w > 0]
    if not months:
        raise SyntheticDataError(_("The years chosen have not begun yet."))
    counts = allocate(count, [w for _m, w in months])
    by_year: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for (month, _weight), month_count in zip(months, counts, strict=True):
        if month_count:
            by_year[month.year].append((month, month_count))
    jobs = [_YearJob(year, tuple(chosen), until, seed, batch) for year, chosen in by_year.items()]
    parallel = workers > 1 and len(jobs) > 1 and not connection.in_atomic_block
    if parallel and connection.vendor == "postgresql":
        results = _in_processes(world, jobs, workers, count, progress)
    else:
        results = []
        done = 0
        for job in jobs:

            def each_chunk(tips: int, base: int = done) -> None:
                if progress is not None:
                    progress(base + tips, count)

            results.append(_generate_year(world, job, each_chunk))
            done += job.count
    result = GenerationResult(
        tips=sum(r.tips for r in results),
        routes=sum(r.routes for r in results),
        summary_rows=sum(r.summary_rows for r in results),
        first_month=min(r.first_month for r in results if r.first_month),
        last_month=max(r.last_month for r in results if r.last_month),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (
                "tips_tip",
                "tips_tiproute",
                "stats_tipfact",
                "stats_tipprovincefact",
                "stats_tipcommunefact",
            ):
                cursor.execute(f"ANALYZE {table}")
    result.seconds = time.perf_counter() - started
    return result


def _generate_year(
    world: _World, job: _YearJob, each_chunk: Callable[[int], None]
) -> GenerationResult:
    """The tips of one year, month by month, in chunks of `job.batch`."""
    rng = random.Random(f"{job.seed}:{job.year}")  # noqa: S311 - synthetic, reproducible
    writer = _Writer(world, _references(job.count))
    result = GenerationResult()
    category_cumulative = _category_cumulative(world.categories, job.year)
    channels = _channel_cumulative(job.year)
    for month, month_count in job.months:
        result.first_month = result.first_month or month
        result.last_month = month
        month_end = min(job.until, _local_midnight(_next_month(month)))
        moments = _received_times(rng, month, month_count, month_end)
        for start in range(0, month_count, job.batch):
            drafts = [
                _draft(rng, world, moment, category_cumulative, channels)
                for moment in moments[start : start + job.batch]
            ]
            routes, rows = writer.write(drafts)
            result.tips += len(drafts)
            result.routes += routes
            result.summary_rows += rows
            each_chunk(result.tips)
    return result


# What a forked worker inherits: the world read once by the parent, and where to report.
_FORKED: dict[str, Any] = {}


def _in_processes(
    world: _World, jobs: list[_YearJob], workers: int, count: int, progress: Progress | None
) -> list[GenerationResult]:
    import multiprocessing
    import queue
    from concurrent.futures import ProcessPoolExecutor, wait

    from django.db import connections

    context = multiprocessing.get_context("fork")
    reports = context.Queue()
    _FORKED.update(world=world, reports=reports)
    # Each child opens its own connection: a socket shared across a fork corrupts both.
    connections.close_all()
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            # The biggest years first, so the last one to finish is a small one.
            futures = [
                pool.submit(_year_in_worker, job) for job in sorted(jobs, key=lambda j: -j.count)
            ]
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=0.5)
                while True:
                    try:
                        done += reports.get_nowait()
                    except queue.Empty:
                        break
                    if progress is not None:
                        progress(done, count)
                for future in finished:
                    future.result()  # a failed year stops the run with its error
            return [f.result() for f in futures]
    finally:
        _FORKED.clear()


def _year_in_worker(job: _YearJob) -> GenerationResult:
    from django.db import connections

    world: _World = _FORKED["world"]
    reports = _FORKED["reports"]
    last = [0]

    def each_chunk(tips: int) -> None:
        reports.put(tips - last[0])
        last[0] = tips

    try:
        return _generate_year(world, job, each_chunk)
    finally:
        connections.close_all()


def _draft(
    rng: random.Random,
    world: _World,
    received: dt.datetime,
    category_cumulative: list[float],
    channels: tuple[list[str], list[float]],
) -> _Draft:
    day = received.date()  # received is in Vietnam time
    legacy = day < world.reform
    province_id, commune_id = (world.legacy if legacy else world.current).pick(rng)
    category = world.categories[_pick_index(rng, category_cumulative)]
    channel = channels[0][_pick_index(rng, channels[1])]
    routing = world.routing(category, province_id, commune_id, day)
    flagrant = rng.random() < FLAGRANT_SHARE
    handling = _handle(
        rng,
        received,
        world.now,
        category,
        urgent=flagrant or category.urgent,
        remote=routing.primary_remote,
        decide_days=world.decide_days,
        cal=world.calendar,
    )
    routes = routing.rows
    responsible_id = routing.primary_id
    pending_unit_id = None
    if legacy and handling.status in OPEN_STATUSES:
        # Open at the reform: the old province police handed the file to today's.
        transfer = world.transferred(province_id)
        if transfer is not None:
            unit, reason = transfer
            responsible_id = unit.primary_id
            routes = (
                *((u, role, rule, text, False) for u, role, rule, text, _a in routes),
                (unit.primary_id, RouteRole.PRIMARY, None, reason, True),
            )
    elif handling.forwarded:
        province_police = world.police_unit(province_id, day)
        if province_police is None or province_police.pk == routing.primary_id:
            # No unit above to forward to: the tip is being resolved where it is.
            handling.status, handling.forwarded = TipStatus.RESOLVING, False
            handling.due_at, handling.due_kind = (
                timeline.decide_due(received, world.calendar),
                DueKind.DECIDE,
            )
        else:
            pending_unit_id = province_police.pk
    branch_id = None
    branches = world.branches.get(commune_id) if commune_id is not None else None
    if branches and rng.random() < UNION_SHARE:
        # A branch's `valid_from` is the day it was entered in toandan (the demo's are entered
        # today), not the day it was founded: history may name it, but not after it closed.
        open_branches = [
            pk for pk, _from, valid_to in branches if valid_to is None or day <= valid_to
        ]
        if open_branches:
            branch_id = open_branches[rng.randrange(len(open_branches))]
    victim_request = ""
    if category.asks_victim_request:
        victim_request = (VictimRequest.YES, VictimRequest.NO, VictimRequest.UNKNOWN)[
            _pick_index(rng, (2.0, 3.0, 4.0))
        ]
    templates = world.templates.get(category.group) or world.templates[CategoryGroup.OTHER]
    description, when = templates[rng.randrange(len(templates))]
    place = world.place_names[commune_id if commune_id is not None else province_id]
    return _Draft(
        received=received,
        category=category,
        channel=channel,
        province_id=province_id,
        commune_id=commune_id,
        union_branch_id=branch_id,
        register=routing,
        responsible_id=responsible_id,
        pending_unit_id=pending_unit_id,
        handling=handling,
        flagrant=flagrant,
        victim_request=victim_request,
        routes=routes,
        # What `json.dumps(..., sort_keys=True)` would write, from pieces encoded once.
        content=(
            f'{{"address":{place},"description":{description},'
            f'"occurred_text":{when},"people":"","vehicles":""}}'
        ),
    )


class _Writer:
    """Writes chunks of drafts, each in one transaction."""

    def __init__(self, world: _World, references: Iterator[str]) -> None:
        from toandan.stats import summary

        self.world = world
        self.references = references
        self.sealer = _Sealer()
        self.summary = summary
        self.retention = dt.timedelta(days=int(settings.TOANDAN_TIP_RETENTION_DAYS))
        self.postgres = connection.vendor == "postgresql"

    def write(self, drafts: list[_Draft]) -> tuple[int, int]:
        """Write one chunk; returns (routes written, summary rows touched)."""
        with transaction.atomic():
            seqs = self._take_numbers(drafts)
            rows = [self._row(draft, seqs) for draft in drafts]
            write = self._copy if self.postgres else self._bulk_create
            routes = write(drafts, rows)
            touched = self._count(drafts)
            audit_record(
                actor=None,
                action=TipsAction.SYNTHETIC_GENERATE,
                object_type="tips.tip",
                reason="synthetic tips for dashboards and benchmarks",
                data={
                    "tips": len(drafts),
                    "first_reference": rows[0][1],
                    "received_from": drafts[0].received.isoformat(),
                    "received_to": drafts[-1].received.isoformat(),
                },
            )
        return routes, touched

    def _take_numbers(self, drafts: list[_Draft]) -> dict[tuple[int, int], int]:
        """Reserve the numbers the chunk needs in each intake register with one UPSERT per
        thousand books; returns the first number of each (unit, year)."""
        needed: dict[tuple[int, int], int] = defaultdict(int)
        for draft in drafts:
            needed[(draft.register.primary_id, draft.received.year)] += 1
        meta = RegisterBook._meta
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        unit_column = quote(meta.get_field("org_unit").column)
        first: dict[tuple[int, int], int] = {}
        keys = sorted(needed)  # the same lock order as any other writer
        with connection.cursor() as cursor:
            for start in range(0, len(keys), 1000):
                part = keys[start : start + 1000]
                values = ", ".join(["(%s, %s, %s)"] * len(part))
                params: list[int] = []
                for unit_id, year in part:
                    params += [unit_id, year, needed[(unit_id, year)]]
                cursor.execute(
                    f"INSERT INTO {table} ({unit_column}, year, last_seq) VALUES {values} "  # noqa: S608 - names from the model
                    f"ON CONFLICT ({unit_column}, year) DO UPDATE "
                    f"SET last_seq = {table}.last_seq + excluded.last_seq "
                    f"RETURNING {unit_column}, year, last_seq",
                    params,
                )
                for unit_id, year, last_seq in cursor.fetchall():
                    first[(unit_id, year)] = int(last_seq) - needed[(unit_id, year)] + 1
        return first

    def _row(self, draft: _Draft, seqs: dict[tuple[int, int], int]) -> tuple[Any, ...]:
        reference = next(self.references)
        key = (draft.register.primary_id, draft.received.year)
        seq = seqs[key]
        seqs[key] = seq + 1
        wrapped, content = self.sealer.seal(reference, draft.content)
        h = draft.handling
        staff = draft.channel in STAFF_CHANNELS
        return (
            None,  # id: given by the database
            reference,
            os.urandom(32).hex(),  # no receipt opens it
            ReceiptKind.STAFF_ISSUED if staff else ReceiptKind.CITIZEN,
            draft.channel,
            draft.category.id,
            h.status,
            draft.province_id,
            draft.commune_id,
            draft.victim_request,
            draft.union_branch_id,
            False,
            draft.register.primary_id,
            draft.received.year,
            seq,
            register_number(draft.register.primary_code, draft.received.year, seq),
            draft.received,
            h.last_change or draft.received,
            self.sealer.kek_id,
            wrapped,
            content,
            draft.received.date() + self.retention,
            draft.responsible_id,
            draft.pending_unit_id,
            draft.flagrant,
            draft.received,
            h.due_at,
            h.due_kind,
            h.complex_extended,
            "",
            h.suspended_at,
            h.suspension_ground,
            h.first_action_at,
            h.concluded_at,
            h.outcome,
            h.decided_in_time,
            h.procuracy_due_at,
            h.procuracy_sent_at,
            h.valuable,
            _reasons_json(h.valuable_reasons),
            h.offence_chapter,
            h.arrested_count,
            h.property_recovered_vnd,
        )

    def _copy(self, drafts: list[_Draft], rows: list[tuple[Any, ...]]) -> int:
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # psycopg's own, for COPY
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('tips_tip', 'id')) "
                "FROM generate_series(1, %s)",
                [len(rows)],
            )
            ids = [int(r[0]) for r in cursor.fetchall()]
            with cursor.copy(
                f"COPY tips_tip ({', '.join(TIP_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(list(TIP_TYPES))
                for tip_id, row in zip(ids, rows, strict=True):
                    copy.write_row((tip_id, *row[1:]))
            routes = 0
            with cursor.copy(
                f"COPY tips_tiproute ({', '.join(ROUTE_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(list(ROUTE_TYPES))
                for tip_id, draft in zip(ids, drafts, strict=True):
                    for unit_id, role, rule_id, reason, active in draft.routes:
                        copy.write_row(
                            (tip_id, unit_id, role, rule_id, reason, draft.received, active)
                        )
                        routes += 1
        return routes

    def _bulk_create(self, drafts: list[_Draft], rows: list[tuple[Any, ...]]) -> int:
        fields = TIP_COLUMNS[1:]
        tips = Tip.objects.bulk_create(
            [
                Tip(
                    **dict(zip(fields, row[1:], strict=True))
                    | {"valuable_reasons": json.loads(row[_REASONS])}
                )
                for row in rows
            ],
            batch_size=500,
        )
        routes = [
            TipRoute(
                tip_id=tip.pk,
                org_unit_id=unit_id,
                role=role,
                rule_id=rule_id,
                reason=reason,
                active=active,
            )
            for tip, draft in zip(tips, drafts, strict=True)
            for unit_id, role, rule_id, reason, active in draft.routes
        ]
        TipRoute.objects.bulk_create(routes, batch_size=1000)
        return len(routes)

    def _count(self, drafts: list[_Draft]) -> int:
        """Add the chunk to the summary tables in its transaction, with the counting of
        `toandan.stats.summary` itself (the hook the intake calls for each tip)."""
        summary = self.summary
        deltas: dict[Any, dict[str, int]] = defaultdict(dict)
        # The units' dashboard counts too (toandan.tips.dashboard.unit_counts, the other tip hook).
        from toandan.tips.dashboard.unit_counts import tip_counts, unit_counts_add

        unit_deltas: dict[Any, dict[str, int]] = defaultdict(dict)
        for draft in drafts:
            h = draft.handling
            unit_facts = {
                "responsible_unit_id": draft.responsible_id,
                "received_at": draft.received,
                "status": h.status,
                "concluded_at": h.concluded_at,
                "decided_in_time": h.decided_in_time,
                "valuable": h.valuable,
                "first_action_at": h.first_action_at,
            }
            for key, counts in tip_counts(unit_facts).items():
                unit_row = unit_deltas[key]
                for name, value in counts.items():
                    unit_row[name] = unit_row.get(name, 0) + value
            facts = {
                "province_id": draft.province_id,
                "commune_id": draft.commune_id,
                "category_id": draft.category.id,
                "channel": draft.channel,
                "union_branch_id": draft.union_branch_id,
                "received_at": draft.received,
                "status": h.status,
                "outcome": h.outcome,
                "concluded_at": h.concluded_at,
                "decided_in_time": h.decided_in_time,
                "valuable": h.valuable,
                "arrested_count": h.arrested_count,
                "property_recovered_vnd": h.property_recovered_vnd,
                "first_action_at": h.first_action_at,
            }
            row = deltas[summary.fact_key(facts)]
            for name, value in summary.tip_measures(facts).items():
                if value:
                    row[name] = row.get(name, 0) + value
        unit_counts_add(unit_deltas)
        if not self.postgres:
            summary.apply_deltas(deltas)
            return len(deltas)
        from toandan.stats.models import TipFact

        _upsert(
            TipFact._meta.db_table,
            summary.FACT_KEY_COLUMNS,
            summary.TIP_MEASURES,
            [(*key, *(m.get(n, 0) for n in summary.TIP_MEASURES)) for key, m in deltas.items()],
        )
        for model, keys, derive in summary.COARSER_TABLES:
            _upsert(
                model._meta.db_table,
                keys,
                summary.PROVINCE_MEASURES,
                [
                    (*key, *(m.get(n, 0) for n in summary.PROVINCE_MEASURES))
                    for key, m in derive(deltas).items()
                ],
            )
        return len(deltas)


def _upsert(
    table: str, keys: Sequence[str], measures: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """`toandan.stats.summary.apply_deltas` for many rows at once (PostgreSQL): COPY into a
    temporary table, then one INSERT … ON CONFLICT adding the counts, in key order (the order
    the hook locks rows in)."""
    columns = ", ".join([*keys, *measures])
    scratch = f"synthetic_{table}"
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {scratch} AS "  # noqa: S608 - names from the models
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {scratch}")
        with cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} "  # noqa: S608 - names from the models
            f"ORDER BY {', '.join(keys)} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )


# --- Periodic reports ---------------------------------------------------------------------------

# A unit's habit: most report every period, some often miss one, a few almost never report.
# (chance of reporting a period, share of units); about 70 % of expected reports arrive.
REPORTING_HABITS = ((0.95, 0.45), (0.75, 0.25), (0.4, 0.2), (0.1, 0.1))
ON_TIME_SHARE = 0.8
# Share of the population who are Women's Union members, and what they do in a year.
MEMBERS_PER_PERSON = 0.13
YEARLY_PER_MEMBER: dict[str, float] = {
    "members_trained": 0.18,
    "communication_sessions": 1 / 240,
    "tips_passed_outside": 0.18 * 0.085,
    "valuable_tips_reported": 0.18 * 0.085 * 0.7,
    "offenders_reintegrated": 0.0004,
    "initiatives": 0.0001,
}
# Figures a data set asks for that the generator does not know: per member and year.
DEFAULT_PER_MEMBER = 0.001
# A unit that also has units reporting below it reports only its own activity.
OWN_ACTIVITY_SHARE = 0.1


@dataclass(frozen=True)
class _Element:
    code: str
    indicator_id: int
    required: bool
    aggregation: str
    min_value: Decimal | None
    max_value: Decimal | None


def _habit(seed: int, unit_code: str) -> float:
    rng = random.Random(f"{seed}:{unit_code}")  # noqa: S311 - synthetic data
    return REPORTING_HABITS[_pick_index(rng, _HABIT_CUMULATIVE)][0]


_HABIT_CUMULATIVE = list(itertools.accumulate(share for _chance, share in REPORTING_HABITS))


def _population(world: _World) -> dict[int, float]:
    """People living in each province and commune (in millions), from the generator's
    weights: a province's population shared among its communes by their type."""
    people: dict[int, float] = {}
    for geography in (world.legacy, world.current):
        for province in geography.provinces:
            people[province.id] = province.weight
            total = province.cumulative[-1] if province.cumulative else 0.0
            previous = 0.0
            for commune_id, upto in zip(province.communes, province.cumulative, strict=True):
                people[commune_id] = province.weight * (upto - previous) / total
                previous = upto
    return people


def _figures(
    rng: random.Random,
    elements: Sequence[_Element],
    rules: Sequence[Any],
    *,
    people: float,
    months: int,
    year: int,
) -> dict[str, Decimal]:
    """Plausible figures of one report: proportional to the unit's population and the
    period's length, growing 5 % a year, within each element's bounds and the data set's
    rules."""
    members = people * 1_000_000 * MEMBERS_PER_PERSON * rng.lognormvariate(0, 0.2)
    growth = 1.05 ** (year - 2019)
    values: dict[str, Decimal] = {}
    for element in elements:
        if not element.required and rng.random() < 0.2:
            continue
        if element.aggregation == "last":
            raw = members if element.code == "union_members" else members * DEFAULT_PER_MEMBER
        else:
            rate = YEARLY_PER_MEMBER.get(element.code, DEFAULT_PER_MEMBER)
            raw = members * rate * months / 12 * growth * rng.lognormvariate(0, 0.25)
        value = Decimal(round(raw))
        if element.min_value is not None:
            value = max(value, element.min_value)
        if element.max_value is not None:
            value = min(value, element.max_value)
        values[element.code] = value
    for rule in rules:
        left, right = values.get(rule.left.code), values.get(rule.right.code)
        if left is None or right is None:
            continue
        bound = right * rule.factor
        if rule.operator in ("<=", "<") and left >= bound:
            values[rule.left.code] = max(bound.to_integral_value(rounding="ROUND_FLOOR") - 1, 0)
        elif rule.operator in (">=", ">") and left <= bound:
            values[rule.left.code] = bound.to_integral_value(rounding="ROUND_CEILING") + 1
        elif rule.operator == "==":
            values[rule.left.code] = bound
    return values


def generate_reports(
    *,
    years: tuple[int, int],
    seed: int = 1,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Periodic reports of every active data set for its periods that ended within `years`:
    each expected unit reports with the habit of a real unit (about 70 % of the expected
    reports arrive, so coverage names the missing units), most on time. Reports are approved
    bottom-up as the state machine allows (`toandan.stats.services`): a unit's report is
    approved only when every unit below it that must report has an approved report; otherwise
    it is submitted, awaiting approval, and so are a third of the reports of the last period.
    Figures count in statistics like any submitted or approved report. Reports that exist are
    left as they are. Returns how many reports were created.
    """
    from toandan.stats.models import Report

    now = now or timezone.now()
    first, last = check_years(years, now=now)
    world = _load_world(now)
    people = _population(world)
    created = 0
    for dataset in _active_datasets():
        maker = _ReportMaker(dataset, seed=seed, now=now, people=people)
        with transaction.atomic():
            made = sum(maker.period(period) for period in maker.periods(first, last))
            if made:
                audit_record(
                    actor=None,
                    action=StatsAction.SYNTHETIC_REPORTS,
                    object_type=Report._meta.label_lower,
                    reason="synthetic periodic reports for dashboards and benchmarks",
                    data={"dataset": dataset.code, "years": f"{first}-{last}", "reports": made},
                )
        created += made
        if progress is not None:
            progress(f"{dataset.code}: {made}")
    return created


def _active_datasets() -> list[Any]:
    from toandan.stats.models import DataSet

    return list(DataSet.objects.filter(active=True).order_by("order", "code"))


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


class _ReportMaker:
    """The reports of one data set, period by period, level by level from the bottom."""

    def __init__(
        self, dataset: Any, *, seed: int, now: dt.datetime, people: dict[int, float]
    ) -> None:
        from toandan.stats.selectors import LEVEL_ORDER

        self.dataset = dataset
        self.seed = seed
        self.now = now
        self.people = people
        self.rng = random.Random(f"{seed}:{dataset.code}")  # noqa: S311 - synthetic data
        self.elements = [
            _Element(
                e.indicator.code,
                e.indicator_id,
                e.required,
                e.indicator.aggregation,
                e.min_value,
                e.max_value,
            )
            for e in dataset.elements.select_related("indicator").order_by("order", "id")
        ]
        self.rules = list(dataset.rules.select_related("left", "right"))
        self.rank = {level: LEVEL_ORDER.index(level) for level in LEVEL_ORDER}
        self.levels = sorted(dataset.levels, key=self.rank.__getitem__, reverse=True)
        self.latest = ""
        self.checked: set[str] = set()

    def periods(self, first: int, last: int) -> list[Any]:
        from toandan.stats.periods import year_period
        from toandan.stats.selectors import dataset_periods

        if not self.elements:
            return []
        today = self.now.astimezone(LOCAL_TZ).date()
        periods = [
            p
            for year in range(first, last + 1)
            for p in dataset_periods(self.dataset.period_type, year_period(year))
            if p.end < today
        ]
        self.latest = periods[-1].id if periods else ""
        return periods

    def period(self, period: Any) -> int:
        from toandan.stats.models import Report, ReportStatus

        existing = dict(
            Report.objects.filter(dataset=self.dataset, period_id=period.id).values_list(
                "org_unit_id", "status"
            )
        )
        approved = {unit for unit, status in existing.items() if status == ReportStatus.APPROVED}
        created = 0
        for level in self.levels:
            created += self._level(period, level, existing, approved)
        return created

    def _level(self, period: Any, level: str, existing: dict[int, str], approved: set[int]) -> int:
        from toandan.stats.models import Report, ReportStatus
        from toandan.stats.selectors import expected_units

        below = [lv for lv in self.dataset.levels if self.rank[lv] > self.rank[level]]
        children: list[tuple[str, int]] = []
        if below:
            children = [
                (child.path, child.pk)
                for child in expected_units(self.dataset, period, levels=below)
            ]
        reports: list[Report] = []
        figures: list[dict[str, Decimal]] = []
        for unit in expected_units(self.dataset, period, levels=[level]):
            if unit.pk in existing or self.rng.random() >= _habit(self.seed, unit.code):
                continue
            # Approval goes bottom-up: not before every unit below has an approved report.
            waiting = any(pk not in approved for path, pk in children if path.startswith(unit.path))
            if waiting or (period.id == self.latest and self.rng.random() < 1 / 3):
                status = ReportStatus.SUBMITTED
            else:
                status = ReportStatus.APPROVED
                approved.add(unit.pk)
            reports.append(self._report(unit, period, status))
            figures.append(self._values(unit, period, own_only=bool(below), level=level))
        self._write(reports, figures)
        return len(reports)

    def _report(self, unit: OrgUnit, period: Any, status: str) -> Any:
        from toandan.stats.models import Report, ReportStatus

        due_days = self.dataset.due_days
        if self.rng.random() < ON_TIME_SHARE:
            days = self.rng.uniform(0.2, max(due_days, 1))
        else:
            days = self.rng.uniform(due_days + 1, due_days + 30)
        submitted = min(
            _local_midnight(period.end) + dt.timedelta(days=1 + days),
            self.now - dt.timedelta(hours=1),
        )
        approved_at = None
        if status == ReportStatus.APPROVED:
            approved_at = min(submitted + dt.timedelta(days=self.rng.uniform(1, 10)), self.now)
        return Report(
            dataset=self.dataset,
            org_unit=unit,
            period_id=period.id,
            period_start=period.start,
            period_end=period.end,
            status=status,
            submitted_at=submitted,
            last_submitted_at=submitted,
            approved_at=approved_at,
            created_at=submitted - dt.timedelta(days=2),
            updated_at=approved_at or submitted,
        )

    def _values(
        self, unit: OrgUnit, period: Any, *, own_only: bool, level: str
    ) -> dict[str, Decimal]:
        from toandan.stats.services import validate_values

        people = self.people.get(unit.admin_unit_id, 0.5) if unit.admin_unit_id else 1.0
        values = _figures(
            self.rng,
            self.elements,
            self.rules,
            people=people * (OWN_ACTIVITY_SHARE if own_only else 1.0),
            months=_months(period.start, period.end),
            year=period.end.year,
        )
        if level not in self.checked:
            # The generator's own check: its figures pass the form's validation.
            validate_values(self.dataset, values, complete=True)
            self.checked.add(level)
        return values

    def _write(self, reports: list[Any], figures: list[dict[str, Decimal]]) -> None:
        from toandan.stats.models import COUNTED_STATUSES, Report, ReportValue
        from toandan.stats.services import report_place_ids

        Report.objects.bulk_create(reports, batch_size=1000)
        indicator_ids = {e.code: e.indicator_id for e in self.elements}
        values = []
        for report, figure in zip(reports, figures, strict=True):
            province_id, commune_id = report_place_ids(report.org_unit)
            values += [
                ReportValue(
                    report=report,
                    indicator_id=indicator_ids[code],
                    value=value,
                    org_unit=report.org_unit,
                    province_id=province_id,
                    commune_id=commune_id,
                    period_start=report.period_start,
                    period_end=report.period_end,
                    counted=report.status in COUNTED_STATUSES,
                )
                for code, value in figure.items()
            ]
        ReportValue.objects.bulk_create(values, batch_size=2000)
