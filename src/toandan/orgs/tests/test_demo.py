from __future__ import annotations

import pytest

from toandan.orgs.demo import DEMO_BRANCHES, load_demo
from toandan.orgs.models import OrgLevel, OrgUnit

pytestmark = pytest.mark.django_db


def test_demo_branches_are_created_once():
    first = load_demo()
    second = load_demo()

    branches = OrgUnit.objects.filter(level=OrgLevel.BRANCH)
    assert branches.count() == len(DEMO_BRANCHES)
    assert first.startswith(f"{len(DEMO_BRANCHES)} branches created")
    assert second.startswith("0 branches created")
    branch = branches.get(name="Chi hội Phụ nữ tổ dân phố số 5")
    assert branch.parent is not None
    assert branch.parent.name == "Hội LHPN phường Hoàn Kiếm"
