"""The API: public campaigns, honour roll and verify; staff nominations, steps and scores
with the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from toandan.awards import selectors, services
from toandan.awards.tests.conftest import World, nominate, seat_council, up_to_centre

pytestmark = pytest.mark.django_db


def _decided(world: World) -> str:
    n = up_to_centre(world, nominate(world, name="Nguyễn Thị A", consent=True))
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    for reviewer in world.reviewers[:2]:
        services.ballot_cast(actor=reviewer, campaign=world.campaign, choices={n.pk: "yes"})
    services.ballot_close(actor=world.reviewers[0], campaign=world.campaign)
    decision = services.decision_issue(
        actor=world.organiser,
        campaign=world.campaign,
        number="12/QĐ-BCA",
        signer_name="Lê Quốc Hùng",
        signer_title="Thứ trưởng",
        date=dt.date(2026, 12, 20),
        place="Hà Nội",
        issuing_unit=world.campaign.organisers.get(code="CA-TW"),
    )
    return decision.awards.get().code


def test_public_campaigns_honour_roll_and_verify(world: World) -> None:
    code = _decided(world)
    client = Client()
    listed = client.get("/api/v1/awards/campaigns").json()
    assert listed[0]["id"] == world.campaign.pk
    assert (listed[0]["awarded_collectives"], listed[0]["awarded_individuals"]) == (0, 1)
    roll = client.get(f"/api/v1/awards/campaigns/{world.campaign.pk}/honour-roll").json()
    assert roll["individuals"][0]["name"] == "Nguyễn Thị A"
    assert client.get(f"/api/v1/awards/verify/{code}").json()["status"] == "valid"
    assert client.get("/api/v1/awards/verify/NOPE1234").json()["status"] == "unknown"
    assert client.get("/api/v1/awards/campaigns/999999/honour-roll").status_code == 404


def test_staff_steps_through_the_api_and_out_of_reach_is_404(world: World) -> None:
    n = nominate(world)
    cadre = Client()
    cadre.force_login(world.cadre)
    answer = cadre.post(
        f"/api/v1/awards/nominations/{n.pk}/steps",
        {"action": "submit"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "submitted"
    other = Client()
    other.force_login(world.leader_lao_cai)
    assert other.get(f"/api/v1/awards/nominations/{n.pk}").status_code == 404
    refused = cadre.post(
        f"/api/v1/awards/nominations/{n.pk}/steps",
        {"action": "submit"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert Client().get("/api/v1/awards/nominations").status_code == 401


def test_a_reviewer_scores_through_the_api(world: World) -> None:
    n = up_to_centre(world, nominate(world))
    seat_council(world)
    criterion = world.campaign.criteria.first()
    assert criterion is not None
    reviewer = Client()
    reviewer.force_login(world.reviewers[0])
    answer = reviewer.post(
        f"/api/v1/awards/nominations/{n.pk}/scores",
        {"scores": {str(criterion.pk): 8}},
        content_type="application/json",
    )
    assert answer.json() == {"saved": 1}
    too_high = reviewer.post(
        f"/api/v1/awards/nominations/{n.pk}/scores",
        {"scores": {str(criterion.pk): 80}},
        content_type="application/json",
    )
    assert too_high.status_code == 409
    recused = Client()
    recused.force_login(world.reviewers[2])
    assert (
        recused.post(
            f"/api/v1/awards/nominations/{n.pk}/scores",
            {"scores": {str(criterion.pk): 8}},
            content_type="application/json",
        ).status_code
        == 409
    )
    results = reviewer.get(f"/api/v1/awards/campaigns/{world.campaign.pk}/results").json()
    assert results["rows"][0]["score"] == "80.00"


def test_the_province_ranks_its_nominations(world: World) -> None:
    first = nominate(world, name="Nguyễn Thị A")
    second = nominate(world, name="Trần Thị B")
    leader = Client()
    leader.force_login(world.leader)
    unit_id = first.province_unit_id
    answer = leader.post(
        f"/api/v1/awards/campaigns/{world.campaign.pk}/ranking",
        {"province_unit_id": unit_id, "order": [second.pk, first.pk]},
        content_type="application/json",
    )
    assert [(n["name"], n["province_rank"]) for n in answer.json()] == [
        ("Trần Thị B", 1),
        ("Nguyễn Thị A", 2),
    ]
    other = Client()
    other.force_login(world.leader_lao_cai)
    refused = other.post(
        f"/api/v1/awards/campaigns/{world.campaign.pk}/ranking",
        {"province_unit_id": unit_id, "order": [first.pk]},
        content_type="application/json",
    )
    assert refused.status_code == 404


def test_the_api_cannot_award_or_revoke_outside_the_council_and_decision(world: World) -> None:
    """ "award" comes only with the decision (after the council's vote, with a certificate) and
    "revoke" only with the revocation of the certificate; through the steps API an organiser
    awarded a nomination nobody voted on (counted on the public page, no certificate) or
    revoked one whose certificate still verified as valid."""
    received = up_to_centre(world, nominate(world, name="Trần Thị B", key="b"))
    organiser = Client()
    organiser.force_login(world.organiser)

    def step(pk: int, action: str) -> Any:
        return organiser.post(
            f"/api/v1/awards/nominations/{pk}/steps",
            {"action": action, "reason": "Thử"},
            content_type="application/json",
        )

    answers = [step(received.pk, "award"), step(received.pk, "decline")]
    code = _decided(world)
    answers.append(step(selectors.award_by_code(code).nomination_id, "revoke"))

    assert [a.status_code for a in answers] == [409, 409, 409]
    assert [a.json()["field"] for a in answers] == ["action", "action", "action"]
    campaign = Client().get("/api/v1/awards/campaigns").json()[0]
    assert campaign["awarded_total"] == 1
    assert Client().get(f"/api/v1/awards/verify/{code}").json()["status"] == "valid"
