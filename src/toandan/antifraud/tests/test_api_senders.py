"""Independent senders of tips that carry no device cookie: the JSON API and Open311.

The attack: one script posts the same number several times through the public API (no
contact, no cookie) to get it shown as "being verified". A tip sent by API or Open311 carries
the day's key of its client's address (`toandan.core.ratelimit.client_key`, sealed and hashed
like the other sender keys), so one client counts once that day; another client counts apart.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from toandan.antifraud import selectors, services
from toandan.antifraud.tests.conftest import HANOI, HOAN_KIEM
from toandan.tips.interface.fraud import fraud_tip_identifiers
from toandan.tips.models import Tip

pytestmark = pytest.mark.django_db

ACCOUNT = ("bank_account", "970436:0011004567890")
ACCOUNT_TEXT = "Vietcombank 0011004567890"
SCAM = "Goi 0531 234 567, chuyen phi vao STK 0011004567890 Vietcombank de mo khoa tai khoan."
SCRIPT = "203.0.113.7"  # RFC 5737 documentation addresses
OTHER = "203.0.113.80"


def _verdict(text: str) -> str:
    (verdict,) = services.fraud_check(text)
    return str(verdict.verdict)


def _confirm(officer: Any, tip: Tip) -> Any:
    facts = fraud_tip_identifiers(officer, tip.pk)
    assert facts is not None
    (identifier,) = [i for i in facts.identifiers if i.key == ACCOUNT]
    return services.indicator_report_confirm(actor=officer, tip=facts, identifier=identifier)


def _api_tip(address: str, contact_phone: str = "") -> Tip:
    body: dict[str, Any] = {
        "category": "fraud-fake-bank",
        "description": SCAM,
        "province": HANOI,
        "commune": HOAN_KIEM,
    }
    if contact_phone:
        body["contact"] = {"name": "", "phone": contact_phone, "email": ""}
    response = Client(REMOTE_ADDR=address).post(
        "/api/v1/tips", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return Tip.objects.get(reference=response.json()["reference"])


def _open311_tip(address: str) -> Tip:
    response = Client(REMOTE_ADDR=address).post(
        "/open311/v2/requests.json",
        {"service_code": "fraud-fake-bank", "description": SCAM, "address_id": HOAN_KIEM},
    )
    assert response.status_code == 201, response.content
    (answer,) = response.json()
    return Tip.objects.get(reference=answer["service_request_id"])


def test_one_script_posting_a_number_three_times_through_the_api_is_one_sender(
    officer_hoan_kiem: Any,
) -> None:
    for _tip in range(3):
        indicator = _confirm(officer_hoan_kiem, _api_tip(SCRIPT)).indicator
    assert indicator.reports.count() == 3
    assert indicator.report_count == 1
    assert indicator.unkeyed_reports == 0
    assert _verdict(ACCOUNT_TEXT) == selectors.NO_INFORMATION
    # A second client is a second sender: the listing rule's 2 is reached.
    indicator = _confirm(officer_hoan_kiem, _api_tip(OTHER)).indicator
    assert indicator.report_count == 2
    assert _verdict(ACCOUNT_TEXT) == selectors.UNDER_VERIFICATION


def test_one_script_posting_through_open311_is_one_sender(officer_hoan_kiem: Any) -> None:
    for _tip in range(3):
        indicator = _confirm(officer_hoan_kiem, _open311_tip(SCRIPT)).indicator
    assert indicator.report_count == 1
    assert _verdict(ACCOUNT_TEXT) == selectors.NO_INFORMATION
    indicator = _confirm(officer_hoan_kiem, _open311_tip(OTHER)).indicator
    assert indicator.report_count == 2
    assert _verdict(ACCOUNT_TEXT) == selectors.UNDER_VERIFICATION


def test_a_script_making_up_a_contact_for_each_tip_is_still_one_sender(
    officer_hoan_kiem: Any,
) -> None:
    """Nobody checks a contact phone given with a tip: a fresh made-up one per tip must not
    make a fresh sender while the client is the same."""
    _confirm(officer_hoan_kiem, _api_tip(SCRIPT, contact_phone="0912 000 001"))
    indicator = _confirm(officer_hoan_kiem, _api_tip(SCRIPT, contact_phone="0912 000 002"))
    assert indicator.indicator.report_count == 1
    assert _verdict(ACCOUNT_TEXT) == selectors.NO_INFORMATION


def test_one_phone_keeps_its_ipv6_network_however_it_changes_its_address(
    officer_hoan_kiem: Any,
) -> None:
    """A phone on IPv6 holds a whole /64 and may take a new address in it per request."""
    _confirm(officer_hoan_kiem, _api_tip("2001:db8:5:7::1"))
    indicator = _confirm(officer_hoan_kiem, _api_tip("2001:db8:5:7:aaaa::2")).indicator
    assert indicator.report_count == 1


def test_two_browsers_on_one_wifi_are_two_senders(officer_hoan_kiem: Any, settings: Any) -> None:
    """The web rule is unchanged: members at a meeting on one Wi-Fi (one address) are told
    apart by their browsers' device cookies, so their web tips count apart."""
    from toandan.tips.tests.intake.test_forms import tip_data

    form = tip_data(
        category="fraud-fake-bank", description=SCAM, contact_name="", contact_phone="",
        contact_email="", occurred_on="", occurred_until="",
    )  # fmt: skip
    for _member in range(2):
        browser = Client(REMOTE_ADDR=SCRIPT)
        browser.get("/tips/new/")  # each browser gets its own device cookie
        assert browser.post("/tips/new/", form).status_code == 302
    indicator = None
    for tip in Tip.objects.order_by("pk"):
        indicator = _confirm(officer_hoan_kiem, tip).indicator
    assert indicator is not None
    assert indicator.report_count == 2
    assert indicator.unkeyed_reports == 0


def test_the_officers_page_says_how_senders_are_counted(
    officer_hoan_kiem: Any, client: Any
) -> None:
    for _tip in range(2):
        indicator = _confirm(officer_hoan_kiem, _api_tip(SCRIPT)).indicator
    client.force_login(officer_hoan_kiem)
    page = client.get(f"/fraud/staff/indicators/{indicator.pk}/").content.decode()
    assert "cùng một địa chỉ mạng trong cùng một ngày" in page
    assert "không phân biệt được người gửi" not in page  # the API tips are told apart
