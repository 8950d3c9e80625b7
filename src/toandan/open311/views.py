"""Open311 GeoReport v2 (`/open311/v2/`): tips from civic apps, in XML and JSON.

What differs from the spec, on purpose:

- **No api_key.** Anyone may post a request, as anyone may walk into a police station:
  citizens' apps send none, and one given is ignored. Posts are rate-limited per client (a key
  hashed with a secret that changes daily) and overall, like the JSON API's. That key, hashed
  again and sealed in the tip, is also what makes one client's tips one sender for anti-fraud
  (`toandan.tips.senders`).
- **CSRF exemption.** Every address under `/open311/v2/` is exempt from Django's CSRF check:
  Open311 clients are apps that send no cookies, and the endpoints act for nobody (they never
  read a session or the logged-in user), so a forged cross-site post could do nothing a direct
  post cannot. `POST requests` is the only one that does anything; a POST anywhere else gets
  the spec's error document (405 on a GET endpoint, 404 on an unknown address), never Django's
  HTML CSRF page, which an app cannot read.
- **The receipt.** A tip is followed up with its receipt, not an account, so the POST answer
  carries it in the extension field `receipt`, a field the spec defines for no answer, so no
  Open311 software copies it anywhere. It is never in `service_notice`: the spec returns
  `service_notice` in the public `GET requests` as well, so apps and aggregators keep and
  republish it, and the receipt is the tipster's only key to the tip. The notice says where the
  receipt is. Nor is it a `token`: the spec returns a token instead of a
  `service_request_id` and exchanges it publicly at `GET tokens/{token}`. Apps should show the
  receipt once to the tipster and not store it; the server keeps only a keyed hash of it.
- **Errors.** As the spec says, an unknown `service_code` is a 404 and a missing one a 400,
  on POST as on `services/{code}`. Every other input an app can send is a 4xx naming the
  parameter: dates must lie between 1900 and 2100 (a year-9999 `start_date` would overflow
  the 90-day window), and a NUL character anywhere is refused (PostgreSQL would fail on it).
- **One jurisdiction.** The whole country is one endpoint; `jurisdiction_id` is ignored.
- **No tokens.** `service_request_id` is answered at once, so `GET tokens/{token}` is not
  offered and `token` is not returned.
- **media_url is not fetched.** The server makes no requests to addresses given by strangers;
  the notice says to send files through the web form or the JSON API.
- **Public-safe requests.** `GET requests` never shows a tip's description, address, position,
  media or who sent it; `device_id` and `account_id` are ignored and never stored. Times are
  ISO 8601 in Vietnam time (+07:00) and cut to the day. The list is opt-in per category: it
  shows only the categories an administrator listed (`Category.open311_listed`), never a
  sensitive one (drugs, trafficking, domestic violence, sexual offences, anything about a
  person), and a tip only from the local midnight that ends `TOANDAN_OPEN311_LIST_DELAY_DAYS`
  (7) whole days after the day it arrived, all the tips of a day at once, so polling it tells
  the day and nothing finer. `start_date`/`end_date` select whole local days, the default
  window is the 90 days before today's midnight, and a day's tips come by reference, not in
  the order they arrived. `GET requests/{id}` (the sender knows the random id) shows a tip of
  any category at once. In both, `status` and `updated_datetime` are as of the list's cut-off
  (the same midnight), so what the police did to a tip shows no sooner than its arrival
  does. Ids are case-insensitive.
- **CORS.** GET answers (the public data) carry `Access-Control-Allow-Origin: *` so web apps
  can read them, and an OPTIONS preflight is answered for GET only; POST answers carry no CORS
  header, so a web page cannot read a receipt posted from another site's page.
- **Places.** `address_id` is the official code of a current commune. `lat`/`long` choose the
  commune whose centroid is nearest (approximate near boundaries); an `address_string` in
  today's units ("…, phường Hoàn Kiếm, Hà Nội") is read offline; otherwise
  `attribute[province_code]` (the commune is then unknown and the province police receive it).
- **Names.** `first_name` is the given name and `last_name` the family name: the contact's
  name is written the Vietnamese way, family name first.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from toandan.core import ratelimit
from toandan.core.access import public
from toandan.geo.models import AdminUnit
from toandan.open311 import selectors
from toandan.open311.render import JSON, XML, render, render_errors, xml_safe
from toandan.tips.intake.api import (
    ApiRefusalError,
    active_category,
    check_intake_rate,
    current_commune,
    current_province,
    union_branch,
)
from toandan.tips.models import Category, Channel
from toandan.tips.services import TipInput, TipRejectedError, tip_submit

logger = logging.getLogger(__name__)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed, for clients that cache the discovery document.
CHANGESET = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str, retry_after: int = 0) -> None:
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = list(descriptions)
        self.retry_after = retry_after


View = Callable[..., HttpResponse]
# How long a browser may reuse the answer to a preflight.
CORS_MAX_AGE_SECONDS = 24 * 60 * 60
# The dates an app may send (start_date, end_date, attribute[occurred_at]). Wider than any tip
# (the intake refuses events over a century old), narrow enough that the 90-day window around
# them and the conversion to Vietnam time never leave Python's calendar (years 1 to 9999).
EARLIEST_DATE = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_DATE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _cors(response: HttpResponse) -> HttpResponse:
    """Public data: any web page may read a GET answer (never a POST one)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET"
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response["Access-Control-Max-Age"] = str(CORS_MAX_AGE_SECONDS)
    response["Allow"] = "GET, OPTIONS"
    return _cors(response)


def open311_view(*methods: str) -> Callable[[View], View]:
    """Allowed methods, every failure written in the spec's error format, and CORS for GET."""

    def decorator(view: View) -> View:
        # See the module docstring: the methods a view does not allow get a 405 document,
        # which Django's CSRF check would otherwise replace with its HTML page.
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS" and "GET" in methods:
                return _preflight()
            response = _answer(request, *args, fmt=fmt, **kwargs)
            if request.method in {"GET", "HEAD"} and "GET" in methods:
                _cors(response)
            return response

        def _answer(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = render_errors(
                    fmt,
                    405,
                    [_("Method %(method)s is not allowed here.") % {"method": request.method}],
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                _refuse_nul(request, kwargs)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return render_errors(
                    fmt, error.status, error.descriptions, retry_after=error.retry_after
                )
            # Django refuses these while reading the parameters (`_refuse_nul` reads them
            # first): the client's fault, so the spec's error document, never a 500.
            except RequestDataTooBig:
                return render_errors(fmt, 413, [_("The request is too large.")])
            except (SuspiciousOperation, MultiPartParserError):
                return render_errors(
                    fmt,
                    400,
                    [_("The request could not be read: too many fields, or a malformed body.")],
                )
            except Exception:
                # Logged without the request: nothing about the caller goes to the log.
                logger.exception("open311: %s failed", view.__name__)
                return render_errors(fmt, 500, [_("The server failed; please try again later.")])

        return wrapped

    return decorator


# --- Reading parameters --------------------------------------------------------------------------


def _refuse_nul(request: HttpRequest, path_parts: dict[str, Any]) -> None:
    """PostgreSQL refuses a NUL character in any query parameter (a 500), and no code, id, date
    or address has one: a 400 naming the parameter, before anything reads it."""
    named = [
        *((name, value) for name, value in path_parts.items() if isinstance(value, str)),
        *((name, value) for name, values in request.GET.lists() for value in values),
        *((name, value) for name, values in request.POST.lists() for value in values),
    ]
    for name, value in named:
        if "\x00" in name or "\x00" in value:
            raise Open311Error(
                400,
                _("%(name)s contains a NUL character.") % {"name": xml_safe(name) or "?"},
            )


def _attribute(request: HttpRequest, code: str) -> str:
    return request.POST.get(f"attribute[{code}]", "").strip()


def _float(request: HttpRequest, name: str, *, limit: float) -> float | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None
    if not -limit <= value <= limit:
        raise Open311Error(400, _("%(name)s is out of range.") % {"name": name})
    return value


def _datetime(raw: str, name: str) -> dt.datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400,
            _("%(name)s is not a date and time: write it as ISO 8601, e.g. %(example)s.")
            % {"name": name, "example": "2026-03-14T21:30:00+07:00"},
        )
    try:
        value = value if timezone.is_aware(value) else timezone.make_aware(value)
        in_range = EARLIEST_DATE <= value < LATEST_DATE
    except OverflowError:  # e.g. 0001-01-01T00:00:00 in Vietnam time is before year 1 in UTC
        in_range = False
    if not in_range:
        raise Open311Error(
            400,
            _("%(name)s must lie between %(earliest)s and %(latest)s.")
            % {
                "name": name,
                "earliest": EARLIEST_DATE.strftime("%Y-%m-%d"),
                "latest": LATEST_DATE.strftime("%Y-%m-%d"),
            },
        )
    return value


def _category(code: str) -> Category:
    """The spec, for `services/{code}` and POST alike: 400 when service_code is missing, 404
    when it names no service."""
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = active_category(code)
    if category is None:
        raise Open311Error(
            404, _("Unknown service_code “%(code)s”: see services.") % {"code": code}
        )
    return category


def _located(
    request: HttpRequest, address: str, lat: float | None, lon: float | None
) -> tuple[AdminUnit | None, AdminUnit | None, bool]:
    """(province, commune, whether they were only read from the address text), from the
    commune code, else the position, else the address text."""
    commune_code = request.POST.get("address_id", "").strip() or _attribute(request, "commune_code")
    if commune_code:
        commune = current_commune(commune_code)
        if commune is None:
            raise Open311Error(
                400,
                _("Unknown address_id “%(code)s”: give the code of a current commune.")
                % {"code": commune_code},
            )
        return commune.parent, commune, False
    if lat is not None and lon is not None:
        commune = selectors.nearest_commune(lat, lon)
        if commune is None:
            raise Open311Error(400, _("This position is not in Vietnam."))
        return commune.parent, commune, False
    if address:
        province, commune = selectors.place_from_address(address)
        return province, commune, True
    return None, None, False


def _place(request: HttpRequest) -> tuple[AdminUnit, AdminUnit | None, str]:
    """(province, commune or None, address text) from the request's location parameters.

    A commune given (address_id) or found from a position must lie in attribute[province_code]
    when both are sent; a commune only read from the address text gives way to it.
    """
    address = request.POST.get("address_string", "").strip()
    lat, lon = _float(request, "lat", limit=90), _float(request, "long", limit=180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, _("Give both lat and long."))
    province, commune, read_from_text = _located(request, address, lat, lon)
    if lat is not None and lon is not None:
        # The position itself helps the officers: it goes into the encrypted address.
        address = f"{address} (GPS {lat:.6f}, {lon:.6f})".strip()
    province_code = _attribute(request, "province_code")
    if province_code:
        named = current_province(province_code)
        if named is None:
            raise Open311Error(
                400,
                _("Unknown attribute[province_code] “%(code)s”.") % {"code": province_code},
            )
        if commune is not None and commune.parent_id != named.pk:
            if not read_from_text:
                raise Open311Error(
                    400,
                    _("%(commune)s is not in %(province)s.")
                    % {"commune": commune.name, "province": named.name},
                )
            commune = None
        province = named
    if province is None:
        raise Open311Error(
            400,
            _(
                "Where did it happen? Give lat and long, address_id (a commune code), an "
                "address_string naming the province, or attribute[province_code]."
            ),
        )
    return province, commune, address


def _tip_input(request: HttpRequest, category: Category) -> TipInput:
    province, commune, address = _place(request)
    branch = None
    branch_code = _attribute(request, "union_branch")
    if branch_code:
        branch = union_branch(branch_code)
        if branch is None:
            raise Open311Error(
                400, _("Unknown attribute[union_branch] “%(code)s”.") % {"code": branch_code}
            )
    victim_request = _attribute(request, "victim_request") if category.asks_victim_request else ""
    names = [request.POST.get("last_name", "").strip(), request.POST.get("first_name", "").strip()]
    return TipInput(
        category=category,
        description=request.POST.get("description", ""),
        province=province,
        commune=commune,
        address=address,
        occurred_at=_datetime(_attribute(request, "occurred_at"), "attribute[occurred_at]"),
        occurred_text=_attribute(request, "occurred_text"),
        people=_attribute(request, "people"),
        vehicles=_attribute(request, "vehicles"),
        victim_request=victim_request,
        union_branch=branch,
        contact_name=" ".join(name for name in names if name),
        contact_phone=request.POST.get("phone", "").strip(),
        contact_email=request.POST.get("email", "").strip(),
    )


# Service field names, as the Open311 client wrote them.
PARAMETER_NAMES = {
    "description": "description",
    "province": "attribute[province_code]",
    "commune": "address_id",
    "address": "address_string",
    "occurred_at": "attribute[occurred_at]",
    "occurred_text": "attribute[occurred_text]",
    "people": "attribute[people]",
    "vehicles": "attribute[vehicles]",
    "victim_request": "attribute[victim_request]",
    "union_branch": "attribute[union_branch]",
    "contact_name": "first_name/last_name",
    "contact_phone": "phone",
    "contact_email": "email",
    "category": "service_code",
}


def _rejected(errors: dict[str, list[str]]) -> Open311Error:
    descriptions = [
        f"{PARAMETER_NAMES.get(field, field)}: {message}" if field else message
        for field, messages in errors.items()
        for message in messages
    ]
    return Open311Error(400, *descriptions)


# --- Endpoints ----------------------------------------------------------------------------------


@public
@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    here = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("The police of your commune; for this service, its operator."),
            "key_service": _("No API key is needed: anyone may send a tip."),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": here.rsplit("/", 1)[0] + "/",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@public
@open311_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", selectors.service_list())


@public
@open311_view("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = _category(code)
    return render(fmt, "service_definition", selectors.service_definition(category))


@public
@open311_view("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    """BLTTHS Art. 144–146: the tip is entered in the receiving unit's register at once."""
    category = _category(request.POST.get("service_code", "").strip())
    try:
        check_intake_rate(request)
    except ApiRefusalError as refusal:
        raise Open311Error(429, refusal.detail, retry_after=refusal.retry_after) from None
    try:
        submitted = tip_submit(
            data=_tip_input(request, category),
            channel=Channel.OPEN311,
            # Open311 apps send no cookie: the client is its address for the day.
            sender_client=ratelimit.client_key(request),
        )
    except TipRejectedError as rejected:
        if rejected.retry_after:  # the server is busy cleaning files: try again shortly
            descriptions = [m for messages in rejected.errors.values() for m in messages]
            raise Open311Error(503, *descriptions, retry_after=rejected.retry_after) from None
        raise _rejected(rejected.errors) from None
    # Never the receipt itself: the spec publishes service_notice in GET requests too.
    notice = _(
        "Your tip was received by %(unit)s. Keep the receipt given in the “receipt” field of "
        "this answer: it is shown only now and is the only way to see what happened and to "
        "answer the police, on the follow-up page or with POST /api/v1/tips/follow-up."
    ) % {"unit": submitted.tip.register_unit.name}
    if request.POST.get("media_url", "").strip():
        notice += " " + _(
            "The media_url was not fetched: send photos and files through the web form or "
            "the JSON API."
        )
    response = render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": submitted.tip.reference,
                "service_notice": notice,
                "account_id": None,
                "receipt": submitted.receipt,
            }
        ],
        status=201,
    )
    response["Cache-Control"] = "no-store"
    return response


def _split(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in request.GET.get(name, "").split(",") if part.strip()]


def _request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    statuses = _split(request, "status")
    if set(statuses) - {"open", "closed"}:
        raise Open311Error(400, _("status is open or closed."))
    start = _datetime(request.GET.get("start_date", ""), "start_date")
    end = _datetime(request.GET.get("end_date", ""), "end_date")
    if start and end and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if start and end and end - start > selectors.DEFAULT_WINDOW:
        raise Open311Error(400, _("start_date and end_date may be at most 90 days apart."))
    rows = selectors.request_list(
        references=_split(request, "service_request_id"),
        service_codes=_split(request, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
        now=timezone.now(),
    )
    return render(fmt, "service_requests", rows)


@public
@open311_view("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    row = selectors.request_get(request_id, now=timezone.now())
    if row is None:
        raise Open311Error(
            404, _("No request with service_request_id “%(id)s”.") % {"id": request_id}
        )
    return render(fmt, "service_requests", [row])


@public
@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under the endpoint, e.g. an unknown format (`services.csv`): the spec's
    error document, in XML when the address asks for it and JSON otherwise."""
    fmt = XML if request.path.endswith(".xml") else JSON
    return render_errors(
        fmt,
        404,
        [
            _("No such endpoint. Endpoints end in .json or .xml; see %(discovery)s.")
            % {"discovery": reverse("open311:discovery", kwargs={"fmt": JSON})}
        ],
    )
