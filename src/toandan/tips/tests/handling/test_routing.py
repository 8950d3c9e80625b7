"""Routing: to the commune police, to the province police, information copies; the table is data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import translation

from toandan.core import process_cache
from toandan.orgs.models import OrgUnit
from toandan.tips.handling.routing import place_name, police_unit_of, route_tip
from toandan.tips.models import (
    Category,
    CategoryGroup,
    RouteRole,
    RoutingCondition,
    RoutingRule,
    RoutingTarget,
)
from toandan.tips.tests.conftest import (
    BAT_XAT,
    HANOI,
    HANOI_POLICE,
    HOAN_KIEM,
    HOAN_KIEM_POLICE,
    LAO_CAI,
    category,
    commune,
    province,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


def route(category_code: str, province_code: str, commune_code: str | None):
    return route_tip(
        category=category(category_code),
        province=province(province_code),
        commune=commune(commune_code) if commune_code else None,
        day=TODAY,
    )


# --- The defaults (data migration) ---------------------------------------------------------------


def test_default_categories_cover_the_offences_and_the_forms_of_fraud():
    codes = set(Category.objects.values_list("code", flat=True))
    assert {
        "theft",
        "robbery",
        "drug-use",
        "drug-trafficking",
        "gambling",
        "prostitution",
        "fight-injury",
        "domestic-violence",
        "human-trafficking",
        "smuggling",
        "cybercrime",
        "other",
    } <= codes
    fraud_forms = Category.objects.filter(group=CategoryGroup.FRAUD)
    assert fraud_forms.count() >= 10
    assert all(c.name_vi and c.name_en and c.description_vi for c in Category.objects.all())


def test_fights_and_domestic_violence_ask_for_the_victims_request():
    asking = set(Category.objects.filter(asks_victim_request=True).values_list("code", flat=True))
    assert asking == {"fight-injury", "domestic-violence"}


def test_trafficking_and_large_frauds_are_serious_petty_theft_is_not():
    serious = set(Category.objects.filter(is_serious=True).values_list("code", flat=True))
    assert {"drug-trafficking", "human-trafficking", "fraud-investment"} <= serious
    assert "theft" not in serious
    assert "drug-use" not in serious


def test_three_default_rules_in_priority_order():
    rules = list(RoutingRule.objects.values_list("condition", "target", "role", "only_serious"))
    assert rules == [
        (RoutingCondition.COMMUNE_KNOWN, RoutingTarget.COMMUNE_POLICE, RouteRole.PRIMARY, False),
        (
            RoutingCondition.COMMUNE_UNKNOWN,
            RoutingTarget.PROVINCE_POLICE,
            RouteRole.PRIMARY,
            False,
        ),
        (RoutingCondition.ALWAYS, RoutingTarget.PROVINCE_POLICE, RouteRole.INFORMATION, True),
    ]


# --- The three cases ---------------------------------------------------------------------


def test_a_tip_with_a_known_commune_goes_to_the_commune_police():
    result = route("theft", HANOI, HOAN_KIEM)
    assert result.primary.org_unit.code == HOAN_KIEM_POLICE
    assert result.primary.role == RouteRole.PRIMARY
    assert result.information == ()
    # Why, in words an officer reads: the place and the unit, and the rule
    assert "phường Hoàn Kiếm" in result.primary.reason
    assert "Công an phường Hoàn Kiếm" in result.primary.reason
    assert result.primary.rule is not None
    assert result.primary.rule.name in result.primary.reason


def test_a_tip_without_a_commune_goes_to_the_province_police():
    result = route("theft", LAO_CAI, None)
    assert result.primary.org_unit.code == "CA-15"
    assert "tỉnh Lào Cai" in result.primary.reason
    assert "Công an tỉnh Lào Cai" in result.primary.reason
    assert result.information == ()


def test_a_serious_tip_also_sends_an_information_copy_to_the_province_police():
    result = route("drug-trafficking", HANOI, HOAN_KIEM)
    assert result.primary.org_unit.code == HOAN_KIEM_POLICE
    assert [(r.org_unit.code, r.role) for r in result.information] == [
        (HANOI_POLICE, RouteRole.INFORMATION)
    ]
    assert "Mua bán, vận chuyển trái phép chất ma túy" in result.information[0].reason
    assert "Công an thành phố Hà Nội" in result.information[0].reason


def test_no_copy_when_the_province_police_are_already_responsible():
    result = route("human-trafficking", LAO_CAI, None)
    assert result.primary.org_unit.code == "CA-15"
    assert result.information == ()


def test_a_serious_tip_in_a_rural_commune_goes_to_the_commune_and_the_province():
    result = route("human-trafficking", LAO_CAI, BAT_XAT)
    assert [r.org_unit.code for r in result.routes] == ["CA-15-02683", "CA-15"]


# --- The table is data ---------------------------------------------------------------------------


def test_an_administrator_rule_for_one_category_takes_precedence():
    # Given a rule, added in the admin, sending every cybercrime tip to the province police
    RoutingRule.objects.create(
        name="Tội phạm mạng: Công an tỉnh",
        priority=5,
        condition=RoutingCondition.ALWAYS,
        category=category("cybercrime"),
        target=RoutingTarget.PROVINCE_POLICE,
        role=RouteRole.PRIMARY,
    )
    # Then a cybercrime tip from Hoàn Kiếm goes to the city police, other tips do not
    assert route("cybercrime", HANOI, HOAN_KIEM).primary.org_unit.code == HANOI_POLICE
    assert route("theft", HANOI, HOAN_KIEM).primary.org_unit.code == HOAN_KIEM_POLICE


def test_marking_a_category_serious_in_the_admin_adds_the_copy():
    Category.objects.filter(code="gambling").update(is_serious=True)
    assert [r.org_unit.code for r in route("gambling", HANOI, HOAN_KIEM).information] == [
        HANOI_POLICE
    ]


def test_an_inactive_rule_is_not_applied():
    RoutingRule.objects.filter(only_serious=True).update(active=False)
    assert route("drug-trafficking", HANOI, HOAN_KIEM).information == ()


def test_no_tip_is_refused_when_no_rule_applies():
    # Given an administrator who switched every primary rule off by mistake
    RoutingRule.objects.filter(role=RouteRole.PRIMARY).update(active=False)
    # Then the tip still reaches a unit: the province police (BLTTHS Art. 144)
    result = route("theft", HANOI, HOAN_KIEM)
    assert result.primary.org_unit.code == HANOI_POLICE
    assert result.primary.rule is None
    assert "144" in result.primary.reason


def test_a_closed_commune_police_unit_is_skipped():
    # Given the commune police unit closed (e.g. merged) before the day of the tip
    OrgUnit.objects.filter(code=HOAN_KIEM_POLICE).update(valid_to=dt.date(2026, 1, 1))
    # Then the tip goes to the province police instead of a unit that no longer exists
    assert route("theft", HANOI, HOAN_KIEM).primary.org_unit.code == HANOI_POLICE


# --- The table and the police units are kept per process ----------------------------------------


def cybercrime_to_the_province() -> RoutingRule:
    return RoutingRule.objects.create(
        name="Tội phạm mạng: Công an tỉnh",
        priority=5,
        condition=RoutingCondition.ALWAYS,
        category=category("cybercrime"),
        target=RoutingTarget.PROVINCE_POLICE,
        role=RouteRole.PRIMARY,
    )


def test_routing_reads_nothing_once_the_table_and_units_are_kept(django_assert_num_queries):
    drugs, hanoi, hoan_kiem = category("drug-trafficking"), province(HANOI), commune(HOAN_KIEM)
    route_tip(category=drugs, province=hanoi, commune=hoan_kiem, day=TODAY)
    with django_assert_num_queries(0):
        result = route_tip(category=drugs, province=hanoi, commune=hoan_kiem, day=TODAY)
    assert [r.org_unit.code for r in result.routes] == [HOAN_KIEM_POLICE, HANOI_POLICE]


def test_a_rule_added_in_the_admin_applies_to_the_next_tip_at_once():
    # Given a process that routed a tip and keeps the table in memory
    assert route("cybercrime", HANOI, HOAN_KIEM).primary.org_unit.code == HOAN_KIEM_POLICE
    # When an administrator adds a rule
    cybercrime_to_the_province()
    # Then the very next tip follows it
    assert route("cybercrime", HANOI, HOAN_KIEM).primary.org_unit.code == HANOI_POLICE


def test_a_rule_change_that_rolls_back_leaves_nothing_in_the_kept_table():
    route("cybercrime", HANOI, HOAN_KIEM)

    # Given a rule added in a transaction that fails after routing a tip with it
    def failing_change() -> None:
        with transaction.atomic():
            cybercrime_to_the_province()
            assert route("cybercrime", HANOI, HOAN_KIEM).primary.org_unit.code == HANOI_POLICE
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_change()
    # Then the rule is gone for the next tip too
    assert route("cybercrime", HANOI, HOAN_KIEM).primary.org_unit.code == HOAN_KIEM_POLICE


def test_a_change_that_sends_no_signal_is_seen_within_seconds(monkeypatch):
    assert route("drug-trafficking", HANOI, HOAN_KIEM).information != ()
    # Given the copy rule switched off behind the process's back (update() sends no signal)
    RoutingRule.objects.filter(only_serious=True).update(active=False)
    # When the kept copy is older than its maximum age
    later = process_cache._clock() + process_cache.REFERENCE_MAX_AGE + 1
    monkeypatch.setattr(process_cache, "_clock", lambda: later)
    # Then the table is read again
    assert route("drug-trafficking", HANOI, HOAN_KIEM).information == ()


def test_a_police_unit_closed_in_the_admin_is_skipped_at_once():
    assert route("theft", HANOI, HOAN_KIEM).primary.org_unit.code == HOAN_KIEM_POLICE
    unit = OrgUnit.objects.get(code=HOAN_KIEM_POLICE)
    unit.valid_to = dt.date(2026, 1, 1)
    unit.save()
    assert route("theft", HANOI, HOAN_KIEM).primary.org_unit.code == HANOI_POLICE


def test_the_reason_is_vietnamese_whatever_the_senders_language():
    with translation.override("en"):
        in_english_session = route("theft", HANOI, HOAN_KIEM).primary.reason
    with translation.override("vi"):
        in_vietnamese_session = route("theft", HANOI, HOAN_KIEM).primary.reason
    assert in_english_session == in_vietnamese_session


def test_place_names_read_as_in_a_sentence():
    assert place_name(commune(HOAN_KIEM)) == "phường Hoàn Kiếm"
    assert place_name(province(HANOI)) == "thành phố Hà Nội"
    assert place_name(commune(BAT_XAT)) == "xã Bát Xát"


def test_police_unit_of_a_place_on_a_day():
    unit = police_unit_of(commune(HOAN_KIEM), TODAY)
    assert unit is not None
    assert unit.code == HOAN_KIEM_POLICE
    # Before the 2025 reform the commune (and its police unit) did not exist yet
    assert police_unit_of(commune(HOAN_KIEM), dt.date(2025, 6, 30)) is None
