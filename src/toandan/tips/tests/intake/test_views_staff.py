"""The police's intake pages: entering a tip received by phone, in person or by mail, handing
the receipt over, and the intake record of a tip in the officer's jurisdiction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from toandan.accounts.tests.factories import logged_in
from toandan.audit.models import AuditEvent
from toandan.tips import services
from toandan.tips.models import Category, Channel, ReceiptKind, RouteRole, Tip
from toandan.tips.services import TipInput
from toandan.tips.tests.intake.test_forms import commune, province, tip_data

pytestmark = pytest.mark.django_db

STAFF_NEW = reverse("tips:staff_new")
STAFF_RECEIPT = reverse("tips:staff_receipt")
STAFF_CARD = reverse("tips:staff_receipt_card")


def staff_data(**overrides: Any) -> dict[str, Any]:
    data = tip_data(
        channel="phone",
        received_date="2026-01-18",
        received_time="08:15",
        contact_name="Trần Văn Bình",
        reason="",
    )
    data.update(overrides)
    return data


def web_tip() -> Tip:
    return services.tip_submit(
        data=TipInput(
            category=Category.objects.get(code="drug-trafficking"),
            description="Nhóm thanh niên bán ma túy ở cuối ngõ 12 phố Hàng Bạc.",
            province=province(),
            commune=commune(),
            address="Cuối ngõ 12",
            contact_name="Nguyễn Thị Lan",
            contact_phone="0912345678",
        )
    ).tip


# --- staff entry -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client):
    response = client.get(STAFF_NEW)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_cadre_hoan_kiem_may_not_enter_tips(cadre_hoan_kiem):
    response = logged_in(cadre_hoan_kiem).get(STAFF_NEW)

    assert response.status_code == 403


def test_an_officer_gets_the_form_with_channel_and_time_received(officer_hoan_kiem):
    response = logged_in(officer_hoan_kiem).get(STAFF_NEW)

    text = response.content.decode()
    assert response.status_code == 200
    assert 'name="channel"' in text
    for channel in ("phone", "in_person", "mail"):
        assert f'value="{channel}"' in text
    assert 'value="web"' not in text
    assert 'name="received_date"' in text
    assert 'name="received_time"' in text
    assert text.count("<optgroup") >= 5


def test_an_officer_records_a_phone_tip_and_hands_over_a_receipt(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    response = client.post(STAFF_NEW, staff_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == STAFF_RECEIPT
    tip = Tip.objects.get()
    assert tip.channel == Channel.PHONE
    assert tip.receipt_kind == ReceiptKind.STAFF_ISSUED
    assert tip.entered_by == officer_hoan_kiem

    shown = client.get(STAFF_RECEIPT)
    text = shown.content.decode()
    assert shown.status_code == 200
    groups = re.findall(r'<span class="receipt-group">(\d{4})</span>', text)
    assert len(groups) >= 4
    assert reverse("tips:intake_record_pdf", args=[tip.reference]) in text
    card = client.get(STAFF_CARD)
    assert card.status_code == 200
    assert card.content.startswith(b"%PDF")
    assert card["Cache-Control"] == "no-store"
    assert "no-store" in shown["Cache-Control"]

    # A reload (the officer's browser, or the back button) does not lose the receipt ...
    reloaded = client.get(STAFF_RECEIPT)
    assert reloaded.status_code == 200
    assert re.findall(r'<span class="receipt-group">(\d{4})</span>', reloaded.content.decode()) == (
        groups
    )
    assert client.get(STAFF_CARD).status_code == 200
    # ... until the officer confirms it is handed over or written down.
    done = client.post(STAFF_RECEIPT, {"written_down": "on"})
    assert done.status_code == 302
    assert client.get(STAFF_RECEIPT).status_code == 410
    assert client.get(STAFF_CARD).status_code == 404


def test_staff_form_errors_keep_what_was_typed(officer_hoan_kiem):
    data = staff_data(channel="")

    response = logged_in(officer_hoan_kiem).post(STAFF_NEW, data)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Trần Văn Bình" in text
    assert 'name="received_time" value="08:15"' in text
    assert Tip.objects.count() == 0


def test_a_citizens_receipt_page_is_not_the_staff_one(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)
    client.post(STAFF_NEW, staff_data())

    assert client.get(reverse("tips:receipt")).status_code == 410
    assert client.get(reverse("tips:receipt_card")).status_code == 404


# --- intake record ---------------------------------------------------------------------------


def test_the_officer_of_the_commune_gets_the_intake_record(officer_hoan_kiem):
    tip = web_tip()
    client = logged_in(officer_hoan_kiem)
    before = AuditEvent.objects.count()

    pdf = client.get(reverse("tips:intake_record_pdf", args=[tip.reference]))
    docx = client.get(reverse("tips:intake_record_docx", args=[tip.reference]))

    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "no-store"
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    # Opening the content is audited.
    assert AuditEvent.objects.count() > before


def test_the_province_leader_gets_it_too(leader_hanoi):
    tip = web_tip()

    response = logged_in(leader_hanoi).get(reverse("tips:intake_record_pdf", args=[tip.reference]))

    assert response.status_code == 200


def test_an_officer_of_another_commune_gets_404(officer_ba_dinh):
    tip = web_tip()
    client = logged_in(officer_ba_dinh)

    assert client.get(reverse("tips:intake_record_pdf", args=[tip.reference])).status_code == 404
    assert client.get(reverse("tips:intake_record_docx", args=[tip.reference])).status_code == 404


def test_an_unknown_reference_gets_404(officer_hoan_kiem):
    response = logged_in(officer_hoan_kiem).get(
        reverse("tips:intake_record_pdf", args=["KHONGCO1234"])
    )

    assert response.status_code == 404


def test_a_cadre_hoan_kiem_of_the_same_commune_is_refused_the_record(cadre_hoan_kiem):
    tip = web_tip()

    url = reverse("tips:intake_record_pdf", args=[tip.reference])

    response = logged_in(cadre_hoan_kiem).get(url)

    assert response.status_code == 403


def test_anonymous_visitors_cannot_get_the_record(client: Client):
    tip = web_tip()

    response = client.get(reverse("tips:intake_record_docx", args=[tip.reference]))

    assert response.status_code == 302


def test_a_phone_tip_goes_in_the_receiving_units_register_at_the_time_received(
    officer_hoan_kiem,
):
    """The Hoàn Kiếm officer takes a call about Ba Đình: Hoàn Kiếm received it (its register,
    the time of the call), Ba Đình gets an information copy, and the officer can print the
    intake record of the tip just entered (BLTTHS Art. 146)."""
    client = logged_in(officer_hoan_kiem)
    ba_dinh = commune("00004")

    response = client.post(
        STAFF_NEW,
        staff_data(commune=str(ba_dinh.pk), received_date="2026-01-18", received_time="15:20"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    tip = Tip.objects.get()
    assert tip.register_unit.code == "CA-01-00070"
    assert tip.register_number.startswith("CA-01-00070/2026/")
    assert timezone.localtime(tip.received_at).strftime("%d/%m/%Y %H:%M") == "18/01/2026 15:20"
    routes = {(r.org_unit.code, r.role) for r in tip.routes.all()}
    assert ("CA-01-00070", RouteRole.PRIMARY) in routes
    assert ("CA-01-00004", RouteRole.INFORMATION) in routes
    record = client.get(reverse("tips:intake_record_pdf", args=[tip.reference]))
    assert record.status_code == 200


def test_a_received_time_in_the_future_is_refused_next_to_the_field(officer_hoan_kiem):
    client = logged_in(officer_hoan_kiem)

    response = client.post(STAFF_NEW, staff_data(received_date="2099-01-01"))

    assert response.status_code == 200
    assert not Tip.objects.exists()
