"""The identity-reveal pages: asking with a reason, approving, reading the contact details
once (never kept), and the leaders' list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from toandan.accounts.tests.factories import logged_in, make_user
from toandan.audit.models import AuditEvent
from toandan.tips.models import ContactReveal, RevealStatus, Tip
from toandan.tips.reveal import services as reveal
from toandan.tips.services import tip_submit
from toandan.tips.tests.conftest import BA_DINH_POLICE, HOAN_KIEM_POLICE, tip_input

pytestmark = pytest.mark.django_db

REASON = "Cần lấy lời khai người báo tin với tư cách người làm chứng"
PHONE_SHOWN = "+84912345678"
NAME = "Nguyễn Thị Lan"
REVEALS = reverse("tips:reveals")


@pytest.fixture
def leader() -> Any:
    return make_user("ld.hoankiem", "police_leader", HOAN_KIEM_POLICE)


@pytest.fixture
def deputy() -> Any:
    return make_user("pho.hoankiem", "police_leader", HOAN_KIEM_POLICE)


@pytest.fixture
def leader_ba_dinh() -> Any:
    return make_user("ld.badinh", "police_leader", BA_DINH_POLICE)


@pytest.fixture
def tip() -> Tip:
    return tip_submit(data=tip_input(contact_name=NAME, contact_phone="0912345678")).tip


def english(user: Any) -> Client:
    client = logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def request_url(tip: Tip) -> str:
    return reverse("tips:reveal_request", kwargs={"reference": tip.reference})


def detail_url(item: ContactReveal) -> str:
    return reverse("tips:reveal_detail", kwargs={"pk": item.pk})


# --- Asking --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client: Client, tip):
    for url in (request_url(tip), REVEALS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_officer_and_a_union_cadre_are_refused(officer_hoan_kiem, cadre_hoan_kiem, tip):
    for user in (officer_hoan_kiem, cadre_hoan_kiem):
        client = logged_in(user)
        assert client.get(request_url(tip)).status_code == 403
        assert client.post(request_url(tip), {"reason": REASON}).status_code == 403
        assert client.get(REVEALS).status_code == 403
    assert not ContactReveal.objects.exists()


def test_another_communes_leader_gets_not_found(leader_ba_dinh, tip):
    client = logged_in(leader_ba_dinh)

    assert client.get(request_url(tip)).status_code == 404
    assert client.post(request_url(tip), {"reason": REASON}).status_code == 404
    assert not ContactReveal.objects.exists()


def test_the_request_page_warns_about_the_tipsters_protection(leader, tip):
    response = english(leader).get(request_url(tip))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Art. 56" in page
    assert tip.register_number in page
    assert NAME not in page
    assert "912345678" not in page


def test_a_request_without_a_reason_is_refused_with_a_message(leader, tip):
    response = english(leader).post(request_url(tip), {"reason": "  "})

    assert response.status_code == 200
    assert "at least 10 characters" in response.content.decode()
    assert not ContactReveal.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="tips.contact.").exists()


def test_with_a_reason_the_leader_reads_the_contact_once_without_keeping_it(leader, tip):
    client = english(leader)

    response = client.post(request_url(tip), {"reason": REASON})

    created = ContactReveal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    page = client.get(detail_url(created)).content.decode()
    assert "Show contact details" in page
    assert PHONE_SHOWN not in page

    shown = client.post(detail_url(created))

    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    assert PHONE_SHOWN in shown.content.decode()
    assert NAME in shown.content.decode()
    assert AuditEvent.objects.get(action="tips.contact.view").reason == REASON
    # Not kept anywhere the next page could find it.
    assert "912345678" not in str(dict(client.session))
    again = client.get(detail_url(created)).content.decode()
    assert PHONE_SHOWN not in again
    assert "Times read</dt><dd>1</dd>" in again


def test_an_expired_approval_shows_no_contact(leader, tip):
    created = reveal.reveal_request(
        actor=leader, tip=tip, reason=REASON, now=timezone.now() - dt.timedelta(days=2)
    )
    client = english(leader)

    page = client.get(detail_url(created)).content.decode()
    response = client.post(detail_url(created), follow=True)

    assert "Show contact details" not in page
    assert "expired" in page
    assert PHONE_SHOWN not in response.content.decode()
    assert "expired" in response.content.decode()
    assert not AuditEvent.objects.filter(action="tips.contact.view").exists()


def test_another_communes_leader_cannot_open_the_reveal(leader, leader_ba_dinh, tip):
    created = reveal.reveal_request(actor=leader, tip=tip, reason=REASON)
    client = logged_in(leader_ba_dinh)

    assert client.get(detail_url(created)).status_code == 404
    assert client.post(detail_url(created)).status_code == 404


# --- Second approval -----------------------------------------------------------------------------


def test_with_second_approval_another_leader_approves_before_the_reading(
    leader, deputy, tip, settings
):
    settings.TOANDAN_REVEAL_SECOND_APPROVAL = True
    requester = english(leader)
    requester.post(request_url(tip), {"reason": REASON})
    created = ContactReveal.objects.get()
    assert created.status == RevealStatus.PENDING
    decide = reverse("tips:reveal_decide", kwargs={"pk": created.pk})

    waiting = requester.get(detail_url(created)).content.decode()
    refused = requester.post(decide, {"decision": "approve"}, follow=True).content.decode()
    early = requester.post(detail_url(created), follow=True).content.decode()

    assert "Show contact details" not in waiting
    assert "another officer must approve it" in refused
    assert PHONE_SHOWN not in early
    created.refresh_from_db()
    assert created.status == RevealStatus.PENDING

    approver = english(deputy)
    assert 'value="approve"' in approver.get(detail_url(created)).content.decode()
    approver.post(decide, {"decision": "approve", "note": ""})
    created.refresh_from_db()
    assert (created.status, created.decided_by_id) == (RevealStatus.APPROVED, deputy.pk)
    # The approver cannot read: only the requester.
    assert PHONE_SHOWN not in approver.post(detail_url(created), follow=True).content.decode()
    assert PHONE_SHOWN in requester.post(detail_url(created)).content.decode()


# --- The leaders' list ---------------------------------------------------------------------------


def test_the_leaders_list_shows_the_reveal(leader, deputy, leader_ba_dinh, tip):
    reveal.reveal_request(actor=leader, tip=tip, reason=REASON)

    page = logged_in(deputy).get(REVEALS).content.decode()
    other = logged_in(leader_ba_dinh).get(REVEALS).content.decode()

    assert tip.register_number in page
    assert REASON in page
    assert leader.get_full_name() in page
    assert tip.register_number not in other
