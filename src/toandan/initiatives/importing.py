"""Import the lists of models provinces keep in spreadsheets (XLSX).

Every row is checked first; any error (by row and column) and nothing is written. Otherwise
all rows are written in one transaction through the same services as the pages
(`initiative_register`, `site_add`, `team_add`), so the same rules and audit apply. The
template (`template_xlsx`) names the columns; sites and teams are given as counts, as HD 22
counts them: the extra sites take the model's commune, and the members are spread over the
teams.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives import policies
from toandan.initiatives.audit_actions import InitiativesAction
from toandan.initiatives.models import AreaKind, Theme
from toandan.orgs.models import OrgUnit
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

# (header in the template, key, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("Tên mô hình", "name", True),
    ("Mã lĩnh vực", "theme", True),
    ("Mã đơn vị chủ trì", "host_unit", True),
    ("Mã Công an phối hợp", "police_unit", False),
    ("Mã xã, phường (từ 01/07/2025)", "commune", True),
    ("Ngày bắt đầu (dd/mm/yyyy)", "started_on", True),
    ("Số điểm", "sites", False),
    ("Số tổ", "teams", False),
    ("Số thành viên", "members", False),
    ("Số quyết định", "decision_number", False),
    ("Ngày quyết định (dd/mm/yyyy)", "decision_date", False),
    ("Người liên hệ", "contact_name", False),
]
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the header of the column at fault ("" for the whole row)
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Mô hình"
    sheet.append([header for header, _key, _required in COLUMNS])
    sheet.append(
        [
            "Mô hình 'Camera an ninh' khu dân cư số 3",
            "camera",
            "PN-01-00070",
            "CA-01-00070",
            "00070",
            "15/03/2024",
            2,
            3,
            30,
            "45/QĐ-UBND",
            "10/03/2024",
            "Phạm Thị Lan",
        ]
    )
    themes = book.create_sheet("Mã lĩnh vực")
    for theme in Theme.objects.filter(active=True):
        themes.append([theme.code, theme.name])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


# A sanity bound on what one row may create (the sites and teams are written one by one).
COUNT_MAX = {"sites": 500, "teams": 2000, "members": 1_000_000}


def _count(value: Any, maximum: int) -> int | None:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 <= number <= maximum else None


def _check_row(  # noqa: PLR0912 - one check per column, in the template's order
    actor: Any, number: int, values: dict[str, Any], errors: list[RowError]
) -> dict[str, Any] | None:
    headers = {key: header for header, key, _required in COLUMNS}
    found: dict[str, Any] = {}
    before = len(errors)

    def fail(key: str, message: str) -> None:
        errors.append(RowError(number, headers[key], message))

    for header, key, required in COLUMNS:
        if required and str(values.get(key) or "").strip() == "":
            errors.append(RowError(number, header, _("Required.")))
    if len(errors) > before:
        return None
    found["name"] = " ".join(str(values["name"]).split())
    theme = Theme.objects.filter(code=str(values["theme"]).strip(), active=True).first()
    if theme is None:
        fail("theme", _("Unknown theme code."))
    found["theme"] = theme
    host = OrgUnit.objects.filter(code=str(values["host_unit"]).strip()).first()
    if host is None:
        fail("host_unit", _("Unknown unit code."))
    elif not policies.may_register(actor, host):
        fail("host_unit", _("This unit is outside your area."))
    found["host_unit"] = host
    police = None
    if str(values.get("police_unit") or "").strip():
        police = OrgUnit.objects.filter(code=str(values["police_unit"]).strip()).first()
        if police is None:
            fail("police_unit", _("Unknown unit code."))
    found["police_unit"] = police
    commune = AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.COMMUNE, code=str(values["commune"]).strip()
    ).first()
    if commune is None:
        fail("commune", _("Unknown commune code."))
    found["commune"] = commune
    for key in ("started_on", "decision_date"):
        raw = values.get(key)
        day = _date(raw) if raw not in (None, "") else None
        if raw not in (None, "") and day is None:
            fail(key, _("Write the date as dd/mm/yyyy."))
        found[key] = day
    for key in ("sites", "teams", "members"):
        count = _count(values.get(key), COUNT_MAX[key])
        if count is None:
            fail(
                key,
                _("Write a whole number from 0 to %(max)d.") % {"max": COUNT_MAX[key]},
            )
        found[key] = count or 0
    if len(errors) == before and found["teams"] and found["members"] < found["teams"]:
        fail("members", _("A team has at least one member."))
    found["decision_number"] = str(values.get("decision_number") or "").strip()
    found["contact_name"] = str(values.get("contact_name") or "").strip()
    return found if len(errors) == before else None


def import_xlsx(*, actor: Any, data: bytes) -> ImportResult:  # noqa: PLR0911, PLR0912
    """Check every row, then write all of them or none."""
    from toandan.audit.services import audit_record
    from toandan.initiatives import services

    result = ImportResult()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # Read-only books parse a sheet only when its rows are read: a broken sheet fails here.
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    except Exception:  # noqa: BLE001 - any unreadable file is the same answer to the user
        result.errors.append(RowError(0, "", _("This is not an XLSX file.")))
        return result
    if not rows:
        result.errors.append(RowError(0, "", _("The file is empty.")))
        return result
    header = [str(h or "").strip() for h in rows[0]]
    positions: dict[str, int] = {}
    for title, key, required in COLUMNS:
        if title in header:
            positions[key] = header.index(title)
        elif required:
            result.errors.append(RowError(1, title, _("This column is missing.")))
    if result.errors:
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(
            RowError(0, "", _("At most %(max)d rows per file.") % {"max": MAX_ROWS})
        )
        return result
    checked: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell in (None, "") for cell in row):
            continue
        values = {key: row[i] if i < len(row) else None for key, i in positions.items()}
        found = _check_row(actor, number, values, result.errors)
        if found is not None:
            checked.append((number, found))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, found in checked:
                try:
                    _write(services, actor, found)
                except WorkflowRefusedError as exc:
                    header_of = {key: title for title, key, _r in COLUMNS}
                    result.errors.append(
                        RowError(number, header_of.get(exc.field, ""), exc.message)
                    )
                except WorkflowAccessError:
                    result.errors.append(
                        RowError(number, COLUMNS[2][0], _("This unit is outside your area."))
                    )
            if result.errors:
                raise _RollBackError
            audit_record(
                actor=actor,
                action=InitiativesAction.IMPORT,
                object_type="initiatives.initiative",
                data={"rows": len(checked)},
            )
    except _RollBackError:
        return result
    result.created = len(checked)
    return result


class _RollBackError(Exception):
    """Raised inside the transaction so that nothing of a failed import stays."""


def _write(services: Any, actor: Any, found: dict[str, Any]) -> None:
    initiative = services.initiative_register(
        actor=actor,
        name=found["name"],
        theme=found["theme"],
        host_unit=found["host_unit"],
        police_unit=found["police_unit"],
        commune=found["commune"],
        started_on=found["started_on"],
        area_kind=AreaKind.RESIDENTIAL,
        decision_number=found["decision_number"],
        decision_date=found["decision_date"],
        contact_name=found["contact_name"],
    )
    sites = [initiative.sites.get()]
    for index in range(2, found["sites"] + 1):
        sites.append(
            services.site_add(
                actor=actor,
                initiative=initiative,
                name=_("Site %(n)d") % {"n": index},
                commune=found["commune"],
                started_on=found["started_on"],
            )
        )
    teams = found["teams"]
    for index in range(teams):
        members = found["members"] // teams + (1 if index < found["members"] % teams else 0)
        services.team_add(
            actor=actor,
            site=sites[index % len(sites)],
            name=_("Team %(n)d") % {"n": index + 1},
            member_count=members,
            started_on=found["started_on"],
        )
