"""Periodic reports: the state machine walked whole, approval from the bottom up, locking,
corrections audited, validation, and figures counting from submission."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from toandan.accounts.tests.factories import make_user
from toandan.audit.models import AuditEvent
from toandan.orgs.models import OrgUnit
from toandan.stats.models import DataSet, Report, ReportStatus
from toandan.stats.selectors import rollup
from toandan.stats.services import (
    REPORT_MACHINE,
    REPORT_TRANSITIONS,
    ReportAccessError,
    ReportRefusedError,
    allowed_report_actions,
    report_act,
)
from toandan.workflow.machine import NEW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PERIOD = "2026Q2"
FIGURES = {
    "members_trained": Decimal(120),
    "communication_sessions": Decimal(6),
    "tips_passed_outside": Decimal(9),
    "offenders_reintegrated": Decimal(0),
}


@pytest.fixture
def quarterly(db: None) -> DataSet:
    """The quarterly data set, limited to Hà Nội's union and two of its wards so the city's
    report has two reports below it."""
    dataset = DataSet.objects.get(code="pn_movement_quarter")
    dataset.assigned_units.set(
        OrgUnit.objects.filter(code__in=["PN-01", "PN-01-00070", "PN-01-00004"])
    )
    return dataset


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.select_related("admin_unit").get(code=code)


def act(user: Any, dataset: DataSet, code: str, action: str, **kwargs: Any) -> Report:
    if action in {"save", "submit", "correct"}:
        kwargs.setdefault("values", FIGURES)
    if action in {"return", "correct"}:
        kwargs.setdefault("reason", "Số liệu tập huấn chưa khớp sổ theo dõi")
    return report_act(
        actor=user, dataset=dataset, unit=unit(code), period_id=PERIOD, action=action, **kwargs
    )


def test_every_transition_of_the_state_machine(
    quarterly: DataSet, cadre_hoan_kiem_union: Any, leader_hanoi_union: Any
) -> None:
    walked: set[tuple[str, str]] = set()

    def step(user: Any, action: str, expected: str, **kwargs: Any) -> None:
        before = Report.objects.filter(org_unit__code="PN-01-00070", period_id=PERIOD).first()
        report = act(user, quarterly, "PN-01-00070", action, **kwargs)
        assert report.status == expected, action
        walked.add((before.status if before else NEW, action))

    cadre, leader = cadre_hoan_kiem_union, leader_hanoi_union
    step(cadre, "save", ReportStatus.DRAFT, values={"members_trained": Decimal(10)})
    step(cadre, "save", ReportStatus.DRAFT)
    step(cadre, "submit", ReportStatus.SUBMITTED)
    step(leader, "return", ReportStatus.RETURNED)
    step(cadre, "save", ReportStatus.RETURNED)
    step(cadre, "submit", ReportStatus.SUBMITTED)
    step(leader, "approve", ReportStatus.APPROVED)
    step(leader, "correct", ReportStatus.APPROVED)
    step(leader, "return", ReportStatus.RETURNED)
    Report.objects.filter(org_unit__code="PN-01-00070").delete()
    step(cadre, "submit", ReportStatus.SUBMITTED)

    assert walked == {(source, action) for source, action, _target in REPORT_MACHINE.edges()}


@pytest.mark.parametrize("status", [NEW, *ReportStatus.values])
def test_every_other_action_is_refused_with_a_reason(
    status: str, quarterly: DataSet, cadre_hoan_kiem_union: Any, leader_hanoi_union: Any
) -> None:
    paths = {
        NEW: [],
        ReportStatus.DRAFT: [(cadre_hoan_kiem_union, "save")],
        ReportStatus.SUBMITTED: [(cadre_hoan_kiem_union, "submit")],
        ReportStatus.APPROVED: [(cadre_hoan_kiem_union, "submit"), (leader_hanoi_union, "approve")],
        ReportStatus.RETURNED: [(cadre_hoan_kiem_union, "submit"), (leader_hanoi_union, "return")],
    }
    for user, action in paths[status]:
        act(user, quarterly, "PN-01-00070", action)
    refused = [a for a, t in REPORT_TRANSITIONS.items() if status not in t.sources]

    for action in refused:
        user = (
            leader_hanoi_union
            if REPORT_TRANSITIONS[action].by == "approve"
            else cadre_hoan_kiem_union
        )
        with pytest.raises(ReportRefusedError) as error:
            act(user, quarterly, "PN-01-00070", action)
        assert "not possible while the report is" in error.value.message


@pytest.fixture
def people(
    cadre_hoan_kiem_union: Any, leader_hanoi_union: Any, leader_central_union: Any
) -> SimpleNamespace:
    return SimpleNamespace(
        cadre_hoan_kiem=cadre_hoan_kiem_union,
        cadre_ba_dinh=make_user("pn.bd.people", "union_cadre", "PN-01-00004"),
        cadre_hanoi=make_user("pn.hn.people", "union_cadre", "PN-01"),
        leader_hanoi=leader_hanoi_union,
        leader_central=leader_central_union,
        officer_hoan_kiem=make_user("ca.hk.people", "police_officer", "CA-01-00070"),
    )


def test_a_unit_is_approved_only_after_the_units_below(
    quarterly: DataSet, people: SimpleNamespace
) -> None:
    act(people.cadre_hanoi, quarterly, "PN-01", "submit")
    act(people.cadre_hoan_kiem, quarterly, "PN-01-00070", "submit")
    act(people.leader_hanoi, quarterly, "PN-01-00070", "approve")

    with pytest.raises(ReportRefusedError) as error:
        act(people.leader_central, quarterly, "PN-01", "approve")
    assert "Ba Đình" in error.value.message
    assert "Hoàn Kiếm" not in error.value.message

    act(people.cadre_ba_dinh, quarterly, "PN-01-00004", "submit")
    act(people.leader_hanoi, quarterly, "PN-01-00004", "approve")
    city = act(people.leader_central, quarterly, "PN-01", "approve")

    assert city.status == ReportStatus.APPROVED
    assert city.approved_by == people.leader_central
    # Once the city's report is approved, a ward's approved report can no longer be sent back.
    with pytest.raises(ReportRefusedError, match="already approved"):
        act(people.leader_hanoi, quarterly, "PN-01-00070", "return")


def test_approval_locks_the_figures_and_a_correction_is_audited(
    quarterly: DataSet, cadre_hoan_kiem_union: Any, leader_hanoi_union: Any
) -> None:
    act(cadre_hoan_kiem_union, quarterly, "PN-01-00070", "submit")
    act(leader_hanoi_union, quarterly, "PN-01-00070", "approve")

    assert (
        allowed_report_actions(
            cadre_hoan_kiem_union, quarterly, unit("PN-01-00070"), Report.objects.get()
        )
        == []
    )
    with pytest.raises(ReportRefusedError):
        act(
            cadre_hoan_kiem_union,
            quarterly,
            "PN-01-00070",
            "save",
            values={"members_trained": Decimal(999)},
        )
    with pytest.raises(ReportRefusedError) as error:
        act(leader_hanoi_union, quarterly, "PN-01-00070", "correct", reason="  ")
    assert "reason" in error.value.errors

    corrected = dict(FIGURES, members_trained=Decimal(150))
    act(
        leader_hanoi_union,
        quarterly,
        "PN-01-00070",
        "correct",
        values=corrected,
        reason="Sổ theo dõi ghi 150 lượt",
    )

    event = AuditEvent.objects.filter(action="stats.report.correct").get()
    assert event.reason == "Sổ theo dõi ghi 150 lượt"
    assert event.data["values"] == {"members_trained": ["120.00", "150"]}
    table = rollup(["members_trained"], PERIOD, unit="01", level="commune", by=("place",))
    assert table.value("members_trained", "00070") == 150


def test_who_may_enter_and_approve(quarterly: DataSet, people: SimpleNamespace) -> None:
    with pytest.raises(ReportAccessError):
        act(people.cadre_ba_dinh, quarterly, "PN-01-00070", "submit")
    with pytest.raises(ReportAccessError):
        act(people.officer_hoan_kiem, quarterly, "PN-01-00070", "submit")
    act(people.cadre_hoan_kiem, quarterly, "PN-01-00070", "submit")
    with pytest.raises(ReportAccessError):
        act(people.cadre_hanoi, quarterly, "PN-01-00070", "approve")
    # A leader approves the units below, not the unit's own report.
    act(people.cadre_hanoi, quarterly, "PN-01", "submit")
    with pytest.raises(ReportAccessError):
        act(people.leader_hanoi, quarterly, "PN-01", "approve")


def test_a_unit_that_does_not_report_is_refused(
    quarterly: DataSet, cadre_hoan_kiem_union: Any
) -> None:
    make = "PN-01-00070"
    with pytest.raises(ReportRefusedError, match="period"):
        report_act(
            actor=cadre_hoan_kiem_union,
            dataset=quarterly,
            unit=unit(make),
            period_id="2026",
            action="save",
            values={},
        )
    # Before 01/07/2025 the ward did not exist.
    with pytest.raises(ReportRefusedError, match="does not report"):
        report_act(
            actor=cadre_hoan_kiem_union,
            dataset=quarterly,
            unit=unit(make),
            period_id="2024Q4",
            action="save",
            values={},
        )


def test_figures_are_checked_on_submission(quarterly: DataSet, cadre_hoan_kiem_union: Any) -> None:
    # A draft may be incomplete.
    act(
        cadre_hoan_kiem_union,
        quarterly,
        "PN-01-00070",
        "save",
        values={"members_trained": Decimal(3)},
    )

    with pytest.raises(ReportRefusedError) as error:
        act(
            cadre_hoan_kiem_union,
            quarterly,
            "PN-01-00070",
            "submit",
            values={
                "members_trained": Decimal("2.5"),
                "communication_sessions": Decimal(-1),
                "tips_passed_outside": Decimal(4),
            },
        )

    assert set(error.value.errors) == {
        "members_trained",
        "communication_sessions",
        "offenders_reintegrated",
    }
    assert "whole number" in error.value.errors["members_trained"]
    with pytest.raises(ReportRefusedError) as error:
        act(
            cadre_hoan_kiem_union,
            quarterly,
            "PN-01-00070",
            "submit",
            values=dict(FIGURES, members_trained=Decimal(1), tips_passed_outside=Decimal(101)),
        )
    assert list(error.value.errors) == ["tips_passed_outside"]
    assert Report.objects.get().status == ReportStatus.DRAFT


def test_figures_count_from_submission_until_returned(
    quarterly: DataSet, cadre_hoan_kiem_union: Any, leader_hanoi_union: Any
) -> None:
    def trained() -> Any:
        table = rollup(
            ["members_trained", "initiatives"], PERIOD, unit="01", level="commune", by=("place",)
        )
        return table.value("members_trained", "00070"), table.value("initiatives", "00070")

    act(cadre_hoan_kiem_union, quarterly, "PN-01-00070", "save")
    assert trained() == (None, None)
    act(cadre_hoan_kiem_union, quarterly, "PN-01-00070", "submit")
    assert trained() == (120, None)  # initiatives left empty: not reported, not 0
    act(leader_hanoi_union, quarterly, "PN-01-00070", "return")
    assert trained() == (None, None)


def _locks(queries: list[dict[str, Any]]) -> list[str]:
    """The report rows locked, in order (the audit chain's head is locked too, last)."""
    return [
        q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and 'FROM "stats_report"' in q["sql"]
    ]


def test_approval_and_return_lock_the_reports_down_the_tree(
    quarterly: DataSet, people: SimpleNamespace
) -> None:
    """Race: a leader approves the city's report while another returns a ward's report the
    city's includes. Each locks the reports it checks before checking them, always from the
    top down (the report above, the unit's own, the reports below in id order), so one waits
    for the other and sees its result; neither can approve over a report being returned."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite runs one writer at a time and has no row locks")
    act(people.cadre_hanoi, quarterly, "PN-01", "submit")
    for ward, cadre in (
        ("PN-01-00070", people.cadre_hoan_kiem),
        ("PN-01-00004", people.cadre_ba_dinh),
    ):
        act(cadre, quarterly, ward, "submit")
        act(people.leader_hanoi, quarterly, ward, "approve")
    reports = {r.org_unit.code: r for r in Report.objects.select_related("org_unit")}
    city, wards = (
        reports["PN-01"],
        sorted((reports["PN-01-00070"], reports["PN-01-00004"]), key=lambda r: r.pk),
    )

    with CaptureQueriesContext(connection) as returning:
        act(people.leader_hanoi, quarterly, "PN-01-00070", "return")
    with CaptureQueriesContext(connection) as approving:
        act(people.cadre_hoan_kiem, quarterly, "PN-01-00070", "submit")
        act(people.leader_hanoi, quarterly, "PN-01-00070", "approve")
        act(people.leader_central, quarterly, "PN-01", "approve")

    parent_first, own = _locks(returning.captured_queries)
    assert f'"stats_report"."id" = {city.pk}' in parent_first
    # Only report rows are locked, not the units they belong to.
    assert "orgs_orgunit" not in parent_first + own
    assert f'"org_unit_id" = {reports["PN-01-00070"].org_unit_id}' in own
    *_ward_steps, city_own, children = _locks(approving.captured_queries)
    assert f'"org_unit_id" = {city.org_unit_id}' in city_own
    assert f"IN ({wards[0].pk}, {wards[1].pk})" in children
    assert children.index(str(wards[0].pk)) < children.index(str(wards[1].pk))
