"""The secret ballot stores tallies, never a link between a voter and a choice: every table a
vote writes is inspected, column by column."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from toandan.audit.models import AuditEvent
from toandan.awards import services
from toandan.awards.models import BallotTally, BallotVoter, Recusal
from toandan.awards.tests.conftest import World, nominate, seat_council, up_to_centre

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def test_a_vote_writes_only_counts_and_the_fact_of_voting(world: World) -> None:
    a = up_to_centre(world, nominate(world, name="Nguyễn Thị A"))
    b = up_to_centre(world, nominate(world, name="Trần Thị B"))
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    voter = world.reviewers[1]

    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(
            actor=voter, campaign=world.campaign, choices={a.pk: "yes", b.pk: "no"}
        )

    written = {m.group(2).lower() for q in queries.captured_queries if (m := WRITE.match(q["sql"]))}
    # The tallies, the fact that this member voted, and the audit chain (who voted, not what).
    assert written <= {
        "awards_ballottally",
        "awards_ballotvoter",
        "audit_auditevent",
        "audit_audithead",
    }
    # No column of the tallies can name a voter; no column of the voters can hold a choice.
    tally_columns = {f.column for f in BallotTally._meta.concrete_fields}
    voter_columns = {f.column for f in BallotVoter._meta.concrete_fields}
    assert tally_columns == {"id", "council_id", "nomination_id", "yes", "no", "abstain"}
    assert voter_columns == {"id", "council_id", "member_id", "voted_on"}
    # The tally UPDATEs carry no voter either (one per choice, over all its nominations).
    for query in queries.captured_queries:
        sql = query["sql"].lower()
        if sql.lstrip().startswith("update") and "awards_ballottally" in sql:
            assert "member" not in sql
            assert "user" not in sql
    event = AuditEvent.objects.get(action="awards.ballot.cast")
    assert event.data == {}
    assert event.reason == ""
    # What the tables say: counts, and that the member voted, on what day only.
    assert (
        BallotTally.objects.get(nomination=a).yes,
        BallotTally.objects.get(nomination=b).no,
    ) == (1, 1)
    assert BallotVoter.objects.filter(member__user=voter).count() == 1


def test_after_two_votes_the_tallies_cannot_be_split_by_voter(world: World) -> None:
    a = up_to_centre(world, nominate(world, name="Nguyễn Thị A"))
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    services.ballot_cast(actor=world.reviewers[0], campaign=world.campaign, choices={a.pk: "yes"})
    services.ballot_cast(actor=world.reviewers[1], campaign=world.campaign, choices={a.pk: "no"})

    tally = BallotTally.objects.get(nomination=a)
    assert (tally.yes, tally.no) == (1, 1)
    voters = list(BallotVoter.objects.order_by("pk").values("member_id", "voted_on"))
    assert len(voters) == 2
    assert voters[0]["voted_on"] == voters[1]["voted_on"]  # a day, not a moment to line up


def test_results_during_the_open_ballot_do_not_reveal_each_voters_choice(world: World) -> None:
    """Whoever reads the results while the box is open (an organiser, a member) would see the
    tallies move after each vote, and the first paper alone is the first voter's choice."""
    from toandan.awards import selectors

    a = up_to_centre(world, nominate(world, name="Nguyễn Thị A"))
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    services.ballot_cast(actor=world.reviewers[1], campaign=world.campaign, choices={a.pk: "no"})

    row = next(r for r in selectors.results_for(world.campaign).rows if r.nomination == a)
    assert (row.yes, row.no, row.abstain, row.passed) == (0, 0, 0, False)

    services.ballot_close(actor=world.reviewers[0], campaign=world.campaign)
    row = next(r for r in selectors.results_for(world.campaign).rows if r.nomination == a)
    assert (row.yes, row.no) == (0, 1)


def test_a_member_who_voted_cannot_recuse_afterwards_to_change_the_result(world: World) -> None:
    """A recusal lowers the number of members the pass share is taken of; declared after the
    member's paper is in the box (or after the count), it would move a nominee over the line."""
    from toandan.workflow.machine import WorkflowRefusedError

    a = up_to_centre(world, nominate(world, name="Nguyễn Thị A"))
    seat_council(world)
    services.ballot_open(actor=world.reviewers[0], campaign=world.campaign)
    services.ballot_cast(actor=world.reviewers[1], campaign=world.campaign, choices={a.pk: "no"})

    with pytest.raises(WorkflowRefusedError):
        services.recusal_declare(actor=world.reviewers[1], nomination=a, reason="Người quen")
    services.ballot_close(actor=world.reviewers[0], campaign=world.campaign)
    with pytest.raises(WorkflowRefusedError):
        services.recusal_declare(actor=world.reviewers[0], nomination=a, reason="Người quen")

    assert not Recusal.objects.filter(nomination=a, declared=True).exists()
