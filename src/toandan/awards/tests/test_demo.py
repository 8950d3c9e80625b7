"""The demo runs the seed article's campaign through the real workflow: 66 commended, 31
collectives and 35 individuals, on the honour roll; loading it twice changes nothing."""

from __future__ import annotations

import pytest

from toandan.accounts import demo as accounts_demo
from toandan.awards import demo, selectors
from toandan.awards.models import Campaign, Council, Nomination, NominationStatus, Recusal
from toandan.workflow.models import StateChange

pytestmark = pytest.mark.django_db


def test_the_demo_honour_roll_shows_66_as_31_plus_35() -> None:
    accounts_demo.load_demo()
    summary = demo.load_demo()
    assert "66 commended" in summary
    assert "open campaign of 2026" in summary

    campaign = Campaign.objects.get(title=demo.TITLE)
    roll = selectors.honour_roll(campaign.pk)
    assert (len(roll.collectives), len(roll.individuals)) == (31, 35)
    assert roll.campaign.awarded_total == 66
    assert roll.campaign.ceremony_place == "Hà Nội"
    # Provinces of 2024: every place is of the old geography.
    assert all(e.province for e in roll.collectives + roll.individuals)
    assert any(e.name.startswith("a member, Hội LHPN") for e in roll.individuals)
    # Through the workflow: each awarded nomination was submitted, forwarded and received.
    awarded = Nomination.objects.filter(status=NominationStatus.AWARDED).first()
    assert awarded is not None
    steps = list(
        StateChange.objects.filter(object_id=str(awarded.pk), object_type="awards.nomination")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert steps == ["create", "submit", "forward", "receive", "award"]
    assert Nomination.objects.filter(status=NominationStatus.RETURNED).count() == 3
    assert Recusal.objects.filter(declared=True).exists()
    assert Council.objects.get(campaign_id=campaign.pk).phase == "closed"

    assert demo.load_demo().startswith("campaign already present; open campaign already present")
    assert Nomination.objects.filter(status=NominationStatus.AWARDED).count() == 66
