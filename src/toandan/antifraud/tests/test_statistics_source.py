"""The "antifraud" statistics source: the roll-up counts confirmed reports and losses by
province and scam type, verified indicators and checks, from antifraud's tables."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from toandan.antifraud import services
from toandan.stats.selectors import rollup
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db


def test_the_rollup_reads_reports_losses_and_verified(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    facts = fraud_tip_identifiers(officer_hoan_kiem, fraud_tip().pk)
    assert facts is not None
    (account,) = [i for i in facts.identifiers if i.kind == "bank_account"]
    indicator = services.indicator_report_confirm(
        actor=officer_hoan_kiem, tip=facts, identifier=account, loss_vnd=18_000_000
    ).indicator
    services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
    year = str(timezone.localdate().year)

    table = rollup(["fraud_reports", "fraud_losses_vnd"], year, unit="01", level="province", by=())
    assert table.value("fraud_reports") == 1
    assert table.value("fraud_losses_vnd") == 18_000_000

    national = rollup(["fraud_verified"], year, level="country", by=())
    assert national.value("fraud_verified") == 1

    by_type = rollup(["fraud_reports"], year, level="country", by=("fraud_scam_type",))
    assert by_type.value("fraud_reports", "fake-bank") == 1


def test_the_summary_paragraph_says_what_anti_fraud_did(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    from django.utils import translation

    from toandan.stats.selectors import summary_figures
    from toandan.stats.vietnamese import summary_paragraph

    year = str(timezone.localdate().year)
    with translation.override("vi"):
        before = summary_paragraph(summary_figures(None, unit="VN", period=year))
    assert "lừa đảo" not in before  # nothing to say: no sentence, not zeros
    facts = fraud_tip_identifiers(officer_hoan_kiem, fraud_tip().pk)
    assert facts is not None
    (account,) = [i for i in facts.identifiers if i.kind == "bank_account"]
    indicator = services.indicator_report_confirm(
        actor=officer_hoan_kiem, tip=facts, identifier=account, loss_vnd=18_000_000
    ).indicator
    services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
    services.fraud_check("Vietcombank 0011004567890")
    services.fraud_check("0531 234 567")
    services.lookups_flush()

    with translation.override("vi"):
        country = summary_paragraph(summary_figures(None, unit="VN", period=year))
        hanoi = summary_paragraph(summary_figures(None, unit="01", period=year))
        hue = summary_paragraph(summary_figures(None, unit="46", period=year))
    assert (
        "Lực lượng Công an đã xác nhận 1 tố giác lừa đảo, thiệt hại người dân báo 18 triệu "
        "đồng; 1 số điện thoại, tài khoản, đường dẫn được xác minh là lừa đảo và người dân "
        "đã tra cứu 2 lượt."
    ) in country
    # A province: its own reports only (the verified list and the checks are national).
    assert "đã xác nhận 1 tố giác lừa đảo, thiệt hại người dân báo 18 triệu đồng." in hanoi
    assert "tra cứu" not in hanoi
    assert "lừa đảo" not in hue
    with translation.override("en"):
        english = summary_paragraph(summary_figures(None, unit="VN", period=year))
    assert "Fraud reports confirmed by the police: 1, with 18 million đồng" in english
