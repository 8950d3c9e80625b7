"""Demo organisation data: a few Women's Union branches (chi hội) in real communes.

The police and Women's Union units of every province and commune already exist: loading the
geography created them. Idempotent: a branch is looked up by its parent and name first.
"""

from __future__ import annotations

from toandan.core.text import search_key
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.orgs.services import next_branch_code, org_unit_create

# (code of the commune Women's Union, branch name)
DEMO_BRANCHES: list[tuple[str, str]] = [
    # Hội LHPN phường Hoàn Kiếm, Hà Nội
    ("PN-01-00070", "Chi hội Phụ nữ tổ dân phố số 5"),
    ("PN-01-00070", "Chi hội Phụ nữ tổ dân phố số 12"),
    ("PN-01-00070", "Chi hội Phụ nữ an toàn phố Hàng Bạc"),
    # Hội LHPN xã Bát Xát, Lào Cai
    ("PN-15-02683", "Chi hội Phụ nữ thôn Bản Vược"),
    ("PN-15-02683", "Chi hội Phụ nữ thôn Quang Kim"),
    # Hội LHPN xã Nam Sách, Hải Phòng
    ("PN-31-10606", "Chi hội Phụ nữ khu dân cư số 3"),
]


def load_demo() -> str:
    parents = {
        u.code: u
        for u in OrgUnit.objects.filter(
            code__in={code for code, _name in DEMO_BRANCHES},
            kind=OrgKind.WOMENS_UNION,
            level=OrgLevel.COMMUNE,
        )
    }
    created = existing = missing = 0
    for parent_code, name in DEMO_BRANCHES:
        parent = parents.get(parent_code)
        if parent is None:
            missing += 1
            continue
        if parent.children.filter(level=OrgLevel.BRANCH, search_name=search_key(name)).exists():
            existing += 1
            continue
        org_unit_create(
            actor=None,
            kind=OrgKind.WOMENS_UNION,
            level=OrgLevel.BRANCH,
            code=next_branch_code(parent),
            name=name,
            parent=parent,
            admin_unit=parent.admin_unit,
            valid_from=parent.valid_from,
            reason="demo data",
        )
        created += 1
    summary = f"{created} branches created, {existing} already present"
    if missing:
        summary += f", {missing} skipped (load the geography first)"
    return summary
