"""Commending the anonymous sender of a valuable tip without unmasking them, end to end: a
police leader nominates "the sender of tip X", the council and the decision run as for anyone,
the sender reads the commendation on the follow-up page their receipt opens and downloads the
certificate, and no staff page or API answer of awards ever shows who it is.

It crosses two domains (awards and tips), which only project-wide tests may import together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from toandan.accounts.tests.factories import make_user
from toandan.awards import services
from toandan.awards.models import Nomination
from toandan.awards.tests.conftest import World, make_world, seat_council
from toandan.tips import services as tip_services
from toandan.tips.handling.timeline import ActionInput, tip_act
from toandan.tips.models import Tip, TipMessage, ValuableReason
from toandan.tips.tests.conftest import commune, tip_input
from toandan.workflow.machine import WorkflowRefusedError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    return make_world()


NAME = "Phan Thị Quỳnh Như"
PHONE = "0899 555 017"  # fictional


def _valuable_tip(*, valuable: bool = True) -> tuple[Tip, str]:
    submitted = tip_services.tip_submit(
        data=tip_input(
            commune=commune("00070"),
            occurred_on=timezone.localdate() - dt.timedelta(days=3),
            contact_name=NAME,
            contact_phone=PHONE,
        )
    )
    officer = make_user("ca.hk.awards", "police_officer", "CA-01-00070")
    tip_act(actor=officer, tip=submitted.tip, action="take")
    tip = tip_act(
        actor=officer,
        tip=submitted.tip,
        action="prosecute",
        data=ActionInput(
            valuable=valuable, valuable_reasons=[ValuableReason.ARREST] if valuable else []
        ),
    )
    return tip, submitted.receipt


def _through_the_council(world: World, nomination: Nomination, leader: Any) -> Nomination:
    nomination = services.nomination_step(actor=leader, nomination=nomination, action="submit")
    nomination = services.nomination_step(actor=leader, nomination=nomination, action="forward")
    nomination = services.nomination_step(
        actor=world.organiser, nomination=nomination, action="receive"
    )
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    for reviewer in world.reviewers:
        services.ballot_cast(
            actor=reviewer, campaign=world.campaign, choices={nomination.pk: "yes"}
        )
    services.ballot_close(actor=world.reviewers[0], campaign=world.campaign)
    return nomination


def test_the_sender_of_a_valuable_tip_is_commended_without_being_unmasked(world: World) -> None:
    tip, receipt = _valuable_tip()
    leader = make_user("ca.hn.awards", "police_leader", "CA-01", full_name="Nguyễn Đức Thắng")
    nomination = services.tipster_nominate(
        actor=leader,
        campaign=world.campaign,
        reference=tip.reference,
        form=world.form,
        achievement_summary="Nguồn tin giúp bắt quả tang một vụ trộm cắp tài sản",
    )
    assert nomination.subject_name == ""
    _through_the_council(world, nomination, leader)
    decision = services.decision_issue(
        actor=world.organiser,
        campaign=world.campaign,
        number="130/QĐ-BCA-V05",
        signer_name="Lê Quốc Hùng",
        signer_title="Thứ trưởng",
        date=dt.date(2026, 12, 20),
        place="Hà Nội",
        issuing_unit=world.campaign.organisers.get(code="CA-TW"),
    )
    code = decision.awards.get().code

    # The sender opens the tip with the receipt and finds the commendation and the link.
    citizen = Client()
    page = citizen.post("/tips/follow-up/", {"action": "open", "receipt": receipt}, follow=True)
    text = page.content.decode()
    assert "130/QĐ-BCA-V05" in text
    assert f"/awards/certificates/{code}.pdf" in text
    pdf = citizen.get(f"/awards/certificates/{code}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert TipMessage.objects.filter(tip=tip, link=f"/awards/certificates/{code}.pdf").exists()
    # The same through the tipsters' API (a phone app).
    answer = Client().post(
        "/api/v1/tips/follow-up", {"receipt": receipt}, content_type="application/json"
    )
    assert answer.json()["messages"][-1]["link"] == f"/awards/certificates/{code}.pdf"

    # No page or API answer of awards, for anyone, shows the sender's name or phone.
    pages = [
        "/awards/",
        f"/awards/campaigns/{world.campaign.pk}/honour-roll/",
        f"/awards/verify/{code}/",
        "/awards/work/",
        f"/awards/nominations/{nomination.pk}/",
        f"/awards/campaigns/{world.campaign.pk}/council/",
        f"/awards/campaigns/{world.campaign.pk}/results/",
        f"/awards/campaigns/{world.campaign.pk}/decision/",
        "/api/v1/awards/campaigns",
        f"/api/v1/awards/campaigns/{world.campaign.pk}/honour-roll",
        f"/api/v1/awards/verify/{code}",
        "/api/v1/awards/nominations",
        f"/api/v1/awards/campaigns/{world.campaign.pk}/results",
        f"/api/v1/awards/campaigns/{world.campaign.pk}/decision",
    ]
    for user in (None, leader, world.organiser, world.reviewers[0]):
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in pages:
            body = client.get(url).content.decode()
            assert NAME not in body, (user, url)
            assert "0899" not in body, (user, url)
            assert "Như" not in body, (user, url)
    decision_docx = Client()
    decision_docx.force_login(world.organiser)
    for url in (
        f"/awards/campaigns/{world.campaign.pk}/decision.pdf",
        f"/awards/campaigns/{world.campaign.pk}/certificates.pdf",
    ):
        assert decision_docx.get(url).status_code == 200


def test_only_a_concluded_valuable_tip_of_the_leaders_units_is_nominated(world: World) -> None:
    tip, _receipt = _valuable_tip(valuable=False)
    leader = make_user("ca.hn.awards2", "police_leader", "CA-01")
    with pytest.raises(WorkflowRefusedError, match="valuable"):
        services.tipster_nominate(
            actor=leader,
            campaign=world.campaign,
            reference=tip.reference,
            form=world.form,
            achievement_summary="x",
        )
    stranger = make_user("ca.lc.awards", "police_leader", "CA-15")
    with pytest.raises(WorkflowRefusedError, match="No tip"):
        services.tipster_nominate(
            actor=stranger,
            campaign=world.campaign,
            reference=tip.reference,
            form=world.form,
            achievement_summary="x",
        )
