"""Demo accounts: one per role, in real units, sharing the documented password.

The README lists DEMO_ACCOUNTS; the tests log in with each of them. Idempotent: an account
that exists keeps its password; a missing role assignment is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from toandan.accounts.audit_actions import AccountsAction
from toandan.accounts.grants import role_bootstrap
from toandan.accounts.models import Role, User
from toandan.audit.services import audit_record
from toandan.orgs.models import OrgUnit

DEMO_PASSWORD = "Toandan@2026"  # noqa: S105 - documented demo password, never for production


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    org_unit_code: str
    is_superuser: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "Nguyễn Quang Huy", Role.SYSTEM_ADMIN, "CA-TW", is_superuser=True),
    DemoAccount("ca.hoankiem", "Trần Văn Hùng", Role.POLICE_OFFICER, "CA-01-00070"),
    DemoAccount("ca.badinh", "Lê Minh Tuấn", Role.POLICE_OFFICER, "CA-01-00004"),
    DemoAccount("ca.hanoi", "Nguyễn Đức Thắng", Role.POLICE_LEADER, "CA-01"),
    DemoAccount("pn.hoankiem", "Phạm Thị Lan", Role.UNION_CADRE, "PN-01-00070"),
    DemoAccount("pn.hanoi", "Đỗ Thị Hương", Role.UNION_LEADER, "PN-01"),
    DemoAccount("thidua.bca", "Hoàng Văn Nam", Role.CAMPAIGN_ORGANISER, "CA-TW"),
    DemoAccount("hoidong.tw", "Vũ Thị Mai", Role.REVIEWER, "PN-TW"),
    DemoAccount("thongke.hanoi", "Bùi Thị Thu Hà", Role.ANALYST, "PN-01"),
)


def load_demo() -> str:
    units = {
        u.code: u for u in OrgUnit.objects.filter(code__in={a.org_unit_code for a in DEMO_ACCOUNTS})
    }
    existing = {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    }
    # One hash for all: hashing is deliberately slow, and the password is public anyway.
    password_hash = make_password(DEMO_PASSWORD)
    created = skipped = 0
    for account in DEMO_ACCOUNTS:
        unit = units.get(account.org_unit_code)
        if unit is None:
            skipped += 1
            continue
        user = existing.get(account.username)
        if user is None:
            user = User(
                username=account.username,
                full_name=account.full_name,
                email=f"{account.username}@demo.toandan.local",
                password=password_hash,
                is_staff=account.is_superuser,
                is_superuser=account.is_superuser,
            )
            user.save()
            audit_record(
                actor=None,
                action=AccountsAction.USER_CREATE,
                target=user,
                reason="demo data",
                data={"username": user.username},
            )
            created += 1
        # The system actor, audited (AccountsAction.ROLE_BOOTSTRAP): demo police accounts must open
        # tips without a second administrator, and nothing else in the product may do that.
        role_bootstrap(user=user, role=account.role, org_unit=unit, reason="demo data")
    summary = f"{created} accounts created, {len(existing)} already present"
    if skipped:
        summary += f", {skipped} skipped (load the geography first)"
    return f"{summary}; password {DEMO_PASSWORD}"
