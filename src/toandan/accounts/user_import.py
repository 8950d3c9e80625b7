"""Bulk creation and update of staff accounts from a CSV file (`toandan users import`).

A province provisions hundreds of officers at once. Every row is checked before anything is
written; if one row is bad, the report names each bad row by its line number and nothing is
imported. The import itself is one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from toandan.accounts.audit_actions import AccountsAction
from toandan.accounts.grants import needs_second_approval, role_grants_request_bulk
from toandan.accounts.models import ROLE_UNIT_KINDS, Role, RoleAssignment, User
from toandan.accounts.passwords import one_time_password_generate, one_time_password_hash
from toandan.audit.services import audit_record
from toandan.core.text import search_key
from toandan.orgs.models import OrgUnit

REQUIRED_COLUMNS = ("username", "full_name", "email", "role", "org_unit_code")
OPTIONAL_COLUMNS = ("password",)


class PasswordMode(Enum):
    """What a new account without a password in the file gets."""

    GENERATE = "generate"  # a one-time password, printed once; must be changed at first login
    UNUSABLE = "unusable"  # no password at all (e.g. a later single sign-on)


@dataclass(frozen=True)
class ImportRow:
    line: int
    username: str
    full_name: str
    email: str
    role: str
    org_unit_code: str
    password: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    # (username, one-time password or "")
    created: list[tuple[str, str]] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    roles_assigned: int = 0
    roles_ended: int = 0
    # Roles that read tips or reveal tipsters, waiting for another administrator's approval.
    roles_pending: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _role_lookup() -> dict[str, str]:
    """Role codes and their labels in both languages, accent- and case-insensitively."""
    lookup: dict[str, str] = {}
    for role in Role:
        lookup[search_key(role.value)] = role.value
        lookup[search_key(role.value.replace("_", " "))] = role.value
        for language in ("en", "vi"):
            with translation.override(language):
                lookup[search_key(str(role.label))] = role.value
    return lookup


def users_csv_parse(stream: TextIO) -> tuple[list[ImportRow], list[RowError]]:
    """Read the file; errors here are about its shape (header, column count)."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, _("the file is empty"))]
    columns = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return [], [
            RowError(1, _("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
        ]
    index = {
        name: columns.index(name)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        if name in columns
    }
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(columns):
            errors.append(
                RowError(
                    line,
                    _("expected %(expected)d values, found %(found)d")
                    % {"expected": len(columns), "found": len(values)},
                )
            )
            continue

        def value(name: str, values: list[str] = values) -> str:
            position = index.get(name)
            return values[position].strip() if position is not None else ""

        rows.append(
            ImportRow(
                line=line,
                # Usernames are compared without case everywhere (login throttle, duplicates),
                # so "CA.HoanKiem" must update "ca.hoankiem", never create a second account.
                username=value("username").lower(),
                full_name=" ".join(value("full_name").split()),
                email=value("email"),
                role=value("role"),
                org_unit_code=value("org_unit_code").upper(),
                # Passwords are taken as typed: spaces may be part of them.
                password=values[index["password"]] if "password" in index else "",
            )
        )
    return rows, errors


@dataclass(frozen=True)
class _CheckedRow:
    row: ImportRow
    role: str
    unit: OrgUnit


@dataclass
class _Context:
    roles: dict[str, str]
    units: dict[str, OrgUnit]
    existing: dict[str, User]
    today: dt.date
    seen: dict[str, int] = field(default_factory=dict)


def _check_rows(
    rows: list[ImportRow], errors: list[RowError]
) -> tuple[list[_CheckedRow], dict[str, User]]:
    context = _Context(
        roles=_role_lookup(),
        units={u.code: u for u in OrgUnit.objects.filter(code__in={r.org_unit_code for r in rows})},
        existing={
            u.username.lower(): u
            for u in User.objects.annotate(username_lower=Lower("username")).filter(
                username_lower__in={r.username for r in rows}
            )
        },
        today=timezone.localdate(),
    )
    checked: list[_CheckedRow] = []
    for row in rows:
        problems = _username_problems(row, context)
        problems += _person_problems(row)
        role = context.roles.get(search_key(row.role), "")
        unit = context.units.get(row.org_unit_code)
        problems += _role_problems(row, role, unit, context.today)
        problems += _password_problems(row, context)
        if problems:
            errors.extend(RowError(row.line, problem) for problem in problems)
        elif unit is not None:
            checked.append(_CheckedRow(row, role, unit))
    return checked, context.existing


_username_validator = UnicodeUsernameValidator()


def _username_problems(row: ImportRow, context: _Context) -> list[str]:
    if not row.username:
        return [_("the username is empty")]
    problems = []
    try:
        _username_validator(row.username)
    except ValidationError:
        problems.append(
            _("the username “%(username)s” may only contain letters, digits and @ . + - _")
            % {"username": row.username}
        )
    if len(row.username) > 150:
        problems.append(_("the username is longer than 150 characters"))
    first = context.seen.get(row.username.lower())
    if first is not None:
        problems.append(
            _("the username “%(username)s” is already on line %(line)d")
            % {"username": row.username, "line": first}
        )
    else:
        context.seen[row.username.lower()] = row.line
    return problems


def _person_problems(row: ImportRow) -> list[str]:
    problems = []
    if not row.full_name:
        problems.append(_("the full name is empty"))
    elif len(row.full_name) > 150:
        problems.append(_("the full name is longer than 150 characters"))
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            problems.append(_("“%(email)s” is not a valid email address") % {"email": row.email})
    return problems


def _role_problems(row: ImportRow, role: str, unit: OrgUnit | None, today: dt.date) -> list[str]:
    problems = []
    if not role:
        problems.append(_("unknown role “%(role)s”") % {"role": row.role})
    if unit is None:
        problems.append(_("unknown unit code “%(code)s”") % {"code": row.org_unit_code})
        return problems
    if unit.valid_to is not None and unit.valid_to < today:
        problems.append(
            _("the unit “%(unit)s” closed on %(date)s")
            % {"unit": unit.name, "date": unit.valid_to.strftime("%d/%m/%Y")}
        )
    kinds = ROLE_UNIT_KINDS.get(role)
    if kinds and unit.kind not in kinds:
        problems.append(
            _("the role “%(role)s” cannot be held in “%(unit)s”")
            % {"role": Role(role).label, "unit": unit.name}
        )
    return problems


def _password_problems(row: ImportRow, context: _Context) -> list[str]:
    if not row.password:
        return []
    candidate = context.existing.get(row.username) or User(
        username=row.username, email=row.email, full_name=row.full_name
    )
    try:
        validate_password(row.password, user=candidate)
    except ValidationError as error:
        return [_("password: %(reason)s") % {"reason": m} for m in error.messages]
    return []


def users_import(
    *,
    actor: User | None,
    rows: list[ImportRow],
    password_mode: PasswordMode = PasswordMode.GENERATE,
    replace_roles: bool = False,
    dry_run: bool = False,
    parse_errors: Iterable[RowError] = (),
) -> ImportResult:
    """Create the accounts that do not exist and update those that do (name, email, password
    when given), and give each its row's role in its row's unit.

    Roles are added; with `replace_roles`, the account's other open roles end yesterday, so
    an officer moved to another commune loses the old one at once.
    """
    result = ImportResult(dry_run=dry_run, errors=list(parse_errors))
    checked, existing = _check_rows(rows, result.errors)
    if result.errors:
        result.errors.sort(key=lambda e: e.line)
        return result
    if dry_run:
        for item in checked:
            user = existing.get(item.row.username)
            if user is None:
                result.created.append((item.row.username, ""))
            elif _user_changes(user, item.row):
                result.updated.append(item.row.username)
            else:
                result.unchanged.append(item.row.username)
        return result
    with transaction.atomic():
        _apply(
            actor=actor,
            checked=checked,
            existing=existing,
            password_mode=password_mode,
            replace_roles=replace_roles,
            result=result,
        )
    return result


def _user_changes(user: User, row: ImportRow) -> list[str]:
    changes = []
    if user.full_name != row.full_name:
        changes.append("full_name")
    if row.email and user.email != row.email:
        changes.append("email")
    if row.password:
        changes.append("password")
    return changes


def _apply(
    *,
    actor: User | None,
    checked: list[_CheckedRow],
    existing: dict[str, User],
    password_mode: PasswordMode,
    replace_roles: bool,
    result: ImportResult,
) -> None:
    new_users: list[User] = []
    one_time: dict[str, str] = {}
    to_update: list[User] = []
    changes_of: dict[str, list[str]] = {}
    for item in checked:
        row = item.row
        user = existing.get(row.username)
        if user is None:
            if row.password:
                password = make_password(row.password)
            elif password_mode is PasswordMode.GENERATE:
                one_time[row.username] = one_time_password_generate()
                password = one_time_password_hash(one_time[row.username])
            else:
                password = make_password(None)
            new_users.append(
                User(
                    username=row.username,
                    full_name=row.full_name,
                    email=row.email,
                    password=password,
                    must_change_password=bool(row.password or row.username in one_time),
                )
            )
            continue
        changes = _user_changes(user, row)
        changes_of[row.username] = changes
        if not changes:
            continue
        user.full_name = row.full_name
        user.email = row.email or user.email
        if row.password:
            user.password = make_password(row.password)
            user.must_change_password = True
        to_update.append(user)

    User.objects.bulk_create(new_users, batch_size=500)
    if to_update:
        User.objects.bulk_update(
            to_update, ["full_name", "email", "password", "must_change_password"], batch_size=500
        )
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[item.row.username for item in checked])
    }
    for user in new_users:
        saved = users[user.username]
        result.created.append((user.username, one_time.get(user.username, "")))
        audit_record(
            actor=actor,
            action=AccountsAction.USER_CREATE,
            target=saved,
            reason="users import",
            data={"username": saved.username, "full_name": saved.full_name},
        )
    for username, changes in changes_of.items():
        if changes:
            result.updated.append(username)
            audit_record(
                actor=actor,
                action=AccountsAction.USER_UPDATE,
                target=users[username],
                reason="users import",
                data={"username": username, "fields": changes},
            )
        else:
            result.unchanged.append(username)
    _apply_roles(actor, checked, users, replace_roles, result)


def _apply_roles(
    actor: User | None,
    checked: list[_CheckedRow],
    users: dict[str, User],
    replace_roles: bool,
    result: ImportResult,
) -> None:
    today = timezone.localdate()
    open_assignments = list(
        RoleAssignment.objects.filter(user__in=users.values())
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("org_unit")
    )
    held = {(a.user_id, a.role, a.org_unit_id) for a in open_assignments}
    wanted = {(users[i.row.username].pk, i.role, i.unit.pk) for i in checked}
    to_give = [i for i in checked if (users[i.row.username].pk, i.role, i.unit.pk) not in held]
    # A role that reads tips or reveals tipsters waits for a second administrator, whoever
    # runs the import (toandan.accounts.grants); the others are given at once.
    result.roles_pending = role_grants_request_bulk(
        actor=actor,
        wanted=[
            (users[i.row.username], i.role, i.unit)
            for i in to_give
            if needs_second_approval(i.role)
        ],
        valid_from=today,
        reason="users import",
    )
    new_assignments = [
        RoleAssignment(user=users[i.row.username], role=i.role, org_unit=i.unit, valid_from=today)
        for i in to_give
        if not needs_second_approval(i.role)
    ]
    RoleAssignment.objects.bulk_create(new_assignments, batch_size=500)
    for assignment in new_assignments:
        audit_record(
            actor=actor,
            action=AccountsAction.ROLE_ASSIGN,
            object_type="accounts.roleassignment",
            object_id=f"{assignment.user.username}:{assignment.role}:{assignment.org_unit.code}",
            reason="users import",
            data={
                "user": assignment.user.username,
                "role": assignment.role,
                "org_unit": assignment.org_unit.code,
            },
        )
    result.roles_assigned = len(new_assignments)
    if not replace_roles:
        return
    yesterday = today - dt.timedelta(days=1)
    to_end = [a for a in open_assignments if (a.user_id, a.role, a.org_unit_id) not in wanted]
    end_of: dict[int, dt.date] = {}
    for assignment in to_end:
        end_of[assignment.pk] = max(yesterday, assignment.valid_from - dt.timedelta(days=1))
        assignment.valid_to = end_of[assignment.pk]
    RoleAssignment.objects.bulk_update(to_end, ["valid_to"], batch_size=500)
    names = {u.pk: u.username for u in users.values()}
    for assignment in to_end:
        audit_record(
            actor=actor,
            action=AccountsAction.ROLE_END,
            target=assignment,
            reason="users import (replace roles)",
            data={
                "user": names[assignment.user_id],
                "role": assignment.role,
                "org_unit": assignment.org_unit.code,
                "valid_to": end_of[assignment.pk].isoformat(),
            },
        )
    result.roles_ended = len(to_end)
