"""Concluding a tip: what the tipster is told is typed apart from the internal note, and the
form shows the tipster's page as it will read.

The officer who wrote "caught 2 suspects in the act" in the only box of "decide to prosecute"
("Ghi chú (không bắt buộc)") sent it word for word to the receipt holder as "Lý do".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from toandan.accounts.tests.factories import logged_in
from toandan.tips import services
from toandan.tips.models import Outcome, Tip, TipAction, TipEvent, ValuableReason
from toandan.tips.selectors import tip_public_view
from toandan.tips.tests.conftest import tip_input
from toandan.tips.tests.handling.test_api_staff import bearer, post_action

pytestmark = pytest.mark.django_db

A = TipAction
TOLD = "Công an đã khởi tố vụ án; cảm ơn bạn đã báo tin."
INTERNAL = "Bắt quả tang 2 đối tượng tại số 12 Hàng Bạc."
VALUABLE = {"valuable": "yes", "valuable_reasons": [ValuableReason.LED_TO_CASE]}


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def page(response: Any) -> str:
    return str(response.content.decode())


def act_url(tip: Tip, action: str) -> str:
    return reverse("tips:staff_action", kwargs={"reference": tip.reference, "action": action})


def taken_tip(client: Any) -> Tip:
    tip = services.tip_submit(data=tip_input()).tip
    client.post(act_url(tip, A.TAKE))
    return tip


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        (A.PROSECUTE, {"decision_number": "15/QĐ-CSĐT"}),
        (A.NOT_PROSECUTE, {}),
        (A.HAND_OVER, {"agency": "UBND phường Hoàn Kiếm"}),
    ],
)
def test_the_internal_note_of_a_conclusion_never_reaches_the_tipster(
    officer_hoan_kiem, action, extra
):
    client = logged_in(officer_hoan_kiem)
    tip = taken_tip(client)

    response = client.post(
        act_url(tip, action),
        {"reason": TOLD, "internal_note": INTERNAL, **VALUABLE, **extra},
        follow=True,
    )

    assert response.status_code == 200
    public = tip_public_view(Tip.objects.get(pk=tip.pk))
    assert public.result_reason == TOLD
    assert INTERNAL not in repr(public)
    # The note is kept for the officers, in the history of the tip.
    assert TipEvent.objects.filter(tip=tip, action=A.NOTE).count() == 1
    assert escape(INTERNAL) in page(response)


@pytest.mark.parametrize("action", [A.PROSECUTE, A.NOT_PROSECUTE, A.HAND_OVER])
def test_every_conclusion_form_labels_what_the_tipster_is_told_and_the_internal_note(
    officer_hoan_kiem, action
):
    client = logged_in(officer_hoan_kiem)
    tip = taken_tip(client)

    form = page(client.get(act_url(tip, action)))

    assert 'name="internal_note"' in form
    assert vi("Internal note (never shown to the tipster)") in form
    assert vi("What the tipster is told") in form
    # The old label that hid where the text goes is gone.
    assert vi("Note (optional)") not in form
    # A preview of the tipster's page, as the follow-up page words it.
    assert vi("Preview: the tipster's page") in form


def test_the_preview_shows_the_tipster_page_without_the_internal_note_and_decides_nothing(
    officer_hoan_kiem,
):
    client = logged_in(officer_hoan_kiem)
    tip = taken_tip(client)

    response = client.post(
        act_url(tip, A.PROSECUTE),
        {"reason": TOLD, "internal_note": INTERNAL, "preview": "1", **VALUABLE},
    )

    assert response.status_code == 200
    html = page(response)
    preview = html.split('class="tipster-preview', 1)[1].split("</section>", 1)[0]
    assert escape(TOLD) in preview
    with translation.override("vi"):
        assert str(Outcome.PROSECUTED.label) in preview
    assert escape(INTERNAL) not in preview
    # Still in the form, to be sent for real.
    assert escape(INTERNAL) in html
    assert Tip.objects.get(pk=tip.pk).outcome == ""


def test_the_api_keeps_the_internal_note_of_a_conclusion_from_the_tipster(officer_hoan_kiem):
    client = bearer(officer_hoan_kiem)
    tip = services.tip_submit(data=tip_input()).tip
    post_action(client, tip, action="take")

    response = post_action(
        client,
        tip,
        action="prosecute",
        reason=TOLD,
        internal_note=INTERNAL,
        valuable=True,
        valuable_reasons=[ValuableReason.LED_TO_CASE],
    )

    assert response.status_code == 200, response.content
    public = tip_public_view(Tip.objects.get(pk=tip.pk))
    assert public.result_reason == TOLD
    assert INTERNAL not in repr(public)
    assert TipEvent.objects.filter(tip=tip, action=A.NOTE).count() == 1
