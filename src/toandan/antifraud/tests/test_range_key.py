"""Rotating the key of the hash-prefix API: both keys answer during the overlap, so partner
apps switch without a gap; afterwards only the new one; audited, the key never printed."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from toandan.antifraud import services
from toandan.antifraud.hashing import range_keys
from toandan.antifraud.range_client import range_check
from toandan.audit.models import AuditEvent
from toandan.identifiers.extract import identify
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db


def _verified(fraud_tip: Any, officer: Any, verifier: Any, text: str = "") -> Any:
    facts = fraud_tip_identifiers(officer, fraud_tip(**({"description": text} if text else {})).pk)
    assert facts is not None
    account = next(i for i in facts.identifiers if i.kind == "bank_account")
    indicator = services.indicator_report_confirm(
        actor=officer, tip=facts, identifier=account
    ).indicator
    return services.indicator_verify(actor=verifier, indicator=indicator)


def _fetcher(client: Client, statuses: list[int]) -> Any:
    def fetch(url: str) -> dict[str, Any]:
        response = client.get(url)
        statuses.append(response.status_code)
        return dict(response.json()) if response.status_code == 200 else {}

    return fetch


def test_both_keys_answer_during_the_overlap_then_only_the_new_one(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    (listed,) = identify("Vietcombank 0011004567890")
    old = range_keys(fresh=True)
    statuses: list[int] = []
    fetch = _fetcher(client, statuses)
    assert range_check(listed, key=old.key, fetch=fetch, version=old.version) == "verified"

    out = StringIO()
    call_command("fraud", "rotate-range-key", "--overlap-days", "7", stdout=out)
    new = range_keys(fresh=True)
    assert new.version == old.version + 1
    assert new.key != old.key
    assert new.key.hex() not in out.getvalue()
    assert f"v{new.version} is current" in out.getvalue()

    # An app still on the old key, and one that fetched the new key: both are answered.
    assert range_check(listed, key=old.key, fetch=fetch, version=old.version) == "verified"
    assert range_check(listed, key=new.key, fetch=fetch, version=new.version) == "verified"
    assert range_check(listed, key=new.key, fetch=fetch) == "verified"  # default: current
    # An identifier listed during the overlap is found under both keys too.
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem, "STK 0000 2222 3333 MinhHoaBank")
    (late,) = identify("STK 0000 2222 3333 MinhHoaBank")
    assert range_check(late, key=old.key, fetch=fetch, version=old.version) == "verified"
    assert range_check(late, key=new.key, fetch=fetch, version=new.version) == "verified"
    # The old key under the new digests finds nothing (the layout did switch).
    assert range_check(listed, key=old.key, fetch=fetch, version=new.version) == "no_information"

    call_command("fraud", "retire-range-key", stdout=StringIO())
    statuses.clear()
    assert range_check(listed, key=old.key, fetch=fetch, version=old.version) == "no_information"
    assert statuses == [422]  # the app is told to fetch the key
    assert range_check(listed, key=new.key, fetch=fetch, version=new.version) == "verified"

    events = list(
        AuditEvent.objects.filter(action__startswith="antifraud.range_key.").order_by("id")
    )
    assert [e.action for e in events] == [
        "antifraud.range_key.rotate",
        "antifraud.range_key.retire",
    ]
    assert events[0].data["version"] == new.version
    assert old.key.hex() not in str(events[0].data)
    assert new.key.hex() not in str(events[0].data)


def test_the_old_key_stops_answering_when_the_overlap_ends(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    old = range_keys(fresh=True)
    services.range_key_rotate(overlap_days=1, now=timezone.now() - dt.timedelta(days=2))
    prefix = "abcde"
    assert client.get(f"/api/v1/fraud/range/{prefix}?key={old.version}").status_code == 422
    # The next rotation may start: the expired overlap is not "running".
    result = services.range_key_rotate(overlap_days=3)
    assert result.previous_version == old.version + 1


def test_a_second_rotation_during_the_overlap_is_refused() -> None:
    services.range_key_rotate(overlap_days=3)
    with pytest.raises(services.AntifraudError):
        services.range_key_rotate(overlap_days=3)


def test_partners_learn_the_version_with_the_key(leader_hanoi: Any) -> None:
    from toandan.accounts.services import api_token_create

    _row, token = api_token_create(user=leader_hanoi, actor=leader_hanoi, name="test")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    before = api.get("/api/v1/fraud/range/key").json()
    assert before["version"] == 1
    assert before["previous_version"] is None
    services.range_key_rotate(overlap_days=3)
    after = api.get("/api/v1/fraud/range/key").json()
    assert after["version"] == 2
    assert after["previous_version"] == 1
    assert after["key_hex"] != before["key_hex"]
