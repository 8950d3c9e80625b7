from __future__ import annotations

import datetime as dt

from ninja import Schema


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent_id: int | None
    admin_unit_id: int | None
    admin_unit_name: str | None
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_remote: bool

    @staticmethod
    def resolve_admin_unit_name(obj: object) -> str | None:
        admin_unit = getattr(obj, "admin_unit", None)
        return admin_unit.name if admin_unit is not None else None


class OrgUnitDetailOut(OrgUnitOut):
    parent_name: str | None
    children: list[OrgUnitOut]
