"""STIX 2.1 and CSV: what is exported reads back the same; imports stay labelled imported."""

from __future__ import annotations

from typing import Any

import pytest
import stix2

from toandan.antifraud import exchange, selectors, services
from toandan.antifraud.models import Indicator, IndicatorSource
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db


def _verified_all(fraud_tip: Any, officer: Any, verifier: Any) -> None:
    facts = fraud_tip_identifiers(officer, fraud_tip().pk)
    assert facts is not None
    for identifier in facts.identifiers:
        indicator = services.indicator_report_confirm(
            actor=officer, tip=facts, identifier=identifier
        ).indicator
        services.indicator_verify(actor=verifier, indicator=indicator)


def test_stix_export_is_a_valid_bundle_that_reads_back(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, leader_hanoi: Any
) -> None:
    _verified_all(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    text = exchange.export_stix(exchange.indicators_in_force())
    bundle = stix2.parse(text, allow_custom=True)
    patterns = sorted(o.pattern for o in bundle.objects if o.type == "indicator")
    assert "[x-toandan-bank-account:value = '970436:0011004567890']" in patterns
    assert any(p.startswith("[url:value = 'http://xn--") for p in patterns)
    parsed = exchange.parse_stix(text)
    assert parsed.rejected == []
    assert {row[0].key for row in parsed.rows} == {
        (i.kind, i.value) for i in Indicator.objects.all()
    }


def test_imports_are_labelled_and_never_mixed(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, leader_hanoi: Any
) -> None:
    _verified_all(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    csv_text = exchange.export_csv(exchange.indicators_in_force())
    csv_text += (
        "phone,0539 000 999,,,,,,,,,2099-01-01T00:00:00+00:00\nphone,not a number,,,,,,,,,\n"
    )
    parsed = exchange.parse_csv(csv_text)
    assert parsed.rejected == ["phone:not a number"]
    result = services.indicators_import(
        actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=parsed.rows
    )
    assert result.created == 4
    imported = Indicator.objects.filter(source=IndicatorSource.IMPORTED)
    assert imported.count() == 4
    # The same identifier exists twice, once per source; the check prefers the police's.
    (verdict,) = services.fraud_check("0531 234 567")
    assert verdict.verdict == selectors.VERIFIED
    assert verdict.source == IndicatorSource.POLICE
    (only_imported,) = services.fraud_check("0539 000 999")
    assert only_imported.verdict == selectors.VERIFIED
    assert only_imported.source == IndicatorSource.IMPORTED
    assert only_imported.source_name == "Ngân hàng Minh Họa"
    # Exports never mix the two.
    police_csv = exchange.export_csv(exchange.indicators_in_force())
    assert "Ngân hàng Minh Họa" not in police_csv
    assert "0539000999" not in police_csv


BAD_DATE_CSV = (
    "kind,value,expires_at\nphone,0539 000 111,2026-13-45T00:00:00\nphone,0539 000 222,\n"
)
BAD_STIX = (
    '{"type": "bundle", "id": "bundle--6b0d7a7e-2f4f-4b8e-9d4e-1c7a2b3c4d5e", "objects": [1]}'
)


def test_an_import_row_with_an_impossible_date_is_rejected_not_a_500() -> None:
    """parse_datetime raises ValueError on "2026-13-45T…": the import page answered 500. The
    row is refused (kept with no expiry it would stay listed for ever)."""
    parsed = exchange.parse_csv(BAD_DATE_CSV)
    assert [identifier.value for identifier, _first, _expires in parsed.rows] == ["+84539000222"]
    assert len(parsed.rejected) == 1
    assert "0539 000 111" in parsed.rejected[0]


@pytest.mark.parametrize(
    "upload",
    [
        BAD_DATE_CSV,
        BAD_STIX,
        "kind,value\nphone," + "1" * 200_000 + "\n",
        "kind,value,expires_at\nphone,0539000333,2026-12-01T10:00:00+99:00\n",
    ],
)
def test_a_malformed_import_file_gets_a_clear_message(leader_hanoi: Any, upload: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from toandan.accounts.tests.factories import logged_in

    client = logged_in(leader_hanoi)
    response = client.post(
        "/fraud/staff/import/",
        {
            "source": "Ngân hàng Minh Họa",
            "upload": SimpleUploadedFile("list.txt", upload.encode(), "text/plain"),
        },
    )
    assert response.status_code == 200
    assert response.context["rejected"], "the refused rows or file are listed"


def test_a_partner_reimport_does_not_relist_what_the_police_delisted(leader_hanoi: Any) -> None:
    """An appeal upheld (or a leader's delisting) on an imported number was undone by the
    partner's next routine import: the number showed "verified as fraud" again."""
    from toandan.antifraud.models import IndicatorStatus

    rows = exchange.parse_csv("kind,value\nphone,0539 000 444\n").rows
    services.indicators_import(actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=rows)
    indicator = Indicator.objects.get(source=IndicatorSource.IMPORTED)
    services.indicator_decide(
        actor=leader_hanoi, indicator=indicator, action="delist", reason="Số của người bị hại"
    )
    result = services.indicators_import(
        actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=rows
    )
    assert result.created == 0
    indicator.refresh_from_db()
    assert indicator.status == IndicatorStatus.DELISTED
    (verdict,) = services.fraud_check("0539 000 444")
    assert verdict.verdict == selectors.NO_INFORMATION


def test_a_second_partner_does_not_take_over_the_first_partners_entry(leader_hanoi: Any) -> None:
    rows = exchange.parse_csv("kind,value\nphone,0539 000 555\n").rows
    services.indicators_import(actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=rows)
    services.indicators_import(actor=leader_hanoi, source_name="Nhà mạng Ví Dụ", rows=rows)
    (verdict,) = services.fraud_check("0539 000 555")
    assert verdict.verdict == selectors.VERIFIED
    assert "Ngân hàng Minh Họa" in verdict.source_name


def test_the_import_page_names_the_rows_kept_delisted(leader_hanoi: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from toandan.accounts.tests.factories import logged_in

    rows = exchange.parse_csv("kind,value\nphone,0539 000 666\n").rows
    services.indicators_import(actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=rows)
    services.indicator_decide(
        actor=leader_hanoi,
        indicator=Indicator.objects.get(source=IndicatorSource.IMPORTED),
        action="delist",
        reason="Số của người bị hại",
    )
    response = logged_in(leader_hanoi).post(
        "/fraud/staff/import/",
        {
            "source": "Ngân hàng Minh Họa",
            "upload": SimpleUploadedFile("l.csv", b"kind,value\nphone,0539 000 666\n", "text/csv"),
        },
    )
    assert "0539 000 666" in response.content.decode()


def test_an_import_takes_the_creation_lock_before_it_locks_any_row(
    leader_hanoi: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports each locking a row the other already imported, then waiting for the lock
    that orders creations, would deadlock (PostgreSQL would abort one): the import takes that
    lock first, before any row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from toandan.identifiers.extract import identify

    def rows(*texts: str) -> list[Any]:
        return [(identify(text)[0], None, None) for text in texts]

    services.indicators_import(
        actor=leader_hanoi, source_name="Ngân hàng A", rows=rows("0539 000 111")
    )
    seen: list[int] = []
    from toandan.antifraud.known import serialise_new_indicators as real

    with CaptureQueriesContext(connection) as queries:

        def recording() -> None:
            seen.append(sum("FOR UPDATE" in q["sql"] for q in queries.captured_queries))
            real()

        monkeypatch.setattr("toandan.antifraud.services.serialise_new_indicators", recording)
        services.indicators_import(
            actor=leader_hanoi, source_name="Ngân hàng A", rows=rows("0539 000 111", "0539 000 222")
        )
    assert seen
    assert seen[0] == 0
