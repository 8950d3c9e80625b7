"""A confirmed phishing link must not carry its victim's data: the link a victim got often
holds their e-mail, phone number, a per-victim token in its path or query, or the code they
typed after "#". The attack (or accident) is that data travelling from one victim's tip into
the public check, the exports partners receive, and the officers' pages."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from toandan.antifraud import exchange, selectors, services
from toandan.antifraud.models import Indicator
from toandan.identifiers.extract import identify
from toandan.identifiers.links import redact_url
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db

# As a victim received it, in an SMS pretending to be Vietcombank.
VICTIM_LINK = (
    "https://vietcombank-xacthuc.example/kh/nguyen.van.a@gmail.com/0912345678/"
    "xac-thuc?sdt=0912345678&token=8f3a9c2b7d1e4f6a9b0c&ref=sms#otp=482913"
)
ANOTHER_VICTIM = (
    "https://vietcombank-xacthuc.example/kh/tran.thi.b@yahoo.com/0987654321/"
    "xac-thuc?sdt=0987654321&token=1a2b3c4d5e6f7a8b9c0d&ref=sms"
)
VICTIM_DATA = (
    "nguyen.van.a",
    "gmail",
    "0912345678",
    "912345678",
    "8f3a9c2b7d1e4f6a9b0c",
    "482913",
)


def test_redaction_keeps_the_site_and_the_kit_not_the_victim() -> None:
    (identifier,) = identify(VICTIM_LINK)
    redacted = redact_url(identifier.value)
    assert redacted == (
        "https://vietcombank-xacthuc.example/kh/[redacted]/[redacted]/xac-thuc?sdt=&token=&ref="
    )
    (other,) = identify(ANOTHER_VICTIM)
    assert redact_url(other.value) == redacted  # one kit, one indicator
    assert redact_url("https://evil.example/login") == "https://evil.example/login"


def _confirm(officer: Any, tip: Any) -> Indicator:
    facts = fraud_tip_identifiers(officer, tip.pk)
    assert facts is not None
    url = next(i for i in facts.identifiers if i.kind == "url")
    return services.indicator_report_confirm(actor=officer, tip=facts, identifier=url).indicator


def test_a_confirmed_phishing_link_carries_no_victim_data_anywhere(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, leader_hanoi: Any
) -> None:
    sms = f"[VCB] Tai khoan bi khoa, xac thuc tai {VICTIM_LINK} truoc 17h."
    indicator = _confirm(officer_hoan_kiem, fraud_tip(description=sms))
    # A second victim's link to the same kit is the same indicator, a second report.
    indicator = _confirm(officer_hoan_kiem, fraud_tip(description=f"Vao {ANOTHER_VICTIM} ngay"))
    assert Indicator.objects.filter(kind="url").count() == 1
    assert indicator.report_count == 2
    services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)

    stored = f"{indicator.value} {indicator.display}"
    stix = exchange.export_stix(exchange.indicators_in_force())
    rows = exchange.export_csv(exchange.indicators_in_force())
    assert list(csv.reader(io.StringIO(rows)))[1:]  # the link is exported
    staff = Client()
    staff.force_login(leader_hanoi)
    page = staff.get(f"/fraud/staff/indicators/{indicator.pk}/").content.decode()
    for text in (stored, stix, rows, page):
        for secret in VICTIM_DATA:
            assert secret not in text, (secret, text[:300])

    # A third victim checking their own link finds it listed, with nothing of the others.
    third = VICTIM_LINK.replace("nguyen.van.a@gmail.com", "le.c@outlook.com")
    (verdict,) = services.fraud_check(third)
    assert verdict.verdict == selectors.VERIFIED
    response = Client().post("/fraud/", {"q": third}).content.decode()
    for secret in ("nguyen.van.a", "tran.thi.b", "0987654321"):
        assert secret not in response
