"""Reads of community models: lists and pages checked against the reader's jurisdiction, the
public counts on a date, overdue reviews."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from toandan.core.process_cache import ProcessCache
from toandan.geo.models import AdminUnit, Generation, Succession
from toandan.geo.services import reform_date
from toandan.initiatives import policies
from toandan.initiatives.models import (
    ENDED_STATUSES,
    Initiative,
    Review,
    ReviewCalendar,
    ReviewStatus,
    Site,
    Team,
    Theme,
)
from toandan.initiatives.stock import province_ids_of, stock_on

BY_CHOICES = ("", "province", "commune", "organisation", "theme", "grade")
# Labels the statistics show for the models' own dimension (kept in this app's catalogue).
THEME_LABEL = gettext_lazy("Theme of the model")
ALL_THEMES_LABEL = gettext_lazy("All themes")
GEOGRAPHIES = ("", "old", "current")


def initiatives_visible(user: Any) -> QuerySet[Initiative]:
    return policies.visible_initiatives(
        user,
        Initiative.objects.select_related(
            "theme", "host_unit", "police_unit", "commune", "current_commune"
        ),
    )


def initiative_list(
    user: Any,
    *,
    q: str = "",
    theme: str = "",
    status: str = "",
    commune: int | None = None,
    exemplary: bool | None = None,
    active_on: dt.date | None = None,
) -> QuerySet[Initiative]:
    rows = initiatives_visible(user)
    if q:
        rows = rows.filter(name__icontains=q.strip())
    if theme:
        rows = rows.filter(theme__code=theme)
    if status:
        rows = rows.filter(status=status)
    if commune:
        rows = rows.filter(Q(commune_id=commune) | Q(current_commune_id=commune))
    if exemplary is not None:
        rows = rows.filter(exemplary=exemplary)
    if active_on:
        rows = rows.filter(started_on__lte=active_on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=active_on)
        )
    return rows.annotate(site_count=Count("sites", distinct=True)).order_by("-started_on", "pk")


def initiative_get(user: Any, pk: int) -> Initiative | None:
    """The model if the user may see it, with its sites and teams (None: 404)."""
    return (
        initiatives_visible(user)
        .prefetch_related(
            Prefetch(
                "sites",
                Site.objects.select_related("commune", "current_commune").prefetch_related("teams"),
            ),
            "channels",
            Prefetch("reviews", Review.objects.select_related("grade")),
            "replicas",
        )
        .filter(pk=pk)
        .first()
    )


def review_get(user: Any, pk: int) -> Review | None:
    review = Review.objects.select_related("initiative", "grade").filter(pk=pk).first()
    if review is None or initiative_get(user, review.initiative_id) is None:
        return None
    return review


def reviews_visible(user: Any, *, status: str = "", year: int | None = None) -> QuerySet[Review]:
    rows = Review.objects.filter(initiative__in=initiatives_visible(user)).select_related(
        "initiative", "grade"
    )
    if status:
        rows = rows.filter(status=status)
    if year:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "due_on", "pk")


def exemplary_catalogue(*, theme: str = "") -> QuerySet[Initiative]:
    """Exemplary models still running, for the public catalogue (the page shows no contact)."""
    rows = (
        Initiative.objects.filter(exemplary=True)
        .exclude(status__in=list(ENDED_STATUSES))
        .select_related("theme", "commune", "current_commune")
        .annotate(replica_count=Count("replicas", distinct=True))
    )
    if theme:
        rows = rows.filter(theme__code=theme)
    return rows.order_by("theme__order", "name")


def exemplary_get(pk: int) -> Initiative | None:
    return exemplary_catalogue().filter(pk=pk).first()


@dataclass
class Overdue:
    initiative: Initiative
    year: int
    due_on: dt.date
    status: str  # "" when nothing was filed


def reviews_overdue(user: Any, *, year: int, today: dt.date) -> list[Overdue]:
    """Models running in the review year whose review is not submitted by its deadline: the
    coverage list, naming every model and its commune."""
    from toandan.initiatives.services import review_period

    out: list[Overdue] = []
    filed = {
        r.initiative_id: r.status
        for r in Review.objects.filter(year=year).only("initiative_id", "status")
    }
    start_res, end, due_res = review_period(year, "residential")
    _s, _e, due_commune = review_period(year, "commune")
    rows = (
        initiatives_visible(user)
        .filter(started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start_res))
    )
    for initiative in rows.order_by("commune__path", "name"):
        due = due_res if initiative.area_kind == "residential" else due_commune
        status = filed.get(initiative.pk, "")
        if today > due and status in ("", ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            out.append(Overdue(initiative, year, due, status))
    return out


def review_scores(review: Review) -> list[tuple[Any, int | None]]:
    """Each criterion with the points the model gave itself (None: not scored)."""
    from toandan.initiatives.models import Criterion

    return [(c, review.scores.get(c.code)) for c in Criterion.objects.all()]


@dataclass
class CommuneGap:
    province: str
    commune: AdminUnit


def communes_without_effective_model(user: Any, *, day: dt.date) -> list[CommuneGap]:
    """Today's communes of the user's area where no effective model runs on `day`: recognised
    or active, and not graded below "effective" in its latest graded review (a commune must
    keep at least one)."""
    from toandan.accounts.selectors import jurisdiction_admin_units
    from toandan.initiatives.models import Status

    communes = (
        jurisdiction_admin_units(user, policies.STAFF_ROLES)
        .filter(generation=Generation.CURRENT, level="commune")
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    running = list(
        _active_on(day)
        .filter(status__in=[Status.RECOGNISED, Status.ACTIVE])
        .values_list("pk", "commune_id", "current_commune_id")
    )
    latest: dict[int, bool] = {}
    for initiative_id, effective in (
        Review.objects.filter(status=ReviewStatus.GRADED, graded_on__lte=day)
        .order_by("year")
        .values_list("initiative_id", "grade__effective")
    ):
        latest[initiative_id] = bool(effective)
    covered: set[int] = set()
    for pk, commune_id, current_id in running:
        if latest.get(pk, True):
            covered.add(current_id or commune_id)
    return [
        CommuneGap(c.parent.name if c.parent else "", c) for c in communes if c.pk not in covered
    ]


# --- Counts on a date -----------------------------------------------------------------------


@dataclass
class Counts:
    on: dt.date
    by: str
    geography: str
    models: int = 0
    sites: int = 0
    teams: int = 0
    members: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    unit: Any = None  # by organisation: the unit broken down (its rows are the units below)


def _successor_map(generation_from: str) -> dict[int, int]:
    """Legacy unit → current unit by the primary succession edge, or current → legacy (the
    first primary predecessor: a decision, see the note)."""
    edges = (
        Succession.objects.filter(is_primary=True)
        .order_by("pk")
        .values_list("predecessor_id", "successor_id")
    )
    mapping: dict[int, int] = {}
    for old, new in edges:
        if generation_from == Generation.LEGACY:
            mapping.setdefault(old, new)
        else:
            mapping.setdefault(new, old)
    return mapping


def counts_on(  # noqa: PLR0912, PLR0915 - one pass over the rows for every breakdown
    day: dt.date,
    *,
    by: str = "",
    geography: str = "",
    province_ids: Iterable[int] | None = None,
) -> Counts:
    """Models, sites, teams and members active at the end of `day`, for the country (or the
    provinces given, as recorded), broken down `by` province, commune, theme or grade, on the
    geography of the day (default), the old 63 provinces or today's 34 (by organisation:
    `counts_by_organisation`)."""
    if by == "organisation":
        return counts_by_organisation(day) or Counts(on=day, by=by, geography="")
    recorded = Generation.LEGACY if day < reform_date() else Generation.CURRENT
    target = {"old": Generation.LEGACY, "current": Generation.CURRENT}.get(geography, recorded)
    result = Counts(on=day, by=by, geography=target)
    wanted = set(province_ids) if province_ids is not None else None
    target_provinces = set(
        AdminUnit.objects.filter(generation=target, level="province").values_list("pk", flat=True)
    )
    # Summed per province in the database when no row needs moving onto the other generation
    # (models of today's communes that began before the reform, or old communes after it).
    level = "commune" if by == "commune" else "province"
    rows = stock_on(day, by_theme=by == "theme", level=level)
    if level == "province" and any(r.province_id not in target_provinces for r in rows):
        level = "commune"
        rows = stock_on(day, by_theme=by == "theme", level=level)
    if wanted is not None:
        rows = [r for r in rows if r.province_id in wanted]
    foreign = [r.commune_id for r in rows if r.province_id not in target_provinces]
    mapping: dict[int, int] = {}
    mapped_units: dict[int, tuple[int, str, str]] = {}
    if foreign:
        mapping = _successor_map(
            Generation.CURRENT if target == Generation.LEGACY else Generation.LEGACY
        )
        ids = {mapping[c] for c in foreign if c in mapping}
        provinces = province_ids_of(ids)
        ids |= set(provinces.values())
        names = {
            pk: (code, name)
            for pk, code, name in AdminUnit.objects.filter(pk__in=ids).values_list(
                "pk", "code", "name"
            )
        }
        for commune_id in {mapping[c] for c in foreign if c in mapping}:
            province = provinces[commune_id]
            mapped_units[commune_id] = (province, *names[commune_id])
        for province in set(provinces.values()):
            mapped_units.setdefault(-province, (province, *names[province]))

    if by == "commune" and not foreign:
        # One row per commune, nothing to move or merge (the usual case, about 10,000 rows):
        # built straight from the query's rows, which come in the order of the codes.
        result.rows = [
            {"code": code, "name": name, "models": m, "sites": s, "teams": t, "members": mem}
            for _province, _commune, _theme, m, s, t, mem, code, name in rows
        ]
        result.rows.sort(key=itemgetter("code", "name"))  # linear on sorted rows
        if rows:
            columns = list(zip(*rows, strict=True))
            result.models, result.sites, result.teams, result.members = (
                sum(columns[i]) for i in range(3, 7)
            )
        return result
    totals: dict[Any, list[int]] = {}
    labels: dict[Any, tuple[str, str]] = {}
    for row in rows:
        commune_id, province_id, code, name = row.commune_id, row.province_id, row.code, row.name
        if province_id not in target_provinces and commune_id in mapping:
            commune_id = mapping[commune_id]
            province_id, code, name = mapped_units[commune_id]
            if by == "province":
                _p, code, name = mapped_units[-province_id]
        elif by == "province" and level == "commune":
            code, name = "", ""  # filled below from the province
        key: Any = {"province": province_id, "commune": commune_id, "theme": row.theme_id}.get(
            by, 0
        )
        total = totals.setdefault(key, [0, 0, 0, 0])
        total[0] += row.models
        total[1] += row.sites
        total[2] += row.teams
        total[3] += row.members
        if code:
            labels[key] = (code, name)
    for total in totals.values():
        result.models += total[0]
        result.sites += total[1]
        result.teams += total[2]
        result.members += total[3]
    if by in ("province", "commune"):
        missing = [key for key in totals if key not in labels]
        if missing:
            for pk, code, name in AdminUnit.objects.filter(pk__in=missing).values_list(
                "pk", "code", "name"
            ):
                labels[pk] = (code, name)
        result.rows = sorted(
            (_row(*labels.get(key, ("", "")), total) for key, total in totals.items()),
            key=lambda r: (r["code"], r["name"]),
        )
    elif by == "theme":
        themes = Theme.objects.in_bulk(list(totals))
        for key, total in totals.items():
            theme = themes.get(key)
            result.rows.append(
                _row(theme.code if theme else "", theme.name if theme else "", total)
            )
        result.rows.sort(key=lambda r: r["code"])
    elif by == "grade":
        result.rows = _by_grade(day, wanted)
    return result


def _calendars(_key: int) -> tuple[ReviewCalendar, ...]:
    return tuple(ReviewCalendar.objects.order_by("-valid_from"))


# Read by every statistics summary: kept per process, dropped when an administrator edits one.
_CALENDARS: ProcessCache[int, tuple[ReviewCalendar, ...]] = ProcessCache(
    "initiatives-calendars", _calendars, senders=[ReviewCalendar]
)


def count_date_in(start: dt.date, end: dt.date, today: dt.date) -> dt.date | None:
    """The day a period's stock is stated on: the movement's count day (20/11, data of the
    review calendar) of the period's last year when it falls inside the period, else the
    period's last day; never after today (None: the period has not begun)."""
    calendar = next((c for c in _CALENDARS.get(0) or () if c.valid_from <= end), None)
    day = end
    if calendar is not None:
        candidate = dt.date(end.year, calendar.count_month, calendar.count_day)
        if start <= candidate <= end:
            day = candidate
    day = min(day, today)
    return day if day >= start else None


def _any_initiative(_key: int) -> bool:
    return Initiative.objects.exists()


_ANY: ProcessCache[int, bool] = ProcessCache(
    "initiatives-any", _any_initiative, senders=[Initiative]
)


def registry_is_empty() -> bool:
    """No model was ever registered (kept per process; a first registration is seen at once
    in this process, within seconds in others)."""
    return not _ANY.get(0)


def _row(code: str, name: str, total: list[int]) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "models": total[0],
        "sites": total[1],
        "teams": total[2],
        "members": total[3],
    }


def _active_on(day: dt.date) -> QuerySet[Initiative]:
    return Initiative.objects.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )


def _by_grade(day: dt.date, provinces: set[int] | None) -> list[dict[str, Any]]:
    """Models active on `day` by the grade of their latest review graded by then."""
    from toandan.initiatives.models import Grade

    active = list(_active_on(day).values_list("pk", "commune__path"))
    if provinces is not None:
        active = [
            (pk, path) for pk, path in active if int(path.strip("/").split("/")[0]) in provinces
        ]
    latest: dict[int, tuple[int, int]] = {}
    for initiative_id, year, grade_id in (
        Review.objects.filter(status=ReviewStatus.GRADED, graded_on__lte=day)
        .values_list("initiative_id", "year", "grade_id")
        .order_by("year")
    ):
        latest[initiative_id] = (year, grade_id)
    counts: dict[int, int] = defaultdict(int)
    for pk, _path in active:
        counts[latest[pk][1] if pk in latest else 0] += 1
    rows = [
        {"code": g.code, "name": g.name, "models": counts.get(g.pk, 0)}
        for g in Grade.objects.order_by("order")
    ]
    rows.append({"code": "", "name": "", "models": counts.get(0, 0)})
    return rows


def _running_on(day: dt.date) -> Q:
    """Rows (models, sites, teams) running at the end of `day`."""
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))


def counts_by_organisation(day: dt.date, *, unit: str = "") -> Counts | None:
    """The models running at the end of `day` by the Women's Union unit hosting them, rolled
    up the organisation tree as the statistics' organisation roll-up does: one row per unit
    directly below `unit` (default: the tree's root) valid on the day, holding its whole
    subtree, and the unit's own row ("its own figures") for models it hosts itself. Counted
    by the host unit only (a co-host does not count a model twice). None: no such unit."""
    from toandan.orgs.models import OrgKind, OrgUnit
    from toandan.orgs.selectors import org_units_valid_on

    union = OrgUnit.objects.filter(kind=OrgKind.WOMENS_UNION)
    top = (
        union.filter(code=unit).first()
        if unit
        else union.filter(parent__isnull=True).order_by("code").first()
    )
    if top is None:
        return None
    child_of: dict[int, int] = {}  # a unit of the subtree -> the child of `top` it lies under
    for pk, path in union.filter(path__startswith=top.path).values_list("pk", "path"):
        rest = path[len(top.path) :].strip("/")
        child_of[pk] = int(rest.split("/")[0]) if rest else top.pk
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    running = _running_on(day)
    for host, n in (
        Initiative.objects.filter(running, host_unit__path__startswith=top.path)
        .values("host_unit_id")
        .annotate(n=Count("pk"))
        .values_list("host_unit_id", "n")
    ):
        totals[child_of[host]][0] += n
    for host, n in (
        Site.objects.filter(running, initiative__host_unit__path__startswith=top.path)
        .values("initiative__host_unit_id")
        .annotate(n=Count("pk"))
        .values_list("initiative__host_unit_id", "n")
    ):
        totals[child_of[host]][1] += n
    for host, n, members in (
        Team.objects.filter(running, site__initiative__host_unit__path__startswith=top.path)
        .values("site__initiative__host_unit_id")
        .annotate(n=Count("pk"), m=Sum("member_count"))
        .values_list("site__initiative__host_unit_id", "n", "m")
    ):
        totals[child_of[host]][2] += n
        totals[child_of[host]][3] += members or 0
    result = Counts(on=day, by="organisation", geography="")
    for values in totals.values():
        result.models += values[0]
        result.sites += values[1]
        result.teams += values[2]
        result.members += values[3]
    children = list(org_units_valid_on(union.filter(parent=top), day).order_by("code"))
    shown = {c.pk for c in children}
    children += list(
        union.filter(pk__in=[pk for pk in totals if pk not in shown and pk != top.pk]).order_by(
            "code"
        )
    )
    if top.pk in totals:
        own = _("%(unit)s (its own figures)") % {"unit": top.name}
        result.rows.append(_row(top.code, str(own), totals[top.pk]))
    result.rows += [_row(c.code, c.name, totals.get(c.pk, [0, 0, 0, 0])) for c in children]
    result.unit = top
    return result


def counts_naive(day: dt.date, *, by: str = "province") -> dict[int, tuple[int, int, int, int]]:
    """The same counts straight from the registry's history, without the stock (the bench's
    baseline and a check of the stock), grouped by the recorded commune or its province. It
    ignores the 2025 continuation (the bench's data does not cross the reform)."""

    def active(prefix: str = "") -> Q:
        return Q(**{f"{prefix}started_on__lte": day}) & (
            Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
        )

    def group(rows: QuerySet[Any], key: str, value: Any) -> dict[int, int]:
        return dict(rows.values_list(key).annotate(n=value).values_list(key, "n"))

    models = group(Initiative.objects.filter(active()), "commune_id", Count("pk"))
    sites = group(Site.objects.filter(active()), "commune_id", Count("pk"))
    teams_q = Team.objects.filter(active())
    teams = group(teams_q, "site__commune_id", Count("pk"))
    members = group(teams_q, "site__commune_id", Sum("member_count"))
    per_commune = {
        k: (models.get(k, 0), sites.get(k, 0), teams.get(k, 0), members.get(k, 0) or 0)
        for k in set(models) | set(sites) | set(teams)
    }
    if by == "commune":
        return per_commune
    provinces = province_ids_of(per_commune)
    out: dict[int, tuple[int, int, int, int]] = {}
    for commune_id, values in per_commune.items():
        province = provinces[commune_id]
        old = out.get(province, (0, 0, 0, 0))
        out[province] = (
            old[0] + values[0],
            old[1] + values[1],
            old[2] + values[2],
            old[3] + values[3],
        )
    return out


# --- Effectiveness from data (filled by toandan.stats.sources.initiatives) ------------------


@dataclass(frozen=True)
class AreaFigures:
    """What the platform's statistics hold for a model's commune and review period."""

    tips_received: int | None
    tips_via_union: int | None
    tips_valuable: int | None
    days_to_decision: float | None
    hours_to_first_action: float | None = None  # average, over tips the police acted on


AreaFiguresReader = Callable[[AdminUnit, dt.date, dt.date], AreaFigures | None]
_AREA_FIGURES: list[AreaFiguresReader] = []


def register_area_figures(reader: AreaFiguresReader) -> None:
    """The extension point the statistics fill (a domain never imports statistics)."""
    _AREA_FIGURES.clear()
    _AREA_FIGURES.append(reader)


def area_figures(review: Review) -> AreaFigures | None:
    if not _AREA_FIGURES:
        return None
    initiative = review.initiative
    commune = initiative.commune
    if initiative.current_commune is not None and review.period_end >= reform_date():
        commune = initiative.current_commune
    return _AREA_FIGURES[0](commune, review.period_start, review.period_end)
