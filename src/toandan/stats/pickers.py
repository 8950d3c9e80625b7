"""Choosing periods and places by name on the statistics pages, without JavaScript.

The query strings keep the readable ids the API takes (LAST_12_MONTHS, 2024Q3, 01, 00070): links,
exports and the API stay as they are, and a person picks "Hà Nội" or "12 tháng gần nhất" from a
list instead of typing a code. A value that is not among the choices (a link to 2019-2024, an old
unit) is kept as an extra choice named in words, so following a link never loses the query.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.geo.models import AdminUnit, Generation, Level
from toandan.stats import geography as geo
from toandan.stats.periods import PeriodError, parse_period, period_label
from toandan.stats.selectors import default_place, place_visible

Choice = tuple[str, str]
GroupedChoices = list[tuple[str, list[Choice]]]
AnyUser = AbstractBaseUser | AnonymousUser

# Years and quarters back from this year that the period picker names one by one.
YEARS_BACK = 6


def _relative_names() -> list[Choice]:
    return [
        ("LAST_12_MONTHS", _("Last 12 months")),
        ("THIS_MONTH", _("This month")),
        ("LAST_MONTH", _("Last month")),
        ("THIS_QUARTER", _("This quarter")),
        ("LAST_QUARTER", _("Last quarter")),
        ("THIS_YEAR", _("This year")),
        ("LAST_YEAR", _("Last year")),
        ("LAST_5_YEARS", _("Last 5 years")),
    ]


def period_name(value: str) -> str:
    """A period id in words ("Quý III/2024"), or the id itself when it is not one."""
    try:
        return period_label(parse_period(value))
    except PeriodError:
        return value


def period_choices(current: str = "") -> GroupedChoices:
    """The periods a reader usually asks for, grouped: relative ones with their dates, then
    years and quarters back from this one; `current` too when it is none of them."""
    year = timezone.localdate().year
    relative = [(value, f"{name} ({period_name(value)})") for value, name in _relative_names()]
    years = [(str(y), period_name(str(y))) for y in range(year, year - YEARS_BACK, -1)]
    quarters = [
        (f"{y}Q{q}", period_name(f"{y}Q{q}")) for y in (year, year - 1) for q in (4, 3, 2, 1)
    ]
    groups: GroupedChoices = [
        (_("Relative to today"), relative),
        (_("Years"), years),
        (_("Quarters"), quarters),
    ]
    known = {value for _group, choices in groups for value, _name in choices}
    wanted = current.strip().upper()
    if wanted and wanted not in known:
        groups.insert(0, (_("Asked for"), [(wanted, period_name(wanted))]))
    return groups


def _children(place: geo.Place, geography: str) -> list[geo.Place]:
    """The provinces of the country or the communes of a province, by official code."""
    generation = Generation.LEGACY if geography == geo.OLD else Generation.CURRENT
    if place.level == geo.LEVEL_COUNTRY:
        units = AdminUnit.objects.filter(level=Level.PROVINCE, generation=generation)
    elif place.level == geo.LEVEL_PROVINCE and place.path:
        units = AdminUnit.objects.filter(
            level=Level.COMMUNE, generation=place.generation, path__startswith=place.path
        )
    else:
        return []
    if geography != geo.OLD:
        units = units.filter(valid_to__isnull=True)
    return [geo.place_of(unit) for unit in units.order_by("code")]


def place_choices(user: AnyUser, current: str, geography: str) -> GroupedChoices:
    """The places the reader may choose by name: their own area, the place shown and the
    places above it they may read, and the places one level below it."""
    own = default_place(user)
    shown = geo.place_get(current) if current else own
    if shown is not None and geography == geo.CURRENT and shown.is_legacy:
        shown = geo.current_successor(shown)
    around: list[Choice] = []
    seen: set[str] = set()

    def add(target: list[Choice], place: geo.Place, name: str = "") -> None:
        if place.key not in seen:
            seen.add(place.key)
            target.append((place.key, name or place.name))

    if own is not None:
        add(around, own, _("%(name)s (your area)") % {"name": own.name})
    below: list[Choice] = []
    if shown is not None and place_visible(user, shown):
        chain: list[geo.Place] = []
        parent = geo.parent_place(shown)
        while parent is not None and place_visible(user, parent):
            chain.insert(0, parent)
            parent = geo.parent_place(parent)
        for place in (*chain, shown):
            add(around, place)
        # Places below a place the reader may read are theirs to read too.
        for child in _children(shown, geography):
            add(below, child)
    elif current:
        # Unknown or outside the jurisdiction: kept so the form shows what was asked; the
        # query answers with its error next to the field.
        around.append((current, current))
    groups: GroupedChoices = [(_("Your area and the place shown"), around)]
    if below:
        groups.append((_("One level below"), below))
    return groups


def use_pickers(form: forms.Form, *, user: AnyUser, period: str, unit: str, geography: str) -> None:
    """Turn the form's free-text period and place fields into lists chosen by name."""
    period_field = form.fields["period"]
    period_field.widget = forms.Select(choices=period_choices(period))
    period_field.help_text = ""
    unit_field = form.fields["unit"]
    unit_field.widget = forms.Select(choices=place_choices(user, unit, geography))
    unit_field.help_text = ""
