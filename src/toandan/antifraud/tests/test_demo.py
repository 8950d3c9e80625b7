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
