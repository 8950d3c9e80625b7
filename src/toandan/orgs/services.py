"""Writes to the organisation tree.

Every unit keeps a materialised path of ids ("/1/40/812/") and its depth, so a jurisdiction is
one prefix query. The functions here are the only place that sets them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.audit.services import audit_record
from toandan.core.text import search_key
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.geo.services import GeoLoadResult
from toandan.orgs.audit_actions import OrgsAction
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit

Actor = AbstractBaseUser | AnonymousUser | None

BRANCH_NAME_MIN_LENGTH = 3
_SPACES = re.compile(r"\s+")


def _child_path(parent: OrgUnit | None, pk: int) -> str:
    return f"{parent.path if parent else '/'}{pk}/"


def reform_date() -> dt.date:
    """The day the two-level local government began (Resolution 202/2025/QH15)."""
    return dt.date.fromisoformat(str(settings.TOANDAN_GEO_REFORM_DATE))


@transaction.atomic
def org_unit_create(
    *,
    actor: Actor,
    kind: str,
    level: str,
    code: str,
    name: str,
    parent: OrgUnit | None,
    admin_unit: AdminUnit | None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    is_remote: bool = False,
    reason: str = "",
) -> OrgUnit:
    """Create one unit under `parent`, with its path and depth."""
    unit = OrgUnit(
        kind=kind,
        level=level,
        code=code,
        name=name,
        search_name=search_key(name),
        parent=parent,
        admin_unit=admin_unit,
        valid_from=valid_from,
        valid_to=valid_to,
        is_remote=is_remote,
        depth=parent.depth + 1 if parent else 0,
        # Replaced right after the insert, when the id is known.
        path="/",
    )
    unit.full_clean(exclude=["path"])
    unit.save(force_insert=True)
    unit.path = _child_path(parent, unit.pk)
    unit.save(update_fields=["path"])
    audit_record(
        actor=actor,
        action=OrgsAction.UNIT_CREATE,
        target=unit,
        reason=reason,
        data={"code": code, "name": name, "kind": kind, "level": level},
    )
    return unit


@transaction.atomic
def org_unit_update(
    *,
    actor: Actor,
    unit: OrgUnit,
    name: str | None = None,
    parent: OrgUnit | None = None,
    is_remote: bool | None = None,
    valid_from: dt.date | None = None,
    reason: str = "",
) -> OrgUnit:
    """Rename a unit, flag it remote, or move it (with its whole subtree) under another parent."""
    changes: dict[str, object] = {}
    if name is not None and name != unit.name:
        changes["name"] = [unit.name, name]
        unit.name = name
        unit.search_name = search_key(name)
    if is_remote is not None and is_remote != unit.is_remote:
        changes["is_remote"] = [unit.is_remote, is_remote]
        unit.is_remote = is_remote
    if valid_from is not None and valid_from != unit.valid_from:
        changes["valid_from"] = [
            unit.valid_from.isoformat() if unit.valid_from else None,
            valid_from.isoformat(),
        ]
        unit.valid_from = valid_from
    old_path = unit.path
    if parent is not None and parent.pk != unit.parent_id:
        if parent.path.startswith(old_path):
            raise ValidationError({"parent": _("A unit cannot be moved under itself.")})
        changes["parent"] = [unit.parent_id, parent.pk]
        unit.parent = parent
        unit.path = _child_path(parent, unit.pk)
        depth_delta = parent.depth + 1 - unit.depth
        unit.depth = parent.depth + 1
        # Rewrite the prefix of every descendant in one statement.
        OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_delta,
        )
    if not changes:
        return unit
    unit.full_clean(exclude=["path"])
    unit.save()
    audit_record(
        actor=actor, action=OrgsAction.UNIT_UPDATE, target=unit, reason=reason, data=changes
    )
    return unit


def _normalise_name(name: str) -> str:
    return _SPACES.sub(" ", name).strip()


@transaction.atomic
def org_branch_add(
    *, actor: AbstractBaseUser, parent: OrgUnit, name: str, reason: str = ""
) -> OrgUnit:
    """Add a branch (chi hội) under a commune Women's Union: branches are below the commune in
    the Union's charter. The tree's rules only: who may add one is for the caller to check
    (`toandan.accounts.units.services.org_branch_create`, the one caller).
    """
    # Serialise branch creation under one parent so two cadres don't get the same code.
    parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    if parent.kind != OrgKind.WOMENS_UNION or parent.level != OrgLevel.COMMUNE:
        raise ValidationError(
            {"parent": _("Branches can only be created under a commune Women's Union.")}
        )
    if parent.valid_to is not None and parent.valid_to < timezone.localdate():
        raise ValidationError({"parent": _("This unit has been closed.")})
    name = _normalise_name(name)
    if len(name) < BRANCH_NAME_MIN_LENGTH:
        raise ValidationError({"name": _("Enter the branch's name (at least 3 characters).")})
    key = search_key(name)
    siblings = parent.children.filter(level=OrgLevel.BRANCH, valid_to__isnull=True)
    if siblings.filter(search_name=key).exists():
        raise ValidationError(
            {
                "name": _("%(parent)s already has a branch named “%(name)s”.")
                % {"parent": parent.name, "name": name}
            }
        )
    return org_unit_create(
        actor=actor,
        kind=OrgKind.WOMENS_UNION,
        level=OrgLevel.BRANCH,
        code=next_branch_code(parent),
        name=name,
        parent=parent,
        admin_unit=parent.admin_unit,
        valid_from=timezone.localdate(),
        reason=reason or "branch created by the commune Women's Union",
    )


def next_branch_code(parent: OrgUnit) -> str:
    """ "PN-01-00070-CH3": the parent's code and the next free branch number."""
    prefix = f"{parent.code}-CH"
    codes = OrgUnit.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


# --- Units created from the geography -------------------------------------------------------


@dataclass(frozen=True)
class _KindNaming:
    code_prefix: str
    name_prefix: str


# Police and the Women's Union have a unit in every province and commune.
_LOCAL_KINDS: dict[str, _KindNaming] = {
    OrgKind.POLICE: _KindNaming("CA", "Công an"),
    OrgKind.WOMENS_UNION: _KindNaming("PN", "Hội LHPN"),
}

CENTRAL_UNITS: list[tuple[str, str, str]] = [
    ("CA-TW", OrgKind.POLICE, "Bộ Công an"),
    ("PN-TW", OrgKind.WOMENS_UNION, "Trung ương Hội Liên hiệp Phụ nữ Việt Nam"),
    ("MT-TW", OrgKind.FATHERLAND_FRONT, "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"),
    ("BP-TW", OrgKind.BORDER_GUARD, "Bộ Tư lệnh Bộ đội Biên phòng"),
]


def local_unit_name(kind: str, admin_unit: AdminUnit) -> str:
    """ "Công an thành phố Hà Nội", "Hội LHPN phường Hoàn Kiếm", "Công an đặc khu Côn Đảo"."""
    unit_type = admin_unit.unit_type.strip() or admin_unit.name.removesuffix(admin_unit.short_name)
    return f"{_LOCAL_KINDS[kind].name_prefix} {unit_type.strip().lower()} {admin_unit.short_name}"


def province_unit_code(kind: str, province_code: str, *, legacy: bool = False) -> str:
    return f"{_LOCAL_KINDS[kind].code_prefix}-{'L' if legacy else ''}{province_code}"


def commune_unit_code(kind: str, province_code: str, commune_code: str) -> str:
    return f"{_LOCAL_KINDS[kind].code_prefix}-{province_code}-{commune_code}"


def _fill_paths() -> None:
    """Give the freshly inserted units (path still empty) their path, in one UPDATE: the
    parent's path plus the unit's own id. Parents are always filled before their children."""
    parent_path = OrgUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    OrgUnit.objects.filter(path="", parent__isnull=False).update(
        path=Concat(
            Subquery(parent_path, output_field=CharField()),
            Cast("id", output_field=CharField()),
            Value("/"),
        )
    )


def _insert(units: list[OrgUnit]) -> int:
    if units:
        OrgUnit.objects.bulk_create(units, batch_size=1000)
        _fill_paths()
    return len(units)


def org_units_sync_on_geography_loaded(result: GeoLoadResult) -> None:
    """Subscriber of `toandan.geo.events.GEOGRAPHY_LOADED` (see OrgsConfig.ready)."""
    result.org_units = org_units_sync_with_geography()


def org_units_sync_with_geography() -> int:
    """Create the police and Women's Union units of every province and commune, and the
    central units above them. Returns how many units were created.

    Current units (34 provinces, 3,321 communes) are valid from the reform date (01/07/2025,
    Resolution 202/2025/QH15); the 63 legacy provinces get province-level units valid until the
    day before, because figures of 2019–2024 belong to them. Idempotent: units are looked up by
    their stable code, and a re-run only renames units whose administrative unit was renamed.
    """
    with transaction.atomic():
        created = _sync()
        if created:
            audit_record(
                actor=None,
                action=OrgsAction.UNITS_SYNC,
                object_type="orgs.orgunit",
                reason="organisation units created from the administrative geography",
                data={"created": created},
            )
    return created


def _sync() -> int:
    start = reform_date()
    legacy_end = start - dt.timedelta(days=1)
    existing: dict[str, OrgUnit] = {
        u.code: u
        for u in OrgUnit.objects.only("id", "code", "name", "path", "depth", "admin_unit_id")
    }
    created = 0

    def add(unit: OrgUnit, batch: list[OrgUnit], renames: list[OrgUnit]) -> None:
        current = existing.get(unit.code)
        if current is None:
            batch.append(unit)
        elif current.name != unit.name or current.admin_unit_id != unit.admin_unit_id:
            current.name = unit.name
            current.search_name = unit.search_name
            current.admin_unit_id = unit.admin_unit_id
            renames.append(current)

    def new_unit(
        code: str, kind: str, level: str, name: str, parent: OrgUnit | None, **extra: object
    ) -> OrgUnit:
        return OrgUnit(
            code=code,
            kind=kind,
            level=level,
            name=name,
            search_name=search_key(name),
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            path="",
            **extra,
        )

    renames: list[OrgUnit] = []

    # 1. Central units: the roots.
    batch: list[OrgUnit] = []
    for code, kind, name in CENTRAL_UNITS:
        add(new_unit(code, kind, OrgLevel.CENTRAL, name, None), batch, renames)
    if batch:
        OrgUnit.objects.bulk_create(batch)
        OrgUnit.objects.filter(parent__isnull=True, path="").update(
            path=Concat(Value("/"), Cast("id", output_field=CharField()), Value("/"))
        )
        created += len(batch)
    central = {
        u.kind: u for u in OrgUnit.objects.filter(code__in=[c for c, _k, _n in CENTRAL_UNITS])
    }

    # 2. Province units, current and legacy.
    batch = []
    provinces = AdminUnit.objects.filter(level=Level.PROVINCE).only(
        "id", "generation", "code", "name", "short_name", "unit_type"
    )
    for province in provinces:
        legacy = province.generation == Generation.LEGACY
        for kind in _LOCAL_KINDS:
            add(
                new_unit(
                    province_unit_code(kind, province.code, legacy=legacy),
                    kind,
                    OrgLevel.PROVINCE,
                    local_unit_name(kind, province),
                    central[kind],
                    admin_unit=province,
                    valid_from=None if legacy else start,
                    valid_to=legacy_end if legacy else None,
                ),
                batch,
                renames,
            )
    created += _insert(batch)

    # 3. Current communes, under their province's unit of the same kind.
    province_units = {
        (u.kind, u.admin_unit_id): u
        for u in OrgUnit.objects.filter(
            level=OrgLevel.PROVINCE,
            admin_unit__generation=Generation.CURRENT,
            kind__in=list(_LOCAL_KINDS),
        )
    }
    batch = []
    communes = (
        AdminUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE)
        .select_related("parent")
        .only("id", "code", "name", "short_name", "unit_type", "parent__id", "parent__code")
    )
    for commune in communes:
        province_of_commune = commune.parent
        if province_of_commune is None:
            continue
        for kind in _LOCAL_KINDS:
            parent = province_units.get((kind, province_of_commune.pk))
            if parent is None:
                continue
            add(
                new_unit(
                    commune_unit_code(kind, province_of_commune.code, commune.code),
                    kind,
                    OrgLevel.COMMUNE,
                    local_unit_name(kind, commune),
                    parent,
                    admin_unit=commune,
                    valid_from=start,
                ),
                batch,
                renames,
            )
    created += _insert(batch)

    if renames:
        OrgUnit.objects.bulk_update(renames, ["name", "search_name", "admin_unit"], batch_size=1000)
    return created
