"""Who may do what with a tip: two role sets, on purpose (`toandan.tips.policies`), and the
tip's state machine names those rules as its policies."""

from __future__ import annotations

import pytest

from toandan.accounts.tests.factories import HOAN_KIEM_POLICE, make_user
from toandan.tips import policies
from toandan.tips.handling.timeline import TIP_MACHINE, TRANSITIONS
from toandan.tips.services import tip_submit
from toandan.tips.tests.conftest import tip_input

pytestmark = pytest.mark.django_db


def test_an_officer_handles_the_tip_but_may_not_ask_who_sent_it(officer_hoan_kiem):
    tip = tip_submit(data=tip_input(contact_name="Nguyễn Văn A", contact_phone="0912345678")).tip

    assert policies.may_handle(officer_hoan_kiem, tip)
    assert not policies.may_request_reveal(officer_hoan_kiem, tip)


def test_a_custodian_alone_may_ask_who_sent_it_but_not_handle_the_tip():
    custodian = make_user("gt.only", "identity_custodian", HOAN_KIEM_POLICE)
    tip = tip_submit(data=tip_input(contact_name="Nguyễn Văn A", contact_phone="0912345678")).tip

    assert policies.may_request_reveal(custodian, tip)
    assert not policies.may_handle(custodian, tip)


def test_the_machine_declares_every_transition_and_a_policy_for_each():
    assert [t.action for t in TIP_MACHINE.transitions] == list(TRANSITIONS)
    assert {t.by for t in TIP_MACHINE.transitions} == set(TIP_MACHINE.policies)
    assert {action for _source, action, _target in TIP_MACHINE.edges()} == set(TRANSITIONS)
