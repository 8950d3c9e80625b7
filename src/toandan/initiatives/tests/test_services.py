"""Registering, counting and the lifecycle of community models."""

from __future__ import annotations

import datetime as dt

import pytest

from toandan.accounts.models import User
from toandan.audit.models import AuditEvent
from toandan.initiatives.machines import INITIATIVE, REVIEW
from toandan.initiatives.models import Grade, ReviewStatus, Status
from toandan.initiatives.selectors import counts_naive, counts_on
from toandan.initiatives.services import (
    initiative_step,
    review_file,
    review_step,
    site_add,
    team_add,
    team_end,
)
from toandan.initiatives.stock import stock_rebuild
from toandan.initiatives.tests.conftest import BA_DINH, commune, register
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

pytestmark = pytest.mark.django_db


def test_a_registered_model_counts_with_its_first_site_from_its_start(cadre: User) -> None:
    initiative = register(cadre)

    assert initiative.status == Status.PROPOSED
    assert counts_on(dt.date(2025, 7, 31)).models == 0
    on_start = counts_on(dt.date(2025, 8, 1))
    assert (on_start.models, on_start.sites, on_start.teams) == (1, 1, 0)
    assert AuditEvent.objects.filter(action="initiatives.initiative.register").count() == 1


def test_sites_teams_and_members_count_on_their_dates_and_stop_when_ended(cadre: User) -> None:
    initiative = register(cadre)
    site = site_add(
        actor=cadre,
        initiative=initiative,
        name="Tổ dân phố số 12",
        commune=commune("00070"),
        started_on=dt.date(2025, 9, 1),
    )
    team = team_add(
        actor=cadre, site=site, name="Tổ 1", member_count=9, started_on=dt.date(2025, 9, 10)
    )
    team_add(actor=cadre, site=site, name="Tổ 2", member_count=7, started_on=dt.date(2025, 10, 1))
    team_end(actor=cadre, team=team, ended_on=dt.date(2025, 12, 31), reason="Sáp nhập tổ")

    sept = counts_on(dt.date(2025, 9, 15), by="commune")
    assert (sept.models, sept.sites, sept.teams, sept.members) == (1, 2, 1, 9)
    assert sept.rows[0]["code"] == "00070"
    later = counts_on(dt.date(2026, 1, 1))
    assert (later.teams, later.members) == (1, 7)
    assert counts_naive(dt.date(2025, 9, 15), by="commune") == {commune("00070").pk: (1, 2, 1, 9)}


def test_the_stock_rebuilt_from_the_registry_gives_the_same_counts(cadre: User) -> None:
    initiative = register(cadre)
    site = site_add(
        actor=cadre,
        initiative=initiative,
        name="Điểm 2",
        commune=commune("00070"),
        started_on=dt.date(2025, 9, 1),
    )
    team_add(actor=cadre, site=site, name="Tổ 1", member_count=5, started_on=dt.date(2025, 9, 2))
    before = counts_on(dt.date(2025, 10, 1), by="province")

    stock_rebuild()

    assert counts_on(dt.date(2025, 10, 1), by="province") == before
    assert before.rows[0]["name"] == "Thành phố Hà Nội"


def test_a_dissolved_model_stops_counting_with_its_sites_and_teams(
    cadre: User, police: User
) -> None:
    initiative = register(cadre)
    team_add(
        actor=cadre,
        site=initiative.sites.get(),
        name="Tổ 1",
        member_count=5,
        started_on=dt.date(2025, 8, 1),
    )
    with pytest.raises(WorkflowRefusedError) as refused:
        initiative_step(actor=police, initiative=initiative, action="dissolve")
    assert refused.value.field == "reason"

    initiative_step(
        actor=police,
        initiative=initiative,
        action="dissolve",
        reason="Không còn hoạt động",
        effective_on=dt.date(2025, 12, 1),
    )

    assert counts_on(dt.date(2025, 12, 1)).teams == 1
    after = counts_on(dt.date(2025, 12, 2))
    assert (after.models, after.sites, after.teams) == (0, 0, 0)


def test_a_union_cadre_cannot_register_in_another_commune(cadre_ba_dinh: User) -> None:
    with pytest.raises(WorkflowAccessError):
        register(cadre_ba_dinh)  # Hoàn Kiếm's union
    assert register(cadre_ba_dinh, code=BA_DINH).commune.code == BA_DINH


def test_review_filed_confirmed_and_graded(
    cadre: User, police: User, province_police: User
) -> None:
    initiative = register(cadre, started_on=dt.date(2025, 1, 10))

    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2025,
        activities=12,
        members=25,
        meetings=6,
        tips_passed=4,
        scores={"ke-hoach": 9, "tuyen-truyen": 8},
    )
    assert review.status == ReviewStatus.SUBMITTED
    assert (review.period_start, review.period_end) == (
        dt.date(2024, 11, 15),
        dt.date(2025, 11, 14),
    )
    assert review.due_on == dt.date(2025, 11, 20)
    with pytest.raises(WorkflowAccessError):
        review_step(actor=cadre, review=review, action="confirm")

    review = review_step(actor=police, review=review, action="confirm")
    with pytest.raises(WorkflowAccessError):
        review_step(
            actor=police, review=review, action="grade", grade=Grade.objects.get(code="tot")
        )
    review = review_step(
        actor=province_police, review=review, action="grade", grade=Grade.objects.get(code="tot")
    )

    assert review.status == ReviewStatus.GRADED
    assert review.grade is not None
    assert review.grade.code == "tot"


def test_the_top_grade_is_capped_as_a_share_of_the_next(
    cadre: User, police: User, province_police: User
) -> None:
    initiative = register(cadre, started_on=dt.date(2024, 1, 10))
    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2025,
        activities=1,
        members=1,
        meetings=1,
        tips_passed=0,
    )
    review = review_step(actor=police, review=review, action="confirm")

    with pytest.raises(WorkflowRefusedError) as refused:
        review_step(
            actor=province_police,
            review=review,
            action="grade",
            grade=Grade.objects.get(code="xuat-sac"),
        )

    assert "20%" in refused.value.message


def test_a_model_younger_than_nine_months_is_not_graded(
    cadre: User, police: User, province_police: User
) -> None:
    initiative = register(cadre, started_on=dt.date(2025, 6, 1))
    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2025,
        activities=1,
        members=1,
        meetings=1,
        tips_passed=0,
    )
    review = review_step(actor=police, review=review, action="confirm")
    with pytest.raises(WorkflowRefusedError, match="9 tháng"):
        review_step(
            actor=province_police,
            review=review,
            action="grade",
            grade=Grade.objects.get(code="kha"),
        )


def test_a_returned_review_needs_a_reason_and_can_be_filed_again(cadre: User, police: User) -> None:
    initiative = register(cadre)
    review = review_file(
        actor=cadre,
        initiative=initiative,
        year=2026,
        activities=1,
        members=1,
        meetings=1,
        tips_passed=0,
    )
    with pytest.raises(WorkflowRefusedError):
        review_step(actor=police, review=review, action="return")
    review = review_step(actor=police, review=review, action="return", reason="Thiếu số liệu")
    assert review.status == ReviewStatus.RETURNED

    again = review_file(
        actor=cadre,
        initiative=initiative,
        year=2026,
        activities=3,
        members=1,
        meetings=1,
        tips_passed=0,
    )
    assert (again.pk, again.status, again.activities) == (review.pk, ReviewStatus.SUBMITTED, 3)


def test_every_transition_of_both_machines_is_taken(
    cadre: User, police: User, province_police: User
) -> None:
    """Walk `machine.edges()`: every declared step is reachable and takes effect."""
    seen: set[tuple[str, str, str]] = set()
    for source, action, target in INITIATIVE.edges():
        if action == "register":
            seen.add((source, action, target))
            continue
        initiative = register(
            cadre, started_on=dt.date(2024, 1, 1), name=f"Mô hình {source} {action}"
        )
        path = {
            "proposed": [],
            "piloted": [("pilot", cadre)],
            "recognised": [("recognise", province_police)],
            "active": [("recognise", province_police), ("activate", cadre)],
            "consolidating": [
                ("recognise", province_police),
                ("activate", cadre),
                ("consolidate", police),
            ],
        }[source]
        for step, actor in path:
            initiative = initiative_step(
                actor=actor,
                initiative=initiative,
                action=step,
                reason="lý do",
                document="12/QĐ-UBND",
            )
        other = register(cadre, name="Mô hình đích") if action == "merge" else None
        actor = {"host": cadre, "police": police, "province": province_police}[
            INITIATIVE.transition(action).by
        ]
        initiative = initiative_step(
            actor=actor,
            initiative=initiative,
            action=action,
            reason="lý do",
            document="15/QĐ-UBND",
            merged_into=other,
            effective_on=dt.date(2025, 8, 1),
        )
        assert initiative.status == target
        seen.add((source, action, target))
    assert seen == set(INITIATIVE.edges())
    assert {a for _s, a, _t in REVIEW.edges()} == {
        "submit",
        "confirm",
        "return",
        "grade",
        "return_to_host",
    }


def test_a_model_cannot_end_before_one_of_its_sites_or_teams_started(
    cadre: User, police: User
) -> None:
    """It raised an IntegrityError (a 500): the site's end fell before its start."""
    initiative = register(cadre)
    site = site_add(
        actor=cadre,
        initiative=initiative,
        name="Tổ dân phố số 5",
        commune=commune("00070"),
        started_on=dt.date(2025, 10, 1),
    )
    team_add(actor=cadre, site=site, name="Tổ 1", member_count=6, started_on=dt.date(2025, 11, 1))

    for day in (dt.date(2025, 9, 30), dt.date(2025, 10, 31)):
        with pytest.raises(WorkflowRefusedError) as refused:
            initiative_step(
                actor=police,
                initiative=initiative,
                action="dissolve",
                reason="Hết",
                effective_on=day,
            )
        assert refused.value.field == "effective_on"

    initiative_step(
        actor=police,
        initiative=initiative,
        action="dissolve",
        reason="Hết",
        effective_on=dt.date(2025, 11, 1),
    )
    assert counts_on(dt.date(2025, 11, 1)).teams == 1
    assert counts_on(dt.date(2025, 11, 2)).sites == 0


def test_no_team_of_a_model_is_counted_after_the_model_ended(cadre: User, police: User) -> None:
    # A team ended on 01/12/2025, then its model dissolved as of 15/11/2025: the team would be
    # counted for two weeks of a model that no longer ran; and a team of a dissolved model
    # ended again later would run past its model's end.
    initiative = register(cadre)
    site = site_add(
        actor=cadre,
        initiative=initiative,
        name="Tổ dân phố số 5",
        commune=commune("00070"),
        started_on=dt.date(2025, 10, 1),
    )
    team = team_add(
        actor=cadre, site=site, name="Tổ 1", member_count=6, started_on=dt.date(2025, 10, 1)
    )
    team_end(actor=cadre, team=team, ended_on=dt.date(2025, 12, 1), reason="Giải thể tổ")

    with pytest.raises(WorkflowRefusedError) as refused:
        initiative_step(
            actor=police,
            initiative=initiative,
            action="dissolve",
            reason="Hết",
            effective_on=dt.date(2025, 11, 15),
        )
    assert refused.value.field == "effective_on"

    initiative_step(
        actor=police,
        initiative=initiative,
        action="dissolve",
        reason="Hết",
        effective_on=dt.date(2025, 12, 1),
    )
    with pytest.raises(WorkflowRefusedError):
        team_end(actor=cadre, team=team, ended_on=dt.date(2025, 12, 20), reason="Sửa ngày")
    assert counts_on(dt.date(2025, 12, 10)).teams == 0
    assert counts_on(dt.date(2025, 12, 1)).teams == 1
