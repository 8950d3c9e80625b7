"""`toandan users import FILE.csv`: a province provisions its officers in bulk."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from toandan.accounts.models import GrantStatus, RoleAssignment, RoleGrant, User
from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, make_user
from toandan.audit.models import AuditEvent
from toandan.orgs.models import OrgLevel, OrgUnit

pytestmark = pytest.mark.django_db

HEADER = "username,full_name,email,role,org_unit_code\n"


def write_csv(tmp_path: Path, body: str, header: str = HEADER) -> str:
    path = tmp_path / "users.csv"
    path.write_text(header + body, encoding="utf-8")
    return str(path)


def asked() -> set[tuple[str, str, str]]:
    """(username, role, unit) of the roles that wait for a second administrator."""
    return set(
        RoleGrant.objects.filter(status=GrantStatus.PENDING).values_list(
            "user__username", "role", "org_unit__code"
        )
    )


def run_import(path: str, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("users", "import", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_creates_accounts_with_roles_and_one_time_passwords(tmp_path):
    path = write_csv(
        tmp_path,
        "ca.hk.01,Nguyễn Văn Bình,binh@ca.gov.vn,police_officer,CA-01-00070\n"
        "ca.bd.01,Trần Thị Hoa,,Cán bộ Công an,CA-01-00004\n"
        "pn.hk.01,Lê Thị Thu,thu@hlhpn.vn,union_cadre,pn-01-00070\n",
    )

    out, _err = run_import(path)

    assert User.objects.filter(username__in=["ca.hk.01", "ca.bd.01", "pn.hk.01"]).count() == 3
    binh = User.objects.get(username="ca.hk.01")
    assert binh.full_name == "Nguyễn Văn Bình"
    assert binh.must_change_password
    roles = set(RoleAssignment.objects.values_list("user__username", "role", "org_unit__code"))
    assert roles == {("pn.hk.01", "union_cadre", "PN-01-00070")}
    # Police roles open tips: they wait for a second administrator's approval.
    assert asked() == {
        ("ca.hk.01", "police_officer", "CA-01-00070"),
        ("ca.bd.01", "police_officer", "CA-01-00004"),
    }
    assert "2 role(s) that open tips" in out or "2 vai trò" in out
    assert AuditEvent.objects.filter(action="accounts.user.create").count() == 3
    # The one-time password printed once logs the officer in, straight to the password page.
    password = re.search(r"ca\.hk\.01 — .*: (\S+)", out)
    assert password is not None
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "ca.hk.01", "password": password.group(1)}
    )
    assert response["Location"] == "/accounts/password/"


def test_bad_rows_are_reported_by_line_number_and_nothing_is_imported(tmp_path):
    path = write_csv(
        tmp_path,
        "ca.ok.01,Nguyễn Văn Bình,binh@ca.gov.vn,police_officer,CA-01-00070\n"  # line 2
        "ca.bad.01,Trần Văn C,,thu_ky,CA-01-00070\n"  # line 3: unknown role
        "ca.bad.02,Trần Văn D,,police_officer,CA-99-99999\n"  # line 4: unknown unit
        "ca.bad.03,Trần Văn E,not-an-email,police_officer,CA-01-00070\n"  # line 5
        "ca.ok.01,Nguyễn Văn Bình,,police_officer,CA-01-00070\n"  # line 6: duplicate
        "ca.bad.04,Trần Văn G,,police_officer,PN-01-00070\n"  # line 7: police in the Union
        "ca.bad.05,,,police_officer,CA-01-00070\n",  # line 8: no name
    )
    events_before = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="không nhập gì"):
        run_import(path)

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("users", "import", path, stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert "dòng 3:" in report
    assert "thu_ky" in report
    assert "dòng 4:" in report
    assert "CA-99-99999" in report
    assert "dòng 5:" in report
    assert "not-an-email" in report
    assert "dòng 6:" in report
    assert "dòng 2" in report.split("dòng 6:")[1].splitlines()[0]
    assert "dòng 7:" in report
    assert "dòng 8:" in report
    assert "dòng 2:" not in report
    assert not User.objects.filter(username__startswith="ca.ok").exists()
    assert not User.objects.filter(username__startswith="ca.bad").exists()
    assert AuditEvent.objects.count() == events_before


def test_a_weak_password_in_the_file_is_a_bad_row(tmp_path):
    path = write_csv(
        tmp_path,
        "ca.hk.01,Nguyễn Văn Bình,,police_officer,CA-01-00070,matkhau\n",
        header="username,full_name,email,role,org_unit_code,password\n",
    )
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("users", "import", path, stdout=StringIO(), stderr=err)

    assert "dòng 2: mật khẩu:" in err.getvalue()


def test_a_missing_column_is_reported_on_line_1(tmp_path):
    path = write_csv(tmp_path, "ca.hk.01,Nguyễn Văn Bình\n", header="username,full_name\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("users", "import", path, stdout=StringIO(), stderr=err)

    assert "dòng 1:" in err.getvalue()
    assert "role" in err.getvalue()


def test_existing_accounts_are_updated_and_get_the_new_role(tmp_path):
    user = make_user("ca.hk.01", "police_officer", HOAN_KIEM_POLICE, full_name="Nguyen Van Binh")
    old_password = user.password
    path = write_csv(
        tmp_path, "ca.hk.01,Nguyễn Văn Bình,binh@ca.gov.vn,police_leader,CA-01-00070\n"
    )

    out, _err = run_import(path)

    user.refresh_from_db()
    assert user.full_name == "Nguyễn Văn Bình"
    assert user.email == "binh@ca.gov.vn"
    assert user.password == old_password  # no password column: the password is kept
    assert set(user.role_assignments.values_list("role", flat=True)) == {"police_officer"}
    assert asked() == {("ca.hk.01", "police_leader", "CA-01-00070")}
    assert "cập nhật ca.hk.01" in out
    assert AuditEvent.objects.filter(action="accounts.user.update").count() == 1


def test_replace_roles_ends_the_old_role_at_once(tmp_path):
    user = make_user("ca.hk.01", "police_officer", HOAN_KIEM_POLICE)
    path = write_csv(tmp_path, "ca.hk.01,Nguyễn Văn Bình,,police_officer,CA-01-00004\n")

    run_import(path, "--replace-roles")
    from toandan.accounts.grants import role_grant_decide
    from toandan.accounts.selectors import active_role_assignments

    assert list(active_role_assignments(User.objects.get(pk=user.pk))) == []
    role_grant_decide(
        actor=make_user("quantri", is_superuser=True),
        grant=RoleGrant.objects.get(user=user),
        approve=True,
    )

    active = [(a.role, a.org_unit.code) for a in active_role_assignments(user)]
    assert active == [("police_officer", "CA-01-00004")]
    assert AuditEvent.objects.filter(action="accounts.role.end").count() == 1


def test_dry_run_writes_nothing(tmp_path):
    path = write_csv(tmp_path, "ca.hk.01,Nguyễn Văn Bình,,police_officer,CA-01-00070\n")

    out, _err = run_import(path, "--dry-run")

    assert "Chạy thử" in out
    assert not User.objects.filter(username="ca.hk.01").exists()


def test_unusable_password_option_creates_accounts_that_cannot_log_in_with_a_password(tmp_path):
    path = write_csv(tmp_path, "ca.hk.01,Nguyễn Văn Bình,,police_officer,CA-01-00070\n")

    out, _err = run_import(path, "--set-unusable-password")

    assert "mật khẩu dùng một lần" not in out
    assert not User.objects.get(username="ca.hk.01").has_usable_password()


def test_hundreds_of_rows_import_in_bulk(tmp_path):
    communes = list(
        OrgUnit.objects.filter(code__startswith="CA-01-", level=OrgLevel.COMMUNE).values_list(
            "code", flat=True
        )[:100]
    )
    rows = "".join(
        f"ca.hn.{i:03d},Cán bộ số {i},,police_officer,{communes[i % len(communes)]}\n"
        for i in range(300)
    )
    path = write_csv(tmp_path, rows)

    with CaptureQueriesContext(connection) as queries:
        run_import(path)

    assert User.objects.filter(username__startswith="ca.hn.").count() == 300
    assert RoleGrant.objects.filter(user__username__startswith="ca.hn.").count() == 300
    # Users and roles are inserted in bulk; what grows with the rows is the audit chain
    # (about 3 statements per event, 2 events per new officer).
    assert len(queries) < 300 * 2 * 3 + 50


def test_a_username_in_other_case_updates_the_existing_account(tmp_path):
    """ "CA.HK.09" in the file is the officer "ca.hk.09" who already has an account."""
    existing = make_user("ca.hk.09", "police_officer", HOAN_KIEM_POLICE)
    path = write_csv(tmp_path, "CA.HK.09,Nguyễn Văn Chín,,police_officer,CA-01-00004\n")

    run_import(path)

    assert User.objects.filter(username__iexact="ca.hk.09").count() == 1
    roles = set(
        RoleAssignment.objects.filter(user=existing).values_list("org_unit__code", flat=True)
    )
    assert roles == {HOAN_KIEM_POLICE}
    assert asked() == {("ca.hk.09", "police_officer", "CA-01-00004")}
