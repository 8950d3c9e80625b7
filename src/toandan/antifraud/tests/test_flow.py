"""The life of an indicator, as officers and citizens see it: confirmed from a tip, shown as
being verified after enough independent reports, verified by a second officer, appealed and
delisted everywhere, expired after a quiet period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from toandan.antifraud import selectors, services
from toandan.antifraud.machines import APPEAL, INDICATOR
from toandan.antifraud.models import AppealStatus, IndicatorStatus, ListingRule, LookupCount
from toandan.identifiers.extract import extract
from toandan.tips.interface.fraud import fraud_tip_identifiers
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError
from toandan.workflow.models import StateChange

pytestmark = pytest.mark.django_db

ACCOUNT = ("bank_account", "970436:0011004567890")
SCAM = "Goi 0531 234 567, chuyen phi vao STK 0011004567890 Vietcombank de mo khoa tai khoan."


def _verdict(text: str) -> str:
    (verdict,) = services.fraud_check(text)
    return str(verdict.verdict)


def _confirm(officer: Any, tip: Any, key: tuple[str, str] = ACCOUNT) -> Any:
    facts = fraud_tip_identifiers(officer, tip.pk)
    assert facts is not None
    (identifier,) = [i for i in facts.identifiers if i.key == key]
    return services.indicator_report_confirm(actor=officer, tip=facts, identifier=identifier)


def test_identifiers_of_a_fraud_tip_reach_only_its_officers(
    fraud_tip: Any, officer_hoan_kiem: Any, officer_ba_dinh: Any
) -> None:
    tip = fraud_tip()
    facts = fraud_tip_identifiers(officer_hoan_kiem, tip.pk)
    assert facts is not None
    assert {i.kind for i in facts.identifiers} == {"url", "phone", "bank_account"}
    assert ACCOUNT in {i.key for i in facts.identifiers}
    # Only identifiers leave tips: no text, no tipster.
    assert not hasattr(facts, "description")
    assert fraud_tip_identifiers(officer_ba_dinh, tip.pk) is None


def test_a_tip_that_is_not_about_fraud_gives_nothing(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    tip = fraud_tip(description="Trộm xe máy, gọi 0531 234 567", category="theft")
    assert fraud_tip_identifiers(officer_hoan_kiem, tip.pk) is None


def test_one_report_is_not_shown_two_independent_reports_show_being_verified(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    _confirm(officer_hoan_kiem, fraud_tip())
    assert _verdict("Vietcombank 0011004567890") == selectors.NO_INFORMATION
    # The same tip again is not a second report.
    result = _confirm(officer_hoan_kiem, fraud_tip())
    assert result.created
    assert _verdict("Vietcombank 0011004567890") == selectors.UNDER_VERIFICATION


def test_same_tip_twice_is_one_report(fraud_tip: Any, officer_hoan_kiem: Any) -> None:
    tip = fraud_tip()
    _confirm(officer_hoan_kiem, tip)
    again = _confirm(officer_hoan_kiem, tip)
    assert not again.created
    assert again.indicator.report_count == 1


def test_the_threshold_is_data(fraud_tip: Any, officer_hoan_kiem: Any) -> None:
    ListingRule.objects.update(active=False)
    ListingRule.objects.create(reports_to_show=3, expiry_days=30, legal_source="test")
    _confirm(officer_hoan_kiem, fraud_tip())
    _confirm(officer_hoan_kiem, fraud_tip())
    assert _verdict("VCB 0011 0045 67890") == selectors.NO_INFORMATION
    _confirm(officer_hoan_kiem, fraud_tip())
    assert _verdict("VCB 0011 0045 67890") == selectors.UNDER_VERIFICATION


def test_one_citizen_sending_twice_is_one_independent_report(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    """The attack: one citizen sends the same fraud tip twice (same contact phone) to get a
    rival's number listed. It counts once; a second citizen makes it show."""
    first = _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0912 345 678"))
    again = _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0912345678"))
    assert again.created  # two reports, one reporter
    assert again.indicator.report_count == 1
    assert _verdict("Vietcombank 0011004567890") == selectors.NO_INFORMATION
    other = _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0987 654 321"))
    assert other.indicator.report_count == 2
    assert _verdict("Vietcombank 0011004567890") == selectors.UNDER_VERIFICATION
    assert first.indicator.pk == other.indicator.pk


def test_one_browser_sending_twice_is_one_independent_report(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    """The same attack without contact details, from one browser (its device cookie): once;
    and a tip with the contact AND the cookie joins both of the sender's other tips."""
    device = "ab" * 16
    _confirm(officer_hoan_kiem, fraud_tip(device=device))
    result = _confirm(officer_hoan_kiem, fraud_tip(device=device))
    assert result.indicator.report_count == 1
    _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0912345678"))
    joined = _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0912345678", device=device))
    assert joined.indicator.report_count == 1
    assert joined.indicator.unkeyed_reports == 0


def test_tips_that_cannot_be_told_apart_count_by_tip_and_say_so(
    fraud_tip: Any, officer_hoan_kiem: Any, client: Any
) -> None:
    indicator = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    indicator = _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0912345678")).indicator
    assert indicator.report_count == 2
    assert indicator.unkeyed_reports == 1
    client.force_login(officer_hoan_kiem)
    page = client.get(f"/fraud/staff/indicators/{indicator.pk}/").content.decode()
    assert "không phân biệt được người gửi" in page


def test_the_sender_keys_never_leave_the_sealed_content(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    from toandan.tips.selectors import tip_content

    tip = fraud_tip(contact_phone="0912345678", device="cd" * 16)
    content = tip_content(tip, actor=officer_hoan_kiem)
    assert not [key for key in content if key.startswith("_")]
    report = _confirm(officer_hoan_kiem, tip).indicator.reports.get()
    # Keyed per identifier: nothing in antifraud equals what tips sealed or the interface gave.
    facts = fraud_tip_identifiers(officer_hoan_kiem, tip.pk)
    assert facts is not None
    assert len(report.reporter_keys) == 2
    assert not set(report.reporter_keys) & set(facts.reporter_keys)


def test_a_listing_threshold_below_two_is_refused(officer_hoan_kiem: Any) -> None:
    from django.core.exceptions import ValidationError

    rule = ListingRule(reports_to_show=1, expiry_days=30, legal_source="test")
    with pytest.raises(ValidationError) as refused:
        services.reference_save(actor=officer_hoan_kiem, obj=rule, changed=["reports_to_show"])
    assert "một người" in str(refused.value.message_dict["reports_to_show"])
    assert not ListingRule.objects.filter(reports_to_show=1).exists()


def test_a_second_officer_verifies_not_the_one_who_confirmed(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, officer_ba_dinh: Any
) -> None:
    indicator = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    with pytest.raises(WorkflowAccessError):
        services.indicator_verify(actor=officer_hoan_kiem, indicator=indicator)
    with pytest.raises(WorkflowAccessError):  # outside the jurisdiction of the report
        services.indicator_verify(actor=officer_ba_dinh, indicator=indicator)
    verified = services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
    assert verified.status == IndicatorStatus.VERIFIED
    (verdict,) = services.fraud_check("Vietcombank 0011004567890")
    assert verdict.verdict == selectors.VERIFIED
    assert verdict.report_count == 1
    assert verdict.scam_type is not None
    assert verdict.scam_type.code == "fake-bank"


def test_the_province_verifies(fraud_tip: Any, officer_hoan_kiem: Any, leader_hanoi: Any) -> None:
    indicator = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    services.indicator_verify(actor=leader_hanoi, indicator=indicator)
    assert _verdict("0011004567890 Vietcombank") == selectors.VERIFIED


def _verified(fraud_tip: Any, officer: Any, verifier: Any) -> Any:
    indicator = _confirm(officer, fraud_tip()).indicator
    return services.indicator_verify(actor=verifier, indicator=indicator)


def test_an_upheld_appeal_delists_everywhere(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    submitted = services.appeal_submit(indicator=indicator, statement="Tài khoản của tôi bị mượn.")
    assert len(submitted.receipt.replace(" ", "")) == 20
    appeal = services.appeal_by_receipt(submitted.receipt)
    assert appeal is not None
    with pytest.raises(WorkflowRefusedError):  # a reason is required
        services.appeal_decide(actor=officer2_hoan_kiem, appeal=appeal, uphold=True, reason="")
    services.appeal_decide(
        actor=officer2_hoan_kiem, appeal=appeal, uphold=True, reason="Chủ tài khoản chứng minh."
    )
    appeal.refresh_from_db()
    indicator.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD
    assert indicator.status == IndicatorStatus.DELISTED
    assert _verdict("Vietcombank 0011004567890") == selectors.NO_INFORMATION
    assert all(
        e.suffix != indicator.digest[5:] for e in selectors.range_lookup(indicator.digest[:5])
    )
    assert not selectors.indicators_for_staff(officer2_hoan_kiem, status="verified").exists()


def test_a_rejected_appeal_keeps_the_listing(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    appeal = services.appeal_submit(indicator=indicator, statement="Không phải tôi.").appeal
    services.appeal_decide(
        actor=officer_hoan_kiem, appeal=appeal, uphold=False, reason="Ba tin báo độc lập."
    )
    assert _verdict("Vietcombank 0011004567890") == selectors.VERIFIED


def test_expiry_after_the_quiet_period(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    later = indicator.last_seen + dt.timedelta(days=366)
    (verdict,) = selectors.verdicts_for(extract("Vietcombank 0011004567890"), now=later)
    assert verdict.verdict == selectors.NO_INFORMATION
    assert services.indicators_expire(now=later) == 1
    indicator.refresh_from_db()
    assert indicator.status == IndicatorStatus.EXPIRED


def test_a_new_report_reopens_an_expired_indicator(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    services.indicators_expire(now=timezone.now() + dt.timedelta(days=400))
    again = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    assert again.pk == indicator.pk
    assert again.status == IndicatorStatus.REPORTED


def test_checks_are_counted_not_recorded(fraud_tip: Any) -> None:
    services.fraud_check("Gọi 0531 234 567 hoặc vào hotro-vcb.example")
    services.lookups_flush()
    counts = {(c.kind, c.verdict): c.count for c in LookupCount.objects.all()}
    assert counts == {("phone", "no_information"): 1, ("url", "no_information"): 1}
    stored = " ".join(str(v) for row in LookupCount.objects.values() for v in row.values())
    assert "0531" not in stored
    assert "hotro" not in stored


def test_official_numbers_are_official_never_safe_from_absence() -> None:
    assert _verdict("113") == selectors.OFFICIAL
    assert _verdict("1900 54 54 13") == selectors.OFFICIAL
    assert _verdict("https://vietcombank.com.vn/") == selectors.OFFICIAL
    assert _verdict("0539 999 999") == selectors.NO_INFORMATION


def test_every_edge_of_the_machines_is_declared_with_a_policy() -> None:
    edges = INDICATOR.edges()
    assert ("reported", "verify", "verified") in edges
    assert ("verified", "delist", "delisted") in edges
    assert ("expired", "reopen", "reported") in edges
    assert ("submitted", "uphold", "upheld") in APPEAL.edges()


def test_walk_every_indicator_edge(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """confirm, verify, delist, relist, reject, expire, reopen: each taken once for real."""
    indicator = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    indicator = services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
    indicator = services.indicator_decide(
        actor=officer2_hoan_kiem, indicator=indicator, action="delist", reason="Nhầm."
    )
    indicator = services.indicator_decide(
        actor=officer2_hoan_kiem, indicator=indicator, action="relist", reason="Có tin mới."
    )
    indicator = services.indicator_decide(
        actor=officer2_hoan_kiem, indicator=indicator, action="reject", reason="Không đủ căn cứ."
    )
    indicator = services.indicator_decide(
        actor=officer2_hoan_kiem, indicator=indicator, action="relist", reason="Xem lại."
    )
    services.indicators_expire(now=timezone.now() + dt.timedelta(days=400))
    _confirm(officer_hoan_kiem, fraud_tip())
    taken = set(StateChange.objects.filter(machine=INDICATOR.name).values_list("action", flat=True))
    assert taken == {t.action for t in INDICATOR.transitions}


def test_the_public_monthly_page_counts_without_naming(
    client: Any, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    indicator = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
    services.fraud_check("0539 000 111")
    services.lookups_flush()
    response = client.get("/fraud/statistics/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.reports == 1
    assert stats.verified == 1
    assert stats.lookups == 1
    assert stats.by_scam_type[0][1] == 1
    page = response.content.decode()
    assert "0011004567890" not in page
    assert tip_reference_absent(page, fraud_tip)


def tip_reference_absent(page: str, fraud_tip: Any) -> bool:
    from toandan.antifraud.models import IndicatorReport

    return all(r.tip_reference not in page for r in IndicatorReport.objects.all())


def test_report_from_the_check_prefills_the_tip_intake(client: Any) -> None:
    response = client.get(
        "/fraud/report/", {"category": "fraud-parcel-prize", "identifier": "0549 111 222"}
    )
    assert response.status_code == 302
    form = client.get(response["Location"]).context["form"]
    assert form.initial["category"] == "fraud-parcel-prize"
    assert "0549 111 222" in form.initial["description"]
    # An unknown category is ignored, the identifier still comes through.
    form = client.get("/tips/new/", {"category": "nope", "identifier": "x.example"}).context["form"]
    assert "category" not in form.initial
    assert "x.example" in form.initial["description"]


def test_the_tip_page_links_to_the_identifiers_for_fraud_tips_only(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    from toandan.accounts.tests.factories import logged_in

    browser = logged_in(officer_hoan_kiem)
    fraud = fraud_tip()
    theft = fraud_tip(description="Mất xe máy", category="theft")
    page = browser.get(f"/tips/staff/t/{fraud.reference}/").content.decode()
    assert f"/fraud/staff/tips/{fraud.pk}/" in page
    page = browser.get(f"/tips/staff/t/{theft.reference}/").content.decode()
    assert "/fraud/staff/tips/" not in page
    assert browser.get(f"/fraud/staff/tips/{theft.pk}/").status_code == 404


def test_officers_elsewhere_see_neither_the_reports_nor_the_appeals(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, officer_ba_dinh: Any
) -> None:
    """A verified indicator is public, but which tips reported it and what its holder wrote
    in an appeal stay with the police over those tips."""
    indicator = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    services.indicator_verify(actor=officer2_hoan_kiem, indicator=indicator)
    services.appeal_submit(indicator=indicator, statement="Số tài khoản của tôi.", contact="x")
    assert selectors.indicator_reports(indicator, officer_ba_dinh).count() == 0
    assert selectors.indicator_reports(indicator, officer2_hoan_kiem).count() == 1
    assert not selectors.appeals_for_staff(officer_ba_dinh).exists()
    assert selectors.appeals_for_staff(officer2_hoan_kiem).count() == 1


def test_an_upheld_appeal_also_delists_the_partners_copy_of_the_identifier(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any, leader_hanoi: Any
) -> None:
    """The police's row and a bank's imported row of the same account are two indicators:
    upholding the appeal delisted one, and the check still said "verified as fraud" from the
    other while the appellant read "Upheld: delisted"."""
    from toandan.antifraud import exchange

    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    rows = exchange.parse_csv("kind,value\nbank_account,970436:0011004567890\n").rows
    services.indicators_import(actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=rows)
    submitted = services.appeal_submit(indicator=indicator, statement="Tài khoản của tôi bị mượn.")
    appeal = services.appeal_by_receipt(submitted.receipt)
    assert appeal is not None
    services.appeal_decide(
        actor=leader_hanoi, appeal=appeal, uphold=True, reason="Chủ tài khoản chứng minh."
    )
    assert _verdict("Vietcombank 0011004567890") == selectors.NO_INFORMATION
    assert all(
        e.suffix != indicator.digest[5:] for e in selectors.range_lookup(indicator.digest[:5])
    )
    assert not exchange.indicators_in_force(source="imported").exists()


def test_an_absurd_loss_amount_is_a_form_error_not_a_500(
    fraud_tip: Any, officer_hoan_kiem: Any
) -> None:
    """The loss field had no maximum: 10^20 VND overflowed the 64-bit column (500 on
    PostgreSQL, OverflowError on SQLite) and the confirmation was lost."""
    from toandan.accounts.tests.factories import logged_in

    browser = logged_in(officer_hoan_kiem)
    tip = fraud_tip()
    url = f"/fraud/staff/tips/{tip.pk}/"
    body = {"kind": ACCOUNT[0], "value": ACCOUNT[1], "loss_vnd": str(10**20)}
    response = browser.post(url, body, follow=True)
    assert response.status_code == 200
    assert not selectors.reports_of_tip(tip.pk)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    body["loss_vnd"] = "25000000"
    browser.post(url, body)
    assert ACCOUNT in selectors.reports_of_tip(tip.pk)


def test_a_reopened_indicator_gets_a_new_expiry_and_shows_again(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """A new report on an expired indicator reopened it with its old, past expiry: it never
    showed "being verified" again and the next expiry run closed it at once."""
    from toandan.antifraud.models import Indicator, IndicatorReport

    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    long_ago = timezone.now() - dt.timedelta(days=400)
    IndicatorReport.objects.update(received_at=long_ago)
    Indicator.objects.filter(pk=indicator.pk).update(
        first_seen=long_ago, last_seen=long_ago, expires_at=long_ago + dt.timedelta(days=365)
    )
    assert services.indicators_expire() == 1
    again = _confirm(officer_hoan_kiem, fraud_tip()).indicator
    assert again.status == IndicatorStatus.REPORTED
    assert again.report_count == 2
    assert again.expires_at is not None
    assert again.expires_at > timezone.now()
    assert _verdict("Vietcombank 0011004567890") == selectors.UNDER_VERIFICATION
    assert services.indicators_expire() == 0


def test_an_appeal_on_an_indicator_that_expired_meanwhile_can_be_upheld(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """Upholding tried to "reject" the expired indicator, which the machine refuses: the
    appeal could never be decided."""
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    submitted = services.appeal_submit(indicator=indicator, statement="Tài khoản của tôi.")
    services.indicators_expire(now=timezone.now() + dt.timedelta(days=400))
    appeal = services.appeal_by_receipt(submitted.receipt)
    assert appeal is not None
    decided = services.appeal_decide(
        actor=officer2_hoan_kiem, appeal=appeal, uphold=True, reason="Chủ tài khoản chứng minh."
    )
    assert decided.status == AppealStatus.UPHELD


def test_two_anonymous_web_tips_from_one_browser_are_one_reporter(
    client: Any, officer_hoan_kiem: Any
) -> None:
    """Through the tip form, as the attack is made: the same browser, no contact left."""
    from toandan.tips.models import Tip
    from toandan.tips.tests.intake.test_forms import tip_data

    client.get("/tips/new/")  # the browser gets its device cookie
    form = tip_data(
        category="fraud-fake-bank", description=SCAM, contact_name="", contact_phone="",
        contact_email="", occurred_on="", occurred_until="",
    )  # fmt: skip
    for _tip in range(2):
        assert client.post("/tips/new/", form).status_code == 302
        client.cookies.pop("sessionid", None)  # a fresh session, the same browser
    indicator = None
    for tip in Tip.objects.order_by("pk"):
        indicator = _confirm(officer_hoan_kiem, tip).indicator
    assert indicator is not None
    assert indicator.report_count == 1
    assert indicator.unkeyed_reports == 0


def test_the_tip_page_says_how_many_independent_senders_reported_each_identifier(
    fraud_tip: Any, officer_hoan_kiem: Any, client: Any
) -> None:
    """Before confirming, the officer sees for each identifier in the tip how many
    independent senders reported it from other tips (one citizen's two tips count once),
    and which no tip has yet."""
    _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0912345678"))
    _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0987654321"))
    _confirm(officer_hoan_kiem, fraud_tip(contact_phone="0987 654 321"))  # the same sender
    tip = fraud_tip()
    facts = fraud_tip_identifiers(officer_hoan_kiem, tip.pk)
    assert facts is not None
    client.force_login(officer_hoan_kiem)
    page = client.get(f"/fraud/staff/tips/{tip.pk}/").content.decode()
    rows = {
        i.key: next(li for li in page.split("<li ")[1:] if i.shown() in li)
        for i in facts.identifiers
    }
    assert "2 người gửi độc lập" in rows[ACCOUNT]
    phone = next(key for key in rows if key[0] == "phone")
    assert "Chưa có tin báo nào" in rows[phone]
    # Confirmed here too: the count the page gives is the indicator's, this sender included.
    _confirm(officer_hoan_kiem, tip)
    page = client.get(f"/fraud/staff/tips/{tip.pk}/").content.decode()
    assert "Đã xác nhận từ tin báo này" in page
    assert "số người gửi độc lập đã báo: 3" in page


def test_appeals_waiting_for_a_decision_come_before_decided_ones(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """The queue ordered appeals by the status's code: "rejected" sorts before "submitted",
    so a decided appeal stood above the ones waiting for the officer."""
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    decided = services.appeal_submit(indicator=indicator, statement="Tài khoản tôi cho mượn.")
    services.appeal_decide(
        actor=officer2_hoan_kiem, appeal=decided.appeal, uphold=False, reason="Vẫn dùng lừa đảo."
    )
    waiting = services.appeal_submit(indicator=indicator, statement="Tài khoản của tôi.")
    services.appeal_submit(indicator=indicator, statement="Tôi là chủ tài khoản.")
    listed = list(selectors.appeals_for_staff(officer_hoan_kiem))
    assert [a.status for a in listed] == [
        AppealStatus.SUBMITTED, AppealStatus.SUBMITTED, AppealStatus.REJECTED
    ]  # fmt: skip
    assert waiting.appeal.pk in {a.pk for a in listed[:2]}
