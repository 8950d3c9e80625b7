"""The commendation chain through its services: nominate, consolidate within quota, council
with recusals, scores and a secret ballot, decision with money by the rules in force,
certificate verify and revocation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from toandan.audit.models import AuditEvent
from toandan.awards import selectors, services
from toandan.awards.machine import NOMINATION
from toandan.awards.models import Award, Nomination, NominationStatus, Quota, Recusal
from toandan.awards.tests.conftest import World, nominate, seat_council, up_to_centre
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

pytestmark = pytest.mark.django_db


def test_every_step_of_the_machine_is_declared_with_a_policy() -> None:
    edges = NOMINATION.edges()
    assert ("draft", "submit", "submitted") in edges
    assert ("submitted", "forward", "forwarded") in edges
    assert ("submitted", "return", "returned") in edges
    assert ("forwarded", "receive", "received") in edges
    assert ("received", "award", "awarded") in edges
    assert ("awarded", "revoke", "revoked") in edges
    assert {a for _s, a, _t in edges} == set(NOMINATION.actions())


def test_a_commune_union_nominates_and_the_province_returns_with_a_reason(world: World) -> None:
    n = nominate(world)
    n = services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    assert n.status == NominationStatus.SUBMITTED
    with pytest.raises(WorkflowRefusedError):
        services.nomination_step(actor=world.leader, nomination=n, action="return")
    n = services.nomination_step(
        actor=world.leader, nomination=n, action="return", reason="Thiếu biên bản bình xét"
    )
    assert n.status == NominationStatus.RETURNED
    n = services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    assert n.status == NominationStatus.SUBMITTED


def test_another_commune_and_another_province_may_not_act(world: World) -> None:
    n = nominate(world)
    with pytest.raises(WorkflowAccessError):
        services.nomination_step(actor=world.cadre_ba_dinh, nomination=n, action="submit")
    n = services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    with pytest.raises(WorkflowAccessError):
        services.nomination_step(actor=world.leader_lao_cai, nomination=n, action="forward")
    with pytest.raises(WorkflowAccessError):  # the unit does not forward its own nomination
        services.nomination_step(actor=world.cadre, nomination=n, action="forward")


def test_the_province_forwards_only_within_its_quota(world: World) -> None:
    Quota.objects.filter(campaign=world.campaign).update(max_count=1)
    first = services.nomination_step(actor=world.cadre, nomination=nominate(world), action="submit")
    second = services.nomination_step(
        actor=world.cadre, nomination=nominate(world, name="Trần Thị Hoa"), action="submit"
    )
    services.nomination_step(actor=world.leader, nomination=first, action="forward")
    with pytest.raises(WorkflowRefusedError, match="quota"):
        services.nomination_step(actor=world.leader, nomination=second, action="forward")


def test_a_frozen_nomination_goes_nowhere_and_one_achievement_is_rewarded_once(
    world: World,
) -> None:
    n = nominate(world, key="mo-hinh-hang-bac")
    n = services.nomination_step(
        actor=world.leader, nomination=n, action="freeze", reason="Đang giải quyết khiếu nại"
    )
    with pytest.raises(WorkflowRefusedError, match="Frozen"):
        services.nomination_step(actor=world.cadre, nomination=n, action="submit")
    n = services.nomination_step(
        actor=world.leader, nomination=n, action="unfreeze", reason="Khiếu nại không có cơ sở"
    )
    up_to_centre(world, n)
    again = nominate(
        world, name="Tập thể chi hội Hàng Bạc", subject="collective", key="mo-hinh-hang-bac"
    )
    with pytest.raises(WorkflowRefusedError, match="already nominated"):
        services.nomination_step(actor=world.cadre, nomination=again, action="submit")


def test_a_nominee_outside_the_period_is_refused(world: World) -> None:
    n = nominate(world)
    n.active_from = dt.date(2027, 1, 1)
    n.save()
    with pytest.raises(WorkflowRefusedError, match="period"):
        services.nomination_step(actor=world.cadre, nomination=n, action="submit")


def test_a_dossier_after_the_communes_closing_date_is_refused(world: World) -> None:
    n = nominate(world)
    late = world.campaign.nominations_close_commune + dt.timedelta(days=1)

    with pytest.raises(WorkflowRefusedError, match="closed on"):
        services.nomination_step(actor=world.cadre, nomination=n, action="submit", now=_noon(late))

    n.refresh_from_db()
    assert n.status == "draft"
    on_time = services.nomination_step(
        actor=world.cadre,
        nomination=n,
        action="submit",
        now=_noon(world.campaign.nominations_close_commune),
    )
    assert on_time.status == "submitted"


def test_a_province_forwarding_after_its_closing_date_is_refused(world: World) -> None:
    n = services.nomination_step(actor=world.cadre, nomination=nominate(world), action="submit")
    late = world.campaign.nominations_close_province + dt.timedelta(days=1)

    with pytest.raises(WorkflowRefusedError, match="until"):
        services.nomination_step(
            actor=world.leader, nomination=n, action="forward", now=_noon(late)
        )
    # Returning the dossier is still possible: the calendar closes sending, not answering.
    returned = services.nomination_step(
        actor=world.leader,
        nomination=n,
        action="return",
        reason="Thiếu biên bản",
        now=_noon(late),
    )
    assert returned.status == "returned"


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone(dt.timedelta(hours=7)))


def test_members_of_the_nominees_unit_are_recused_automatically(world: World) -> None:
    n = up_to_centre(world, nominate(world))
    seat_council(world)
    recusal = Recusal.objects.get(nomination=n)
    assert recusal.member.user == world.reviewers[2]  # the Hà Nội union's member
    assert "Hội LHPN thành phố Hà Nội" in recusal.reason
    with pytest.raises(WorkflowRefusedError, match="recused"):
        services.scores_record(actor=world.reviewers[2], nomination=n, values={})


def _run_council(world: World) -> tuple[list[Nomination], dict[str, Any]]:
    a = up_to_centre(world, nominate(world, name="Nguyễn Thị A", consent=True))
    b = up_to_centre(world, nominate(world, name="Tập thể Chi hội Hàng Bạc", subject="collective"))
    c = up_to_centre(world, nominate(world, name="Lê Thị C", women=False))
    seat_council(world)
    criteria = list(world.campaign.criteria.all())
    chair, member = world.reviewers[0], world.reviewers[1]
    for reviewer in (chair, member):
        services.scores_record(
            actor=reviewer, nomination=a, values={criteria[0].pk: 9, criteria[1].pk: 8}
        )
        services.scores_record(
            actor=reviewer, nomination=b, values={criteria[0].pk: 9, criteria[1].pk: None}
        )
        services.scores_record(
            actor=reviewer, nomination=c, values={criteria[0].pk: 9, criteria[1].pk: None}
        )
    services.ballot_open(actor=chair, campaign=world.campaign)
    services.ballot_cast(
        actor=chair, campaign=world.campaign, choices={a.pk: "yes", b.pk: "yes", c.pk: "yes"}
    )
    services.ballot_cast(
        actor=member, campaign=world.campaign, choices={a.pk: "yes", b.pk: "yes", c.pk: "no"}
    )
    with pytest.raises(WorkflowRefusedError, match="already voted"):
        services.ballot_cast(actor=member, campaign=world.campaign, choices={a.pk: "no"})
    services.ballot_close(actor=chair, campaign=world.campaign)
    return [a, b, c], {"chair": chair, "member": member}


def test_results_rank_by_score_and_break_ties_by_the_rule_in_force(world: World) -> None:
    (a, b, c), _people = _run_council(world)
    results = selectors.results_for(world.campaign)
    by_id = {row.nomination.pk: row for row in results.rows}
    assert by_id[a.pk].score == Decimal("86.00")  # (3×0.9 + 2×0.8) / 5
    assert by_id[b.pk].score == Decimal("90.00")  # abstained on one criterion
    assert (by_id[c.pk].yes, by_id[c.pk].no, by_id[c.pk].passed) == (1, 1, False)
    assert [row.nomination.pk for row in results.rows] == [b.pk, a.pk, c.pk]
    assert by_id[a.pk].passed
    assert by_id[b.pk].passed
    assert by_id[a.pk].eligible == 2  # the Hà Nội member is recused


def test_a_tie_on_score_puts_women_first(world: World) -> None:
    x = up_to_centre(world, nominate(world, name="Phạm Văn X", women=False))
    y = up_to_centre(world, nominate(world, name="Phạm Thị Y", women=True))
    seat_council(world)
    criteria = list(world.campaign.criteria.all())
    for reviewer in world.reviewers[:2]:
        for n in (x, y):
            services.scores_record(actor=reviewer, nomination=n, values={criteria[0].pk: 7})
    rows = selectors.results_for(world.campaign).rows
    assert [r.nomination.pk for r in rows] == [y.pk, x.pk]
    assert rows[1].tie_broken_by.startswith("Women")


def test_the_decision_awards_those_who_passed_with_money_of_the_day(world: World) -> None:
    (a, b, c), people = _run_council(world)
    decision = services.decision_issue(
        actor=world.organiser,
        campaign=world.campaign,
        number="125/QĐ-BCA-V05",
        signer_name="Lê Quốc Hùng",
        signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        date=dt.date(2026, 12, 20),
        place="Hà Nội",
        issuing_unit=world.campaign.organisers.get(code="CA-TW"),
    )
    awards = {aw.nomination_id: aw for aw in decision.awards.all()}
    assert set(awards) == {a.pk, b.pk}
    assert awards[b.pk].line == 1  # collectives first in the annex
    # 2.0 × 2,340,000 (base salary from 01/07/2024) for a collective, 1.0 × for an individual
    assert awards[b.pk].amount_vnd == 4_680_000
    assert awards[a.pk].amount_vnd == 2_340_000
    c.refresh_from_db()
    assert c.status == NominationStatus.NOT_AWARDED
    code = awards[a.pk].code
    assert selectors.verify(code).status == "valid"
    assert selectors.verify(code).name == "Nguyễn Thị A"  # consent recorded
    assert selectors.verify("ZZZZZZZZ").status == "unknown"
    roll = selectors.honour_roll(world.campaign.pk)
    assert (len(roll.collectives), len(roll.individuals)) == (1, 1)

    services.award_revoke(
        actor=world.organiser,
        award=awards[a.pk],
        reason="Kê khai không đúng thành tích",
        decision_ref="140/QĐ-BCA-V05 ngày 25/12/2026",
    )
    assert selectors.verify(code).status == "revoked"
    assert len(selectors.honour_roll(world.campaign.pk).individuals) == 0
    assert AuditEvent.objects.filter(action="awards.award.revoke").count() == 1
    with pytest.raises(WorkflowAccessError):
        services.award_revoke(
            actor=people["member"], award=awards[b.pk], reason="x", decision_ref="y"
        )


def test_an_individual_without_consent_is_not_named_in_public(world: World) -> None:
    n = nominate(world, name="Đặng Thị Kim Oanh", consent=False)
    assert selectors.public_name(n) == "a member, Hội LHPN phường Hoàn Kiếm"
    services.consent_record(actor=world.cadre, nomination=n, consent=True)
    assert selectors.public_name(n) == "Đặng Thị Kim Oanh"


def test_amounts_follow_the_base_salary_on_the_decision_date() -> None:
    assert services.amount_vnd(Decimal("0.3"), 1_800_000) == 540_000
    assert services.amount_vnd(Decimal("1.5"), 2_340_000) == 3_510_000


@pytest.mark.django_db
def test_base_salary_in_force() -> None:
    assert services.base_salary_on(dt.date(2024, 6, 30)).amount_vnd == 1_800_000
    assert services.base_salary_on(dt.date(2024, 8, 2)).amount_vnd == 2_340_000
    assert Award.objects.count() == 0
