from __future__ import annotations

import pytest

from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, unit
from toandan.accounts.units.selectors import org_unit_list
from toandan.orgs.selectors import org_unit_ancestors

pytestmark = pytest.mark.django_db


def test_ancestors_run_from_the_root_down():
    assert [u.code for u in org_unit_ancestors(unit(HOAN_KIEM_POLICE))] == ["CA-TW", "CA-01"]


def test_search_ignores_accents_and_case(leader_hanoi):
    found = org_unit_list(leader_hanoi, query="HOAN kiem")

    assert [u.code for u in found] == [HOAN_KIEM_POLICE]
    assert [u.code for u in org_unit_list(leader_hanoi, query="Hoàn Kiếm")] == [HOAN_KIEM_POLICE]
