from __future__ import annotations

import pytest

from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, unit
from toandan.orgs.selectors import (
    org_unit_ancestors,
    org_unit_list,
    org_unit_subtree,
    org_units_for_admin_unit,
)

pytestmark = pytest.mark.django_db


def test_subtree_of_a_province_holds_its_communes():
    hanoi = unit("CA-01")

    codes = set(org_unit_subtree(hanoi).values_list("code", flat=True))

    assert "CA-01" in codes
    assert HOAN_KIEM_POLICE in codes
    assert "CA-15-03006" not in codes
    assert "CA-01" not in set(
        org_unit_subtree(hanoi, include_self=False).values_list("code", flat=True)
    )


def test_ancestors_run_from_the_root_down():
    assert [u.code for u in org_unit_ancestors(unit(HOAN_KIEM_POLICE))] == ["CA-TW", "CA-01"]


def test_units_of_an_administrative_unit():
    commune = unit(HOAN_KIEM_POLICE).admin_unit
    assert commune is not None

    assert set(org_units_for_admin_unit(commune).values_list("code", flat=True)) == {
        "CA-01-00070",
        "PN-01-00070",
    }
    assert [u.code for u in org_units_for_admin_unit(commune, kind="police")] == [HOAN_KIEM_POLICE]


def test_search_ignores_accents_and_case(leader_hanoi):
    found = org_unit_list(leader_hanoi, query="HOAN kiem")

    assert [u.code for u in found] == [HOAN_KIEM_POLICE]
    assert [u.code for u in org_unit_list(leader_hanoi, query="Hoàn Kiếm")] == [HOAN_KIEM_POLICE]
