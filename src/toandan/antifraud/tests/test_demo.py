"""The demo goes through the real intake and services, is idempotent, and shows each verdict."""

from __future__ import annotations

import pytest

from toandan.antifraud import selectors, services
from toandan.antifraud.demo import load_demo
from toandan.antifraud.models import Indicator, IndicatorStatus

pytestmark = pytest.mark.django_db


def test_demo_makes_verified_and_pending_indicators_once() -> None:
    from toandan.accounts.demo import load_demo as load_accounts

    load_accounts()
    summary = load_demo()
    assert "indicators created" in summary
    count = Indicator.objects.count()
    assert Indicator.objects.filter(status=IndicatorStatus.VERIFIED).exists()
    load_demo()
    assert Indicator.objects.count() == count

    def verdict(text: str) -> str:
        (found,) = services.fraud_check(text)
        return str(found.verdict)

    assert verdict("0531 000 113") == selectors.VERIFIED
    assert verdict("STK 0000 2222 3333 MinhHoaBank") == selectors.VERIFIED
    assert verdict("0548 765 432") == selectors.UNDER_VERIFICATION
    assert verdict("0536 444 555") == selectors.NO_INFORMATION  # a single report


def _demo_state() -> dict[str, int]:
    from toandan.antifraud.models import Appeal, IndicatorReport, RangeKey
    from toandan.audit.models import AuditEvent
    from toandan.tips.models import Tip

    return {
        "tips": Tip.objects.count(),
        "reports": IndicatorReport.objects.count(),
        "indicators": Indicator.objects.count(),
        "appeals": Appeal.objects.count(),
        "range keys": RangeKey.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_demo_shows_a_key_rotation_a_redacted_link_and_appeals_once() -> None:
    """What exists besides the lookup: a range-key rotation in its overlap, a phishing link
    stored without its victims' data, appeals, all through the real command, flow and API;
    a second run adds nothing at all."""
    from io import StringIO

    from django.core.management import call_command

    from toandan.accounts.demo import load_demo as load_accounts
    from toandan.antifraud.demo import PHISHING_VICTIM_DATA
    from toandan.antifraud.models import Appeal, AppealStatus

    load_accounts()
    load_demo()
    state = _demo_state()
    load_demo()
    assert _demo_state() == state

    status = StringIO()
    call_command("fraud", "range-key-status", stdout=status)
    assert "current: v2" in status.getvalue()
    assert "previous: v1, answers until" in status.getvalue()

    (link,) = Indicator.objects.filter(kind="url", value__contains="[redacted]")
    assert link.status == IndicatorStatus.VERIFIED
    assert link.report_count == 2  # two victims' own links: one kit, one indicator
    assert link.digest_previous  # found under the previous range key during the overlap
    for secret in PHISHING_VICTIM_DATA:
        assert secret not in f"{link.value} {link.display}", secret
    # Nothing of a victim's link became an indicator of its own (their phone, their e-mail).
    assert not Indicator.objects.filter(kind="phone", value__contains="999001").exists()
    # A third victim checking their own link finds the kit.
    third = link.value.replace("[redacted]", "le.van.c@thu-nghiem.example")
    (found,) = services.fraud_check(third.replace("sdt=", "sdt=0547000999"))
    assert found.verdict == selectors.VERIFIED

    appeals = {appeal.status: appeal for appeal in Appeal.objects.select_related("indicator")}
    assert set(appeals) == {AppealStatus.SUBMITTED, AppealStatus.REJECTED}
    assert "thuê bao" in appeals[AppealStatus.SUBMITTED].statement
    rejected = appeals[AppealStatus.REJECTED]
    assert rejected.decision_reason
    assert rejected.decided_by is not None
    # A rejected appeal keeps the listing: the demo's verdicts stay as the README says.
    assert rejected.indicator.status == IndicatorStatus.VERIFIED
