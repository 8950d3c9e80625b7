from __future__ import annotations

import datetime as dt

from ninja import Schema


class RoleOut(Schema):
    role: str
    role_label: str
    org_unit_id: int
    org_unit_code: str
    org_unit_name: str
    valid_from: dt.date
    valid_to: dt.date | None


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    two_factor_enrolled: bool
    is_superuser: bool
    roles: list[RoleOut]
