"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML, against the spec
(http://wiki.open311.org/GeoReport_v2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from toandan.open311 import selectors
from toandan.tips import crypto
from toandan.tips.models import (
    Category,
    CategoryGroup,
    Channel,
    Tip,
    TipAction,
    TipEvent,
    TipStatus,
)
from toandan.tips.services import TipInput, tip_submit

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
DESCRIPTION = "Có người bẻ khóa xe máy trước cổng chợ Hàng Bè lúc 21 giờ."
PHONE = "0912345678"
EMAIL = "lan.nguyen@example.vn"
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
}
PUBLIC_REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
}


@pytest.fixture(autouse=True)
def _isolated_keys_and_limits(settings, tmp_path):
    settings.TOANDAN_KEYRING_FILE = tmp_path / "keys" / "keyring.json"
    settings.TOANDAN_ATTACHMENTS_DIR = tmp_path / "attachments"
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = 1024
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 1
    crypto.forget_cached_keyring()
    crypto.keyring_create()
    cache.clear()
    yield
    crypto.forget_cached_keyring()
    cache.clear()


@pytest.fixture
def theft(db) -> Category:
    return Category.objects.create(
        code="test-theft",
        group=CategoryGroup.PROPERTY,
        name_vi="Trộm cắp tài sản (thử)",
        name_en="Theft (test)",
        description_vi="Mất trộm xe, tài sản.",
        asks_victim_request=False,
        order=1,
        open311_listed=True,
    )


@pytest.fixture
def fight(db) -> Category:
    return Category.objects.create(
        code="test-fight",
        group=CategoryGroup.VIOLENCE,
        name_vi="Đánh nhau gây thương tích (thử)",
        name_en="Fight (test)",
        asks_victim_request=True,
        order=2,
        open311_listed=True,
    )


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)  # noqa: S314 - our own response, parsed to check it


def children(element: ET.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


def create(client: Client, fmt: str = "json", **params: Any):
    data = {"service_code": "test-theft", "description": DESCRIPTION, **params}
    return client.post(f"{BASE}/requests.{fmt}", data)


def created_tip(response) -> tuple[Tip, dict[str, Any]]:
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    return Tip.objects.get(reference=answer["service_request_id"]), answer


# --- discovery and services ----------------------------------------------------------------------


def test_discovery_json_names_the_spec_and_both_formats(client):
    response = client.get(f"{BASE}/discovery.json")

    assert response.status_code == 200
    body = response.json()
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert endpoint["type"] == "production"
    assert body["changeset"].endswith("+07:00")


def test_discovery_xml(client):
    root = xml(client.get(f"{BASE}/discovery.xml"))

    assert root.tag == "discovery"
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(children(root))
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_json_lists_each_active_category(client, theft, fight):
    Category.objects.create(
        code="test-retired",
        group=CategoryGroup.OTHER,
        name_vi="Đã bỏ",
        name_en="Retired",
        asks_victim_request=False,
        active=False,
    )

    services = {s["service_code"]: s for s in client.get(f"{BASE}/services.json").json()}

    assert "test-retired" not in services
    theft_service = services["test-theft"]
    assert set(theft_service) == SERVICE_FIELDS
    assert theft_service["service_name"] == "Trộm cắp tài sản (thử)"
    assert theft_service["description"] == "Mất trộm xe, tài sản."
    assert theft_service["metadata"] is True
    assert theft_service["type"] == "realtime"
    assert theft_service["group"]


def test_services_xml_has_every_element_of_the_spec(client, theft):
    root = xml(client.get(f"{BASE}/services.xml"))

    assert root.tag == "services"
    service = next(s for s in root.findall("service") if s.findtext("service_code") == "test-theft")
    assert set(children(service)) == SERVICE_FIELDS
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_xml_escapes_names_it_did_not_write(client):
    Category.objects.create(
        code="test-escape",
        group=CategoryGroup.OTHER,
        name_vi='Trộm & "cướp" <giật>',
        name_en="x",
        asks_victim_request=False,
    )

    root = xml(client.get(f"{BASE}/services.xml"))

    names = [s.findtext("service_name") for s in root.findall("service")]
    assert 'Trộm & "cướp" <giật>' in names


def test_service_definition_json_asks_victim_request_only_where_the_law_needs_it(
    client, theft, fight
):
    fight_def = client.get(f"{BASE}/services/test-fight.json").json()
    theft_def = client.get(f"{BASE}/services/test-theft.json").json()

    assert fight_def["service_code"] == "test-fight"
    codes = [a["code"] for a in fight_def["attributes"]]
    assert {"province_code", "commune_code", "occurred_at", "people", "vehicles"} <= set(codes)
    assert "victim_request" in codes
    assert "victim_request" not in [a["code"] for a in theft_def["attributes"]]
    for attribute in fight_def["attributes"]:
        assert set(attribute) >= ATTRIBUTE_FIELDS
        assert attribute["datatype"] in {
            "string",
            "number",
            "datetime",
            "text",
            "singlevaluelist",
            "multivaluelist",
        }
        # Only the victim's request is required, where the law needs it (BLTTHS Art. 155).
        assert attribute["required"] is (attribute["code"] == "victim_request")
    orders = [a["order"] for a in fight_def["attributes"]]
    assert orders == sorted(orders)
    victim = next(a for a in fight_def["attributes"] if a["code"] == "victim_request")
    assert victim["datatype"] == "singlevaluelist"
    assert {v["key"] for v in victim["values"]} == {"yes", "no", "unknown"}
    province = next(a for a in fight_def["attributes"] if a["code"] == "province_code")
    assert len(province["values"]) == 34
    assert {"key": "01", "name": "Thành phố Hà Nội"} in province["values"]


def test_service_definition_xml(client, fight):
    root = xml(client.get(f"{BASE}/services/test-fight.xml"))

    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "test-fight"
    attributes = root.findall("attributes/attribute")
    assert attributes
    for attribute in attributes:
        assert set(children(attribute)) >= ATTRIBUTE_FIELDS
    victim = next(a for a in attributes if a.findtext("code") == "victim_request")
    assert victim.findtext("required") == "true"
    assert [v.findtext("key") for v in victim.findall("values/value")] == ["yes", "no", "unknown"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_a_404_in_the_error_format(client, fmt):
    response = client.get(f"{BASE}/services/no-such-service.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        (error,) = response.json()
        assert error["code"] == 404
        assert "no-such-service" in error["description"]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert "no-such-service" in (root.findtext("error/description") or "")


# --- POST requests -------------------------------------------------------------------------------


def test_post_json_with_a_commune_code_creates_an_open311_tip_and_returns_the_receipt(
    client, theft
):
    response = create(
        client,
        address_id="00070",
        first_name="Lan",
        last_name="Nguyễn Thị",
        phone=PHONE,
        email=EMAIL,
        **{"attribute[people]": "Hai thanh niên", "attribute[occurred_text]": "tối qua"},
    )

    tip, answer = created_tip(response)
    assert tip.channel == Channel.OPEN311
    assert tip.commune is not None
    assert tip.commune.code == "00070"
    assert tip.has_contact
    assert set(answer) == {"service_request_id", "service_notice", "account_id", "receipt"}
    assert answer["account_id"] is None
    assert response["Cache-Control"] == "no-store"
    # The receipt is the tipster's way back in: it opens the tip through the JSON API.
    followed = client.post(
        "/api/v1/tips/follow-up", {"receipt": answer["receipt"]}, content_type="application/json"
    )
    assert followed.status_code == 200
    assert followed.json()["reference"] == tip.reference


def test_post_xml_with_lat_long_finds_the_nearest_commune(client, theft):
    # Hồ Hoàn Kiếm.
    response = create(client, "xml", lat="21.0287", long="105.8524")

    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert {"service_request_id", "service_notice", "account_id", "receipt"} <= set(
        children(request)
    )
    tip = Tip.objects.get(reference=request.findtext("service_request_id"))
    assert tip.channel == Channel.OPEN311
    assert tip.commune is not None
    assert (tip.commune.name, tip.province.code) == ("Phường Hoàn Kiếm", "01")


def test_post_with_an_address_string_reads_the_place_offline(client, theft):
    response = create(client, address_string="Số 5 Hàng Bè, phường Hoàn Kiếm, Hà Nội")

    tip, _answer = created_tip(response)
    assert tip.commune is not None
    assert tip.commune.code == "00070"


def test_post_with_only_a_province_goes_to_the_province_police(client, theft):
    response = create(client, **{"attribute[province_code]": "79"})

    tip, _answer = created_tip(response)
    assert tip.commune is None
    assert tip.province.code == "79"
    assert tip.register_unit.code == "CA-79"


def test_post_province_code_wins_over_a_commune_only_read_from_the_address(client, theft):
    response = create(
        client,
        address_string="phường Hoàn Kiếm, Hà Nội",
        **{"attribute[province_code]": "79"},
    )

    tip, _answer = created_tip(response)
    assert (tip.province.code, tip.commune) == ("79", None)


def test_post_commune_and_province_that_disagree_is_a_400(client, theft):
    response = create(client, address_id="00070", **{"attribute[province_code]": "79"})

    assert response.status_code == 400
    assert not Tip.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_unknown_service_code_is_a_404_in_the_error_format(client, theft, fmt):
    # The spec: "404 - service_code or jurisdiction_id was not found".
    response = create(client, fmt, service_code="no-such-service", address_id="00070")

    assert response.status_code == 404
    if fmt == "json":
        (error,) = response.json()
        assert error["code"] == 404
        assert "no-such-service" in error["description"]
    else:
        assert xml(response).findtext("error/code") == "404"
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {},  # nowhere
        {"lat": "21.03"},  # half a position
        {"lat": "48.85", "long": "2.35"},  # Paris
        {"lat": "north", "long": "105.85"},
        {"address_id": "99999"},
        {"address_string": "somewhere nice"},
    ],
)
def test_post_without_a_usable_place_is_a_400(client, theft, params):
    response = create(client, **params)

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert not Tip.objects.exists()


def test_post_rules_of_the_tip_come_back_as_400_naming_the_parameter(client, theft, settings):
    settings.TOANDAN_TIP_MAX_TEXT_CHARS = 10

    response = create(client, address_id="00070")

    assert response.status_code == 400
    assert any(e["description"].startswith("description:") for e in response.json())


def test_post_media_url_is_not_fetched_and_the_notice_says_so(client, theft):
    response = create(client, address_id="00070", media_url="http://203.0.113.9/anh.jpg")

    _tip, answer = created_tip(response)
    assert "media_url" in answer["service_notice"]


def test_post_needs_no_api_key_and_no_csrf_token(theft):
    # Open311 clients are apps without cookies: the exemption is deliberate.
    client = Client(enforce_csrf_checks=True)

    response = create(client, address_id="00070", api_key="anything")

    assert response.status_code == 201


def test_post_flood_from_one_client_is_rate_limited_in_the_error_format(client, theft, settings):
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 1
    client.get("/open311/v2/discovery.json")  # a client that keeps its device cookie
    created_tip(create(client, address_id="00070"))

    response = create(client, "xml", address_id="00070")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert xml(response).findtext("error/code") == "429"
    assert Tip.objects.count() == 1


def test_post_without_victim_request_for_a_fight_is_a_400_naming_the_attribute(client, fight):
    response = create(client, service_code="test-fight", address_id="00070")

    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("attribute[victim_request]:")


def test_post_victim_request_attribute_is_kept_for_categories_that_ask(client, fight):
    response = create(
        client,
        service_code="test-fight",
        address_id="00070",
        **{"attribute[victim_request]": "yes"},
    )

    tip, _answer = created_tip(response)
    assert tip.victim_request == "yes"


# --- GET requests --------------------------------------------------------------------------------


def _tip_via_open311(client: Client, **params: Any) -> Tip:
    tip, _answer = created_tip(
        create(client, address_id="00070", phone=PHONE, email=EMAIL, **params)
    )
    return tip


def _old_enough() -> dt.datetime:
    """A time past the public list's delay (days counted from local midnight)."""
    return timezone.now() - dt.timedelta(days=settings.TOANDAN_OPEN311_LIST_DELAY_DAYS + 1)


def _listed_tip(client: Client, **params: Any) -> Tip:
    """A tip old enough for the public list."""
    tip = _tip_via_open311(client, **params)
    Tip.objects.filter(pk=tip.pk).update(received_at=_old_enough())
    tip.refresh_from_db()
    return tip


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_request_never_shows_the_text_place_or_contact(client, theft, fmt):
    tip = _tip_via_open311(client, address_string="Số 5 Hàng Bè")

    response = client.get(f"{BASE}/requests/{tip.reference}.{fmt}")

    assert response.status_code == 200
    for secret in (DESCRIPTION, "Hàng Bè", PHONE, EMAIL, tip.register_number):
        assert secret.encode() not in response.content
    if fmt == "json":
        (row,) = response.json()
        assert set(row) == PUBLIC_REQUEST_FIELDS
    else:
        (row,) = xml(response).findall("request")
        row = children(row)
        assert set(row) == PUBLIC_REQUEST_FIELDS
    assert row["service_request_id"] == tip.reference
    assert row["status"] == "open"
    assert row["service_code"] == "test-theft"
    assert row["agency_responsible"] == "Công an phường Hoàn Kiếm"
    assert row["requested_datetime"].endswith("+07:00")
    requested = dt.datetime.fromisoformat(row["requested_datetime"])
    # Cut to the day, so it cannot be matched to the hour someone was seen using a phone.
    assert (requested.hour, requested.minute, requested.second) == (0, 0, 0)
    assert requested <= tip.received_at < requested + dt.timedelta(days=1)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_id_is_a_404_in_the_error_format(client, fmt):
    response = client.get(f"{BASE}/requests/NOSUCHREF.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404
    else:
        root = xml(response)
        assert (root.tag, root.findtext("error/code")) == ("errors", "404")


def test_get_requests_defaults_to_the_last_90_days(client, theft):
    recent = _listed_tip(client)
    old = _listed_tip(client)
    Tip.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(days=120))

    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    start = (timezone.now() - dt.timedelta(days=130)).isoformat()
    end = (timezone.now() - dt.timedelta(days=100)).isoformat()
    older = client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()

    assert listed == [recent.reference]
    assert [r["service_request_id"] for r in older] == [old.reference]


def test_get_requests_filters_by_id_code_and_status(client, theft, fight):
    first = _listed_tip(client)
    second = _listed_tip(client)
    fought = _listed_tip(
        client, service_code="test-fight", **{"attribute[victim_request]": "unknown"}
    )
    _concluded(second, at=second.received_at)

    def ids(**params: str) -> set[str]:
        rows = client.get(f"{BASE}/requests.json", params).json()
        return {r["service_request_id"] for r in rows}

    assert ids(service_request_id=f"{first.reference},{fought.reference}") == {
        first.reference,
        fought.reference,
    }
    assert ids(service_code="test-fight") == {fought.reference}
    assert ids(status="closed") == {second.reference}
    assert ids(status="open") == {first.reference, fought.reference}
    assert ids(service_code="test-theft", status="open") == {first.reference}


def test_get_requests_xml_lists_requests(client, theft):
    tip = _listed_tip(client)

    root = xml(client.get(f"{BASE}/requests.xml"))

    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [tip.reference]
    assert DESCRIPTION.encode() not in ET.tostring(root, encoding="utf-8")


def test_get_requests_is_two_queries_however_many_tips(client, theft, django_assert_num_queries):
    for _ in range(3):
        _listed_tip(client)

    # The tips with their category and unit, then their routes.
    with django_assert_num_queries(2):
        rows = client.get(f"{BASE}/requests.json").json()

    assert len(rows) == 3


def test_get_requests_stops_at_the_maximum(client, theft, monkeypatch):
    for _ in range(3):
        _listed_tip(client)
    monkeypatch.setattr("toandan.open311.selectors.MAX_REQUESTS", 2)

    assert len(client.get(f"{BASE}/requests.json").json()) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2025-12-01T00:00:00+07:00"},
        {"start_date": "2025-01-01T00:00:00+07:00", "end_date": "2025-12-01T00:00:00+07:00"},
    ],
)
def test_get_requests_bad_filters_are_a_400(client, params):
    response = client.get(f"{BASE}/requests.json", params)

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_other_methods_are_a_405_in_the_error_format(client, fmt):
    response = client.delete(f"{BASE}/services.{fmt}")

    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("path", ["services.csv", "requests.html", "services", "nothing.json"])
def test_other_formats_and_paths_are_a_404_in_the_json_error_format(client, path):
    response = client.get(f"{BASE}/{path}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    (error,) = response.json()
    assert error["code"] == 404
    assert "discovery.json" in error["description"]


def test_an_unknown_path_ending_in_xml_gets_the_xml_error_format(client):
    response = client.get(f"{BASE}/nothing.xml")

    assert response.status_code == 404
    assert xml(response).findtext("error/code") == "404"


# --- control characters in XML -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("services/%01x.xml", {}),
        ("services/a%0bb%1f.xml", {}),
        ("requests/%01%08.xml", {}),
        ("requests.xml", {"service_code": "\x01"}),
        ("requests.xml", {"service_request_id": "\x01,\x1f"}),
        ("requests.xml", {"start_date": "\x01"}),
    ],
)
def test_control_characters_in_the_request_do_not_break_the_xml_answer(client, path, params):
    response = client.get(f"{BASE}/{path}", params)

    root = xml(response)  # ElementTree refuses a document that is not well-formed
    assert root.tag in {"errors", "service_requests"}
    assert b"\x01" not in response.content


def test_an_unknown_service_code_with_a_control_character_is_a_404_in_xml(client):
    response = client.get(f"{BASE}/services/%01x.xml")

    assert response.status_code == 404
    root = xml(response)
    assert root.findtext("error/code") == "404"
    assert "x" in (root.findtext("error/description") or "")


# --- ids, CORS, the list's delay, keywords ------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_request_ids_are_case_insensitive(client, theft, fmt):
    tip = _tip_via_open311(client)

    response = client.get(f"{BASE}/requests/{tip.reference.lower()}.{fmt}")

    assert response.status_code == 200
    assert tip.reference.encode() in response.content
    Tip.objects.filter(pk=tip.pk).update(received_at=_old_enough())
    rows = client.get(f"{BASE}/requests.json", {"service_request_id": tip.reference.lower()}).json()
    assert [row["service_request_id"] for row in rows] == [tip.reference]


@pytest.mark.parametrize(
    "path", ["discovery.json", "services.xml", "services/test-theft.json", "requests.json"]
)
def test_get_answers_may_be_read_by_any_web_page(client, theft, path):
    response = client.get(f"{BASE}/{path}")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_get_request_detail_and_its_404_carry_cors(client, theft):
    tip = _tip_via_open311(client)

    assert client.get(f"{BASE}/requests/{tip.reference}.json")["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"{BASE}/requests/NOSUCH.json")["Access-Control-Allow-Origin"] == "*"


def test_cross_site_page_cannot_read_a_posted_receipt(client, theft):
    response = create(client, address_id="00070", HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 201
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["services.json", "requests.json", "requests/ABC.xml"])
def test_a_preflight_is_answered_for_get_only(client, path):
    response = client.options(
        f"{BASE}/{path}",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET"
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_polling_the_list_does_not_tell_when_a_tip_arrived(client, theft):
    fresh = _tip_via_open311(client)
    older = _listed_tip(client)

    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": fresh.reference}).json()

    assert listed == [older.reference]  # the tip of a few seconds ago is not listed yet
    assert by_id == []
    # The sender, who knows the id, sees it at once.
    assert client.get(f"{BASE}/requests/{fresh.reference}.json").status_code == 200


def test_polling_the_list_tells_only_the_day_a_tip_arrived_days_later(theft, settings):
    settings.TOANDAN_OPEN311_LIST_DELAY_DAYS = 7
    tz = timezone.get_current_timezone()
    morning = dt.datetime(2026, 3, 2, 0, 30, tzinfo=tz)
    evening = dt.datetime(2026, 3, 2, 23, 30, tzinfo=tz)
    references = []
    for received_at in (morning, evening):
        tip = Tip.objects.get(pk=tip_submit(data=_theft_input(theft)).tip.pk)
        Tip.objects.filter(pk=tip.pk).update(received_at=received_at)
        references.append(tip.reference)

    def listed(
        now: dt.datetime, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[tuple[str, dt.datetime]]:
        rows = selectors.request_list(now=now, start=start, end=end)
        return [(row["service_request_id"], row["requested_datetime"]) for row in rows]

    # Seven days later, to the last second of the day: nothing yet, however often one polls.
    late = dt.datetime(2026, 3, 9, 23, 59, 59, tzinfo=tz)
    assert listed(late, start=morning - dt.timedelta(days=1)) == []
    # At midnight the whole day comes at once, dated to the day, by reference: not which
    # came first.
    midnight = dt.datetime(2026, 3, 10, 0, 0, tzinfo=tz)
    day = dt.datetime(2026, 3, 2, tzinfo=tz)
    whole_day = [(reference, day) for reference in sorted(references)]
    assert listed(midnight, start=morning - dt.timedelta(days=1)) == whole_day
    # Nor does any window with an end in that day: each takes the whole day or nothing.
    assert listed(midnight, start=evening) == whole_day
    assert listed(midnight, end=morning) == whole_day
    assert listed(midnight, start=morning + dt.timedelta(minutes=1), end=evening) == whole_day
    assert listed(midnight, start=evening + dt.timedelta(hours=1)) == []


def _concluded(tip: Tip, *, at: dt.datetime) -> None:
    """An officer concludes the tip at `at`, as the timeline records it."""
    Tip.objects.filter(pk=tip.pk).update(status=TipStatus.CONCLUDED, updated_at=at)
    TipEvent.objects.create(
        tip=tip,
        action=TipAction.NOT_PROSECUTE,
        from_status=TipStatus.RECEIVED,
        to_status=TipStatus.CONCLUDED,
        created_at=at,
    )


def _received_on(client: Client, *times: dt.datetime) -> list[Tip]:
    """Listed tips, received at these times."""
    tips = []
    for received_at in times:
        tip = _tip_via_open311(client)
        Tip.objects.filter(pk=tip.pk).update(received_at=received_at)
        tips.append(tip)
    return tips


def _local(days_ago: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))


def test_bisecting_the_dates_within_a_day_cannot_time_a_tip(client, theft):
    morning, evening = _received_on(client, _local(10, 8), _local(10, 20))
    both = {morning.reference, evening.reference}

    def listed(start: dt.datetime, end: dt.datetime) -> set[str]:
        window = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        return {r["service_request_id"] for r in client.get(f"{BASE}/requests.json", window).json()}

    # Halving the window around one hour after another: each half of the day gives the whole
    # day, so the answers never differ between the two tips.
    for start, end in [
        (_local(10, 0), _local(10, 12)),
        (_local(10, 12), _local(10, 23, 59, 59)),
        (_local(10, 8, 0, 1), _local(10, 19, 59, 59)),
        (_local(10, 7, 59, 59), _local(10, 8, 0, 1)),
        (_local(10, 20, 0, 1), _local(10, 23)),
    ]:
        assert listed(start, end) == both, (start, end)
    assert listed(_local(11, 0), _local(11, 23, 59, 59)) == set()


def test_tips_of_one_day_are_not_listed_in_the_order_they_arrived(client, theft):
    tips = _received_on(client, _local(10, 9), _local(10, 10), _local(10, 11))
    earlier_day = _received_on(client, _local(11, 23))
    first, second, third = sorted(tips, key=lambda tip: tip.reference)
    # They arrive second, first, third: neither reference order nor its reverse.
    for tip, received_at in (
        (second, _local(10, 9)),
        (first, _local(10, 10)),
        (third, _local(10, 11)),
    ):
        Tip.objects.filter(pk=tip.pk).update(received_at=received_at)

    listed = [r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()]

    # The newest day first; within a day by reference, which is random.
    assert listed == [first.reference, second.reference, third.reference, earlier_day[0].reference]


def test_a_tip_leaves_the_default_window_at_a_midnight_not_90_days_to_the_second(theft, client):
    (tip,) = _received_on(client, _local(0, 13))
    received = _local(0, 13)
    leaving = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=91), dt.time.min)
    )

    def listed(now: dt.datetime) -> list[str]:
        return [row["service_request_id"] for row in selectors.request_list(now=now)]

    # Exactly 90 days and one second after it arrived: still listed, as every tip of its day.
    assert listed(received + dt.timedelta(days=90, seconds=1)) == [tip.reference]
    assert listed(leaving - dt.timedelta(seconds=1)) == [tip.reference]
    assert listed(leaving) == []


def test_police_action_today_is_not_in_the_public_list_nor_in_the_request(client, theft):
    tip = _listed_tip(client)
    earlier = _local(settings.TOANDAN_OPEN311_LIST_DELAY_DAYS + 1, 23)
    Tip.objects.filter(pk=tip.pk).update(received_at=earlier, updated_at=earlier)
    # Today an officer concludes it.
    _concluded(tip, at=timezone.now())

    (listed,) = client.get(f"{BASE}/requests.json").json()
    (by_id,) = client.get(f"{BASE}/requests/{tip.reference}.json").json()
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()

    for row in (listed, by_id):
        # As of the list's cut-off: open, last changed on the day it arrived.
        assert row["status"] == "open"
        assert row["status_notes"] == "Công an đã tiếp nhận."
        assert dt.datetime.fromisoformat(row["updated_datetime"]).date() == earlier.date()
    assert closed == []


def test_police_action_before_the_cut_off_is_in_the_public_list(client, theft):
    tip = _listed_tip(client)
    before = _local(settings.TOANDAN_OPEN311_LIST_DELAY_DAYS + 1, 10)
    Tip.objects.filter(pk=tip.pk).update(received_at=before)
    _concluded(tip, at=before)

    (row,) = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()

    assert row["service_request_id"] == tip.reference
    assert row["status"] == "closed"
    assert client.get(f"{BASE}/requests.json", {"status": "open"}).json() == []


def test_a_sensitive_category_that_got_past_the_database_is_still_not_listed(client, theft):
    # The database refuses a listed sensitive category; the list must not depend on it alone.
    tip = _listed_tip(client)
    with _check_constraints_off():
        Category.objects.filter(pk=theft.pk).update(sensitive=True)

    response = client.get(f"{BASE}/requests.json")
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": tip.reference}).json()

    assert response.json() == by_id == []


@contextmanager
def _check_constraints_off() -> Iterator[None]:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        # Rolled back with the test's transaction.
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE tips_category DROP CONSTRAINT tips_category_sensitive_never_listed"
            )
        yield


def _theft_input(category: Category) -> TipInput:
    from toandan.geo.models import AdminUnit, Generation, Level

    province = AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.PROVINCE, code="01")
    return TipInput(category=category, description=DESCRIPTION, province=province)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_category_not_opted_in_is_never_in_the_public_list(client, theft, fmt):
    # A new category, as an administrator adds it: not listed until they say so.
    quiet = Category.objects.create(
        code="test-quiet",
        group=CategoryGroup.PROPERTY,
        name_vi="Chưa công khai (thử)",
        name_en="Not listed (test)",
        asks_victim_request=False,
    )
    shown = _listed_tip(client)
    hidden = _listed_tip(client, service_code=quiet.code)

    response = client.get(f"{BASE}/requests.{fmt}")
    by_code = client.get(f"{BASE}/requests.json", {"service_code": quiet.code}).json()
    by_id = client.get(f"{BASE}/requests.json", {"service_request_id": hidden.reference}).json()

    assert shown.reference.encode() in response.content
    assert hidden.reference.encode() not in response.content
    assert quiet.code.encode() not in response.content
    assert by_code == by_id == []
    # Its sender, who holds the reference, still follows it.
    assert client.get(f"{BASE}/requests/{hidden.reference}.json").status_code == 200


def test_a_drug_deal_tip_is_never_in_the_public_list_even_when_old(client):
    # The default categories: nothing is listed until an administrator opts a category in,
    # and the sensitive ones cannot be.
    tip = Tip.objects.get(
        pk=tip_submit(data=_theft_input(Category.objects.get(code="drug-trafficking"))).tip.pk
    )
    Tip.objects.filter(pk=tip.pk).update(received_at=_old_enough())

    response = client.get(f"{BASE}/requests.json")

    assert response.status_code == 200
    assert tip.reference not in {row["service_request_id"] for row in response.json()}
    assert b"drug-trafficking" not in response.content


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_receipt_is_never_in_the_service_notice(client, theft, fmt):
    # The spec publishes service_notice in GET requests too: an app or an aggregator that
    # keeps and shows it would publish the tipster's only key to the tip.
    response = create(client, fmt, address_id="00070")

    assert response.status_code == 201
    if fmt == "json":
        (answer,) = response.json()
    else:
        request = xml(response).find("request")
        assert request is not None
        answer = children(request)
    assert answer["receipt"]
    assert answer["receipt"] not in answer["service_notice"]
    assert answer["receipt"].replace(" ", "") not in answer["service_notice"].replace(" ", "")
    assert "receipt" in answer["service_notice"]  # it tells where the receipt is
    tip = Tip.objects.get(reference=answer["service_request_id"])
    Tip.objects.filter(pk=tip.pk).update(received_at=_old_enough())
    for path in ("requests.json", "requests.xml", f"requests/{tip.reference}.json"):
        assert answer["receipt"].encode() not in client.get(f"{BASE}/{path}").content


def test_service_keywords_are_vietnamese_for_a_vietnamese_client(client, theft):
    services = client.get(f"{BASE}/services.json").json()  # Vietnamese first
    keywords = next(s for s in services if s["service_code"] == "test-theft")["keywords"]

    assert "trộm cắp tài sản" in keywords
    assert "property" not in keywords
    assert "test-theft" not in keywords


def test_service_keywords_are_english_for_an_english_client(client, theft, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    services = client.get(f"{BASE}/services.json").json()
    keywords = next(s for s in services if s["service_code"] == "test-theft")["keywords"]

    assert "theft" in keywords.lower()
    assert "Trộm" not in keywords


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_server_failure_is_a_500_in_the_error_format(client, monkeypatch, fmt):
    def broken() -> list[dict[str, Any]]:
        raise RuntimeError("boom")

    monkeypatch.setattr("toandan.open311.selectors.service_list", broken)

    response = client.get(f"{BASE}/services.{fmt}")

    assert response.status_code == 500
    if fmt == "json":
        assert response.json()[0]["code"] == 500
    else:
        assert xml(response).findtext("error/code") == "500"
    assert b"boom" not in response.content


# --- any input is a 4xx: dates at the ends of the calendar, posts anywhere ---------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31T23:59:59Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "0001-01-01T00:00:00Z"},
        {"end_date": "9999-12-31T23:59:59Z"},
        {"start_date": "0001-01-01T00:00:00"},  # no zone: read as Vietnam time, before year 1
        {"start_date": "9999-12-31T23:00:00Z", "end_date": "9999-12-31T23:59:59Z"},
        {"start_date": "0001-01-01T00:00:00Z", "end_date": "0001-01-02T00:00:00Z"},
        {"start_date": "2026-02-30T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00+25:00"},
    ],
)
def test_get_requests_with_dates_at_the_ends_of_the_calendar_is_a_400_not_a_500(
    client, params, fmt
):
    response = client.get(f"{BASE}/requests.{fmt}", params)

    assert response.status_code == 400, response.content
    if fmt == "json":
        (error,) = response.json()
        description = error["description"]
    else:
        description = xml(response).findtext("error/description") or ""
    assert any(name in description for name in params)


@pytest.mark.parametrize(
    "occurred_at", ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
)
def test_post_with_an_occurred_at_at_the_ends_of_the_calendar_is_a_400_naming_it(
    client, theft, occurred_at
):
    response = create(client, address_id="00070", **{"attribute[occurred_at]": occurred_at})

    assert response.status_code == 400, response.content
    assert response.json()[0]["description"].startswith("attribute[occurred_at]")
    assert not Tip.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["nothing", "service", "requests/ABC/comments", "tokens/x"])
def test_post_to_an_unknown_path_is_a_404_in_the_error_format_not_a_csrf_page(path, fmt):
    # An Open311 app sends no cookie and no CSRF token: it must read the spec's error document.
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{BASE}/{path}.{fmt}", {"service_code": "theft"})

    assert response.status_code == 404, response.content[:200]
    if fmt == "json":
        assert response.json()[0]["code"] == 404
    else:
        assert xml(response).findtext("error/code") == "404"


@pytest.mark.parametrize(
    "path", ["discovery.json", "services.xml", "services/test-theft.json", "requests/ABC.xml"]
)
def test_post_to_a_get_endpoint_is_a_405_in_the_error_format_not_a_csrf_page(theft, path):
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{BASE}/{path}", {"service_code": "test-theft"})

    assert response.status_code == 405, response.content[:200]
    assert response["Allow"] == "GET"
    if path.endswith(".json"):
        assert response.json()[0]["code"] == 405
    else:
        assert xml(response).findtext("error/code") == "405"
    assert not Tip.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_without_a_service_code_is_a_400_naming_it(client, theft, fmt):
    response = create(client, fmt, service_code="", address_id="00070")

    assert response.status_code == 400
    assert b"service_code" in response.content


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("get", "services/a%00b.json", {}),
        ("get", "requests/AB%00CD.json", {}),
        ("get", "requests.json", {"service_code": "a\x00b"}),
        ("get", "requests.json", {"service_request_id": "AB\x00CD"}),
        ("get", "requests.json", {"status": "open\x00"}),
        ("get", "requests.json", {"start_date": "2026-01-01T00:00:00\x00Z"}),
        ("post", "requests.json", {"service_code": "test-theft\x00"}),
        ("post", "requests.json", {"address_id": "000\x0070"}),
        ("post", "requests.json", {"address_string": "Hàng Bạc\x00, Hà Nội"}),
        ("post", "requests.json", {"attribute[union_branch]": "PN\x00"}),
        ("post", "requests.json", {"attribute[province_code]": "0\x001"}),
    ],
)
def test_a_nul_character_anywhere_never_gives_a_500(client, theft, method, path, params):
    # PostgreSQL refuses NUL in a query parameter: it must never get one from a request. In a
    # path it is refused (400); in a parameter or a form field the input cleaning removes it
    # before the view reads it (`core.middleware.CleanInputTextMiddleware`).
    if method == "post":
        params = {"service_code": "test-theft", "address_id": "00070", **params}
    response = getattr(client, method)(f"{BASE}/{path}", params)

    assert response.status_code < 500, response.content
    if not params:
        assert response.status_code == 400
        assert response.json()[0]["code"] == 400
    assert "\x00" not in response.content.decode()


def _error_document(response, fmt: str) -> tuple[int, str]:
    if fmt == "json":
        (error,) = response.json()
        return error["code"], error["description"]
    root = xml(response)
    assert root.tag == "errors"
    return int(root.findtext("error/code") or 0), root.findtext("error/description") or ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_with_too_many_fields_is_a_400_not_a_500(client, theft, fmt):
    fields = {f"attribute[x{n}]": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = create(client, fmt, address_id="00070", **fields)

    assert response.status_code == 400
    assert _error_document(response, fmt)[0] == 400
    assert not Tip.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_get_with_too_many_parameters_is_a_400_not_a_500(client, fmt):
    query = "&".join(f"x{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(f"{BASE}/requests.{fmt}?{query}")

    assert response.status_code == 400
    assert _error_document(response, fmt)[0] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_form_body_larger_than_the_limit_is_a_413_not_a_500(client, theft, fmt, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = create(client, fmt, address_id="00070", description="x" * 2048)

    assert response.status_code == 413
    assert _error_document(response, fmt)[0] == 413
    assert not Tip.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_malformed_multipart_body_is_a_400_not_a_500(client, theft, fmt):
    response = client.generic(
        "POST",
        f"{BASE}/requests.{fmt}",
        b"--nothing-like-the-boundary\r\n\r\n",
        content_type="multipart/form-data; boundary=\x01",
    )

    assert response.status_code == 400
    assert _error_document(response, fmt)[0] == 400


def test_a_default_sensitive_category_unticked_and_listed_before_the_fix_is_not_listed(client):
    # Both tickboxes changed while `sensitive` could still be unticked: the database allows
    # it, the category's code still keeps its tips out.
    Category.objects.filter(code="prostitution").update(sensitive=False, open311_listed=True)
    tip = Tip.objects.get(
        pk=tip_submit(data=_theft_input(Category.objects.get(code="prostitution"))).tip.pk
    )
    Tip.objects.filter(pk=tip.pk).update(received_at=_old_enough())

    response = client.get(f"{BASE}/requests.json")

    assert response.json() == []
