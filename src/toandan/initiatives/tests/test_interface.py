"""The door the commendation engineer uses: plain values about a unit's models."""

from __future__ import annotations

import datetime as dt

import pytest

from toandan.accounts.models import User
from toandan.accounts.tests.factories import unit
from toandan.initiatives.interface import HostedInitiative, hosted_initiatives
from toandan.initiatives.models import Grade
from toandan.initiatives.services import review_file, review_step
from toandan.initiatives.tests.conftest import register

pytestmark = pytest.mark.django_db


def test_hosted_initiatives_give_grades_and_punctuality(
    cadre: User, police: User, province_police: User
) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 1, 10))
    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2025,
        activities=3,
        members=9,
        meetings=2,
        tips_passed=1,
    )
    review.submitted_on = dt.date(2025, 11, 18)
    review.save()
    review = review_step(actor=police, review=review, action="confirm")
    review_step(
        actor=province_police, review=review, action="grade", grade=Grade.objects.get(code="tot")
    )

    found = hosted_initiatives([unit("PN-01-00070").pk], dt.date(2024, 1, 1), dt.date(2025, 12, 31))

    assert found == [
        HostedInitiative(
            id=initiative.pk,
            name=initiative.name,
            org_unit_id=unit("PN-01-00070").pk,
            exemplary=False,
            grades={2025: "tot"},
            reviews_due=2,
            reviews_on_time=1,
        )
    ]
    assert (
        hosted_initiatives([unit("PN-01-00004").pk], dt.date(2024, 1, 1), dt.date(2025, 12, 31))
        == []
    )
