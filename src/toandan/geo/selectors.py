"""Reads of the geography: units valid on a date, the tree, successions and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from toandan.core.text import search_key
from toandan.geo.models import AdminUnit, Generation, Level, Region, Succession

# Provinces first, then districts, then communes, in search results and mixed lists.
_LEVEL_RANK = Case(
    When(level=Level.PROVINCE, then=Value(0)),
    When(level=Level.DISTRICT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def valid_on_q(day: dt.date) -> Q:
    """The units in force on `day` (an open bound means "since always" / "still")."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def units_valid_on(
    day: dt.date, level: str | None = None, parent: AdminUnit | int | None = None
) -> QuerySet[AdminUnit]:
    """Units in force on `day`, optionally of one level and/or under one parent."""
    units = AdminUnit.objects.filter(valid_on_q(day))
    if level is not None:
        units = units.filter(level=level)
    if parent is not None:
        units = units.filter(parent=parent)
    return units


def provinces_valid_on(day: dt.date) -> QuerySet[AdminUnit]:
    """The provinces in force on `day`: 63 until 30/06/2025, 34 from 01/07/2025."""
    return units_valid_on(day, level=Level.PROVINCE).order_by("code")


def children(unit: AdminUnit, on: dt.date | None = None) -> QuerySet[AdminUnit]:
    """The unit's direct children, in official code order; only those in force on `on` if given."""
    units = AdminUnit.objects.filter(parent=unit)
    if on is not None:
        units = units.filter(valid_on_q(on))
    return units.order_by("code")


def ancestors(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The unit's ancestors from the province down (the unit itself excluded), in one query."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    return AdminUnit.objects.filter(pk__in=ids).exclude(pk=unit.pk).order_by("depth")


def descendants(unit: AdminUnit, level: str | None = None) -> QuerySet[AdminUnit]:
    """Every unit below `unit` (one indexed prefix query on the materialised path)."""
    units = AdminUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    if level is not None:
        units = units.filter(level=level)
    return units.order_by("depth", "code")


def successors(unit: AdminUnit) -> QuerySet[Succession]:
    """Edges from `unit` to the current units that took it over, primary first.

    Works for communes, provinces and the five island districts; other districts have none
    (the district level was abolished on 01/07/2025).
    """
    return (
        Succession.objects.filter(predecessor=unit)
        .select_related("successor")
        .order_by("-is_primary", "successor__code")
    )


def predecessors(unit: AdminUnit) -> QuerySet[Succession]:
    """Edges into `unit` from the legacy units it was formed from."""
    return (
        Succession.objects.filter(successor=unit)
        .select_related("predecessor")
        .order_by("predecessor__code")
    )


def current_equivalent(unit: AdminUnit, *, primary_only: bool = True) -> AdminUnit | None:
    """The current unit onto which `unit`'s figures re-aggregate.

    - A current unit is its own equivalent.
    - A legacy province: the province it went into (each went whole into one).
    - A legacy commune: with `primary_only`, the successor on its primary edge (for a divided
      commune, the part the official table marks as default). Without it, the smallest current
      unit holding all of it: the successor commune if there is one, else (divided) the
      current province its parts lie in.
    - A legacy district: its island special zone if it had no communes, else the successor of
      its province (districts were abolished; a district never straddled two new provinces).
    """
    if unit.generation == Generation.CURRENT:
        return unit
    edges = list(successors(unit))
    if unit.level == Level.DISTRICT and not edges:
        province = unit.parent
        return current_equivalent(province) if province is not None else None
    if len(edges) <= 1:
        return edges[0].successor if edges else None
    if primary_only:
        return next((edge.successor for edge in edges if edge.is_primary), edges[0].successor)
    parents = {edge.successor.parent_id for edge in edges}
    parent_id = parents.pop() if len(parents) == 1 else None
    return AdminUnit.objects.get(pk=parent_id) if parent_id is not None else None


def search(
    q: str,
    on: dt.date | None = None,
    level: str | None = None,
    province: AdminUnit | int | None = None,
    limit: int | None = 20,
) -> QuerySet[AdminUnit]:
    """Accent-insensitive search by name: "ha noi" finds "Thành phố Hà Nội".

    Words match from their start ("kinh mo" finds Kinh Môn, "an" does not find "Thanh"), in the
    unit's name or its ancestors' ("kinh mon" finds Thị xã Kinh Môn and every commune in it).
    Commas separate parts that must all match: "le ninh, kinh mon". Ranked: exact short
    name, then name starting with the query, then the query inside the name, then matches
    through an ancestor; provinces before districts before communes; current units first.
    """
    parts = [key for key in (search_key(part) for part in q.split(",")) if key]
    if not parts:
        return AdminUnit.objects.none()
    key = parts[0]
    units = AdminUnit.objects.all()
    for part in parts:
        units = units.filter(Q(search_full__startswith=part) | Q(search_full__contains=f" {part}"))
    if on is not None:
        units = units.filter(valid_on_q(on))
    if level is not None:
        units = units.filter(level=level)
    if province is not None:
        if not isinstance(province, AdminUnit):
            province = AdminUnit.objects.get(pk=province)
        units = units.filter(path__startswith=province.path)
    units = units.annotate(
        match_rank=Case(
            When(Q(search_short=key) | Q(search_name=key), then=Value(0)),
            When(Q(search_short__startswith=key) | Q(search_name__startswith=key), then=Value(1)),
            When(Q(search_name__contains=f" {key}"), then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        ),
        level_rank=_LEVEL_RANK,
    ).order_by("match_rank", "level_rank", "generation", "search_short", "code")
    if limit is not None:
        units = units[:limit]
    return units


def regions(generation: str | None = None) -> QuerySet[Region]:
    """Regions with their provinces (prefetched in code order): two queries in all."""
    rows = Region.objects.prefetch_related(
        Prefetch("provinces", queryset=AdminUnit.objects.order_by("code"))
    )
    if generation is not None:
        rows = rows.filter(generation=generation)
    return rows.order_by("generation", "kind", "code")


@dataclass(frozen=True)
class ReformSummary:
    """How many units were in force the day before the 2025 reform and on its first day."""

    reform_date: dt.date
    provinces_before: int
    provinces_after: int
    communes_after: int


def reform_summary(reform_date: dt.date) -> ReformSummary:
    """Counted from the loaded data (two queries), never written down by hand."""
    day_before = reform_date - dt.timedelta(days=1)
    after = units_valid_on(reform_date).aggregate(
        provinces=Count("id", filter=Q(level=Level.PROVINCE)),
        communes=Count("id", filter=Q(level=Level.COMMUNE)),
    )
    return ReformSummary(
        reform_date=reform_date,
        provinces_before=provinces_valid_on(day_before).count(),
        provinces_after=after["provinces"],
        communes_after=after["communes"],
    )
