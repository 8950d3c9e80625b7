"""Reads behind the Open311 endpoints: services from the tip categories, places from
coordinates or addresses, and the public-safe view of requests.

A request (a tip) is public only as: its reference, open or closed, a generic status note, its
category, the receiving unit and the day it was received and last changed. Never its text,
address, position, attachments or who sent it. Times are cut to the day (local midnight), so a
public timestamp cannot be matched to the hour someone was seen using a phone.

The list (`request_list`) shows only tips of the categories an administrator opted in
(`Category.open311_listed`; never a sensitive one, nor drugs or trafficking), and only from the
local midnight that ends `TOANDAN_OPEN311_LIST_DELAY_DAYS` whole days after the day a tip
arrived: all the tips of a day appear at once, so polling tells the day and nothing finer.
`request_get` (by reference) shows any tip at once: its reference is random (60 bits) and
only its sender, or the police, holds it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from toandan.geo.models import AdminUnit, Generation, Level
from toandan.tips.models import (
    DEFAULT_SENSITIVE_CODES,
    NEVER_LISTED_GROUPS,
    Category,
    CategoryGroup,
    Tip,
    TipEvent,
    TipRoute,
    TipStatus,
    VictimRequest,
)
from toandan.tips.selectors import CLOSED_STATUSES, tip_open311_view

MAX_REQUESTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)
# Vietnam's land and islands, generously: a position outside is not ours to route.
VIETNAM_BOUNDS = {"lat": (6.0, 24.0), "long": (101.5, 118.0)}
# Search boxes (degrees) tried in turn around a position for commune centroids.
SEARCH_BOXES = (0.25, 1.0, 3.0)


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _description(category: Category) -> str:
    if _english() and category.description_en:
        return category.description_en
    return category.description_vi


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


def service_list() -> list[dict[str, Any]]:
    """GET services: one service per active tip category."""
    groups = dict(CategoryGroup.choices)
    return [
        {
            "service_code": category.code,
            "service_name": category.localized_name(),
            "description": _description(category),
            # Every category has attributes (when, who, vehicles, the place's codes).
            "metadata": True,
            "type": "realtime",
            "keywords": _keywords(category, str(groups.get(category.group, category.group))),
            "group": str(groups.get(category.group, category.group)),
        }
        for category in active_categories()
    ]


def _keywords(category: Category, group: str) -> str:
    """Words to find the service by, in the request's language: its group and its name."""
    words = [group.lower(), category.localized_name().lower()]
    if _english():
        words.append(category.code.replace("-", " ").replace("_", " "))
    return ", ".join(dict.fromkeys(word for word in words if word))


def _attribute(
    order: int,
    code: str,
    datatype: str,
    description: str,
    *,
    datatype_description: str = "",
    values: list[dict[str, str]] | None = None,
    required: bool = False,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": datatype_description,
        "order": order,
        "description": description,
    }
    if values is not None:
        attribute["values"] = values
    return attribute


def service_definition(category: Category) -> dict[str, Any]:
    """GET services/{code}: the attributes a tip of this category may carry. Only
    `victim_request` is required, for the offences prosecuted at the victim's request (BLTTHS
    Art. 155); the place can come from lat/long, address_id or address_string as well as from
    these attributes."""
    provinces = AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.PROVINCE
    ).order_by("code")
    attributes = [
        _attribute(
            1,
            "province_code",
            "singlevaluelist",
            _(
                "Province where it happened. Needed only when neither lat/long, address_id nor "
                "an address_string naming the province is given."
            ),
            values=[{"key": p.code, "name": p.name} for p in provinces],
        ),
        _attribute(
            2,
            "commune_code",
            "string",
            _("Commune where it happened (same as address_id); leave empty if you do not know."),
            datatype_description=_("Official code of a current commune, 5 digits, e.g. 00070."),
        ),
        _attribute(
            3,
            "occurred_at",
            "datetime",
            _("When it happened, if you know the exact time."),
            datatype_description=_("ISO 8601, e.g. 2026-03-14T21:30:00+07:00."),
        ),
        _attribute(
            4,
            "occurred_text",
            "string",
            _("When it happened, in your own words, if you do not know exactly."),
        ),
        _attribute(5, "people", "text", _("People involved: what they look like, names if known.")),
        _attribute(6, "vehicles", "text", _("Vehicles involved: type, colour, number plate.")),
        _attribute(
            8,
            "union_branch",
            "string",
            _(
                "If you are a member of a union branch, its code: counted for the movement, "
                "it does not say who you are."
            ),
            datatype_description=_("Branch code, e.g. PN-01-00070-CH3."),
        ),
    ]
    if category.asks_victim_request:
        attributes.append(
            _attribute(
                7,
                "victim_request",
                "singlevaluelist",
                _("Does the victim ask for prosecution? (Criminal Procedure Code Art. 155)"),
                required=True,
                values=[
                    {"key": str(value), "name": str(label)}
                    for value, label in VictimRequest.choices
                ],
            )
        )
    attributes.sort(key=lambda attribute: attribute["order"])
    return {"service_code": category.code, "attributes": attributes}


# --- Places -------------------------------------------------------------------------------------


def in_vietnam(lat: float, lon: float) -> bool:
    (lat_min, lat_max), (lon_min, lon_max) = VIETNAM_BOUNDS["lat"], VIETNAM_BOUNDS["long"]
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Haversine: exact enough to pick the nearest centroid.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def nearest_commune(lat: float, lon: float) -> AdminUnit | None:
    """The current commune whose centroid is nearest to the position.

    An approximation: we hold centroids, not boundaries, so near a boundary the neighbouring
    commune may be chosen. The tip's routing reason says so, and officers re-route.
    """
    if not in_vietnam(lat, lon):
        return None
    communes = AdminUnit.objects.filter(
        generation=Generation.CURRENT,
        level=Level.COMMUNE,
        latitude__isnull=False,
        longitude__isnull=False,
    ).select_related("parent")
    for box in SEARCH_BOXES:
        candidates = list(
            communes.filter(
                latitude__range=(lat - box, lat + box), longitude__range=(lon - box, lon + box)
            )
        )
        if candidates:
            return min(
                candidates,
                key=lambda unit: _distance_km(
                    lat, lon, float(unit.latitude or 0), float(unit.longitude or 0)
                ),
            )
    return None


def place_from_address(text: str) -> tuple[AdminUnit | None, AdminUnit | None]:
    """(province, commune) named in a Vietnamese address written in today's units, offline.

    `vietnamadminunits.parse_address` reads "…, phường Hoàn Kiếm, Hà Nội"; the commune is None
    when the address names only the province, both are None when it names neither.
    """
    from vietnamadminunits import parse_address

    try:
        parsed = parse_address(text, keep_street=False)
    except Exception:  # noqa: BLE001 - an address it cannot read is simply not recognised
        return None, None
    province_code = getattr(parsed, "province_code", None)
    if not province_code:
        return None, None
    province = AdminUnit.objects.filter(
        generation=Generation.CURRENT, level=Level.PROVINCE, code=province_code
    ).first()
    commune_code = getattr(parsed, "ward_code", None)
    commune = None
    if province is not None and commune_code:
        commune = AdminUnit.objects.filter(
            generation=Generation.CURRENT, level=Level.COMMUNE, code=commune_code, parent=province
        ).first()
    return province, commune


# --- Requests -----------------------------------------------------------------------------------


def _to_the_day(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(hour=0, minute=0, second=0, microsecond=0)


def list_horizon(now: dt.datetime) -> dt.datetime:
    """Tips received before this moment may be listed: the local midnight that began the day
    `TOANDAN_OPEN311_LIST_DELAY_DAYS` days ago. It moves only at midnight, so the tips of one
    day appear together."""
    days = max(1, settings.TOANDAN_OPEN311_LIST_DELAY_DAYS)
    day = timezone.localdate(now) - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _status_note(status: str) -> str:
    notes: dict[str, str] = {
        TipStatus.RECEIVED: _("Received by the police."),
        TipStatus.CHECKING: _("Being checked by the police."),
        TipStatus.FORWARDED: _("Forwarded to the competent authority."),
        TipStatus.CONCLUDED: _("Concluded; the tipster can see the result with the receipt."),
        TipStatus.RESOLVING: _("Being resolved by the police."),
        TipStatus.SUSPENDED: _("Resolution suspended (BLTTHS Art. 148)."),
        TipStatus.MERGED: _("Handled together with another tip about the same matter."),
    }
    return str(notes.get(status, _("In progress.")))


def request_row(tip: Tip, *, horizon: dt.datetime) -> dict[str, Any]:
    """The public-safe fields of one request (`tips.selectors.tip_open311_view` decides which),
    with the times cut to the day and a status note that says nothing of the content.

    Status and `updated_datetime` are as of `horizon` (the list's cut-off): what the police did
    to a tip shows only as late as a tip's arrival does, never on the day they did it."""
    view = tip_open311_view(tip)
    status = _status_at(tip)
    requested = _to_the_day(view.requested_datetime)
    last_shown_day = horizon - dt.timedelta(days=1)
    updated = max(requested, min(_to_the_day(view.updated_datetime), last_shown_day))
    return {
        "service_request_id": view.service_request_id,
        "status": "closed" if status in CLOSED_STATUSES else "open",
        "status_notes": _status_note(status),
        "service_name": view.service_name,
        "service_code": view.service_code,
        "agency_responsible": view.agency_responsible,
        "requested_datetime": requested,
        "updated_datetime": updated,
    }


def _status_at(tip: Tip) -> str:
    # Annotated by `_public_tips`: every event records the status it left the tip in.
    return str(getattr(tip, "status_at_horizon", TipStatus.RECEIVED.value))


def _public_tips(horizon: dt.datetime) -> QuerySet[Tip]:
    # Only the columns the public row shows: the encrypted content is never even read. Routes
    # are prefetched: the responsible unit is the one handling the tip now. Within a day, tips
    # come by reference (random), not in the order they arrived.
    status_at_horizon = (
        TipEvent.objects.filter(tip=OuterRef("pk"), created_at__lt=horizon)
        .exclude(to_status="")
        .order_by("-created_at", "-pk")
        .values("to_status")[:1]
    )
    return (
        Tip.objects.select_related("category", "register_unit")
        .only(
            "reference",
            "status",
            "received_at",
            "updated_at",
            "category__code",
            "category__name_vi",
            "category__name_en",
            "register_unit__name",
        )
        .annotate(
            # No event before the cut-off: the status every tip starts with.
            status_at_horizon=Coalesce(
                Subquery(status_at_horizon), Value(TipStatus.RECEIVED.value)
            ),
            received_day=TruncDate("received_at", tzinfo=timezone.get_current_timezone()),
        )
        .prefetch_related(
            Prefetch(
                "routes",
                queryset=TipRoute.objects.filter(active=True).select_related("org_unit"),
            )
        )
        .order_by("-received_day", "reference")
    )


def _reference_key(reference: str) -> str:
    # References are written in capitals; an id typed or copied in small letters is the same.
    return reference.strip().upper()


def request_get(reference: str, *, now: dt.datetime) -> dict[str, Any] | None:
    """One request, shown at once: whoever asks for it by id knows the id already. Its status
    and last change are as of the list's cut-off, as in the list: an id read from the list
    must not tell what the police did today."""
    horizon = list_horizon(now)
    tip = _public_tips(horizon).filter(reference=_reference_key(reference)).first()
    return request_row(tip, horizon=horizon) if tip is not None else None


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def request_list(
    *,
    references: Sequence[str] = (),
    service_codes: Sequence[str] = (),
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: Sequence[str] = (),
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """GET requests. `references` overrides every other filter (as the spec says); otherwise
    the window is the 90 days before `end` (or after `start`), newest day first, at most 1000.
    Only tips of listed categories, received before `list_horizon(now)`, are listed.

    The window is whole local days, from the midnight that begins the day of `start` to the
    midnight that ends the day of `end` (by default the 90 days before today's midnight): a
    date inside a day selects the same tips as its midnight, so narrowing the window cannot
    time a tip within its day, and a tip leaves the default window at a midnight, not 90 days
    to the second after it arrived."""
    horizon = list_horizon(now)
    tips = (
        _public_tips(horizon)
        .filter(
            category__open311_listed=True,
            received_at__lt=horizon,
        )
        # The database refuses a listed sensitive category; this keeps the list right even
        # if a row got past it.
        .exclude(category__sensitive=True)
        .exclude(category__group__in=sorted(NEVER_LISTED_GROUPS))
        .exclude(category__code__in=sorted(DEFAULT_SENSITIVE_CODES))
    )
    if references:
        keys = [_reference_key(reference) for reference in references]
        tips = tips.filter(reference__in=keys[:MAX_REQUESTS])
        return [request_row(tip, horizon=horizon) for tip in tips[:MAX_REQUESTS]]
    if start is None and end is None:
        first_day = timezone.localdate(now) - DEFAULT_WINDOW
        after_last_day = timezone.localdate(now)
    elif start is None:
        assert end is not None
        after_last_day = timezone.localdate(end) + dt.timedelta(days=1)
        first_day = after_last_day - DEFAULT_WINDOW
    else:
        first_day = timezone.localdate(start)
        after_last_day = (
            first_day + DEFAULT_WINDOW
            if end is None
            else timezone.localdate(end) + dt.timedelta(days=1)
        )
    tips = tips.filter(
        received_at__gte=_midnight(first_day), received_at__lt=_midnight(after_last_day)
    )
    if service_codes:
        tips = tips.filter(category__code__in=list(service_codes))
    wanted = set(statuses)
    # The status as of the cut-off (see `request_row`), annotated by `_public_tips`.
    closed: In[str] = In(F("status_at_horizon"), sorted(CLOSED_STATUSES))
    if wanted == {"open"}:
        tips = tips.exclude(closed)
    elif wanted == {"closed"}:
        tips = tips.filter(closed)
    return [request_row(tip, horizon=horizon) for tip in tips[:MAX_REQUESTS]]
