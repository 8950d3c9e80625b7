"""The tip's reference and its receipt are two numbers: the receipt (20 digits) opens the tip,
the reference names it for the police.

The reference printed in bold next to the receipt ("Mã tra cứu", a "look-up code") was typed
into the follow-up page, which refused it like a wrong receipt, and into the inbox's filter,
which did not find it.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from toandan.accounts.tests.factories import logged_in
from toandan.tips import services
from toandan.tips.handling import inbox
from toandan.tips.handling.inbox import Box, InboxFilters
from toandan.tips.intake import documents
from toandan.tips.models import Tip
from toandan.tips.tests.conftest import tip_input
from toandan.tips.tests.intake.test_views import (
    FOLLOWUP,
    RECEIPT,
    _rejection,
    open_tip,
    page,
    submitted_receipt,
)

pytestmark = pytest.mark.django_db


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{ref_spaced}"])
def test_the_inbox_finds_a_tip_by_its_reference(officer_hoan_kiem, typed):
    tip = services.tip_submit(data=tip_input()).tip
    services.tip_submit(data=tip_input())  # another tip, not found
    ref = tip.reference
    text = typed.format(ref=ref, ref_lower=ref.lower(), ref_spaced=f" {ref[:4]} {ref[4:]} ")

    found = list(inbox.inbox_tips(officer_hoan_kiem, InboxFilters(box=Box.HANDLING, number=text)))

    assert found == [tip]


def test_the_inbox_page_filter_by_reference_shows_the_tip(officer_hoan_kiem):
    tip = services.tip_submit(data=tip_input()).tip
    other = services.tip_submit(data=tip_input()).tip

    response = logged_in(officer_hoan_kiem).get(reverse("tips:inbox"), {"number": tip.reference})

    assert response.status_code == 200
    assert tip.register_number in page(response)
    assert other.register_number not in page(response)
    assert vi("Register number or reference") in page(response)


def test_the_reference_typed_into_the_follow_up_is_explained_not_called_a_wrong_receipt(
    client: Client,
):
    submitted_receipt(client)
    client.post(RECEIPT, {"written_down": "on"})
    reference = Tip.objects.get().reference

    response = open_tip(Client(), reference)

    assert _rejection(response) == vi(
        "This is the tip's reference: the police use it to find the tip, but it does not open "
        "it. Type the 20-digit receipt you wrote down when you sent the tip."
    )
    assert client.get(FOLLOWUP).status_code == 200


def test_the_receipt_page_says_which_number_opens_the_tip(client: Client):
    submitted_receipt(client)

    text = page(client.get(RECEIPT))

    assert vi("Only these 20 digits open your tip on the follow-up page.") in text
    assert vi("Tip reference, for the police (it does not open the tip)") in text
    # "Mã tra cứu" ("look-up code") invited the citizen to look the tip up with it.
    assert "Mã tra cứu" not in text


def test_the_receipt_card_says_which_number_opens_the_tip():
    html = documents.receipt_card_html("ABCDEFGH2345", "1234 5678 9012 3456 7890", "Công an")

    assert "Mã tra cứu" not in html
    assert "dùng để mở tin báo" in html
    assert "<b>ABCDEFGH2345</b>" not in html
