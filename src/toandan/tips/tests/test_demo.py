"""Demo tips: realistic, idempotent, and the documented receipts open them."""

from __future__ import annotations

import pytest

from toandan.accounts.demo import load_demo as load_demo_accounts
from toandan.orgs.demo import load_demo as load_demo_branches
from toandan.tips.demo import DEMO_RECEIPTS, DEMO_TIPS, load_demo
from toandan.tips.models import Channel, ReceiptKind, Tip, TipStatus
from toandan.tips.selectors import tip_public_view
from toandan.tips.services import followup_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_loaded():
    load_demo_branches()
    load_demo_accounts()
    return load_demo()


def test_the_demo_loads_every_tip_once(demo_loaded):
    assert demo_loaded.startswith(f"{len(DEMO_TIPS)} tips created, 0 already present")
    assert Tip.objects.count() == len(DEMO_TIPS) >= 25
    # A second run changes nothing
    again = load_demo()
    assert again.startswith(f"0 tips created, {len(DEMO_TIPS)} already present")
    assert Tip.objects.count() == len(DEMO_TIPS)


def test_the_summary_prints_the_documented_receipts(demo_loaded):
    for reference, receipt in DEMO_RECEIPTS.items():
        assert f"{reference}: {receipt}" in demo_loaded


def test_the_documented_receipts_open_a_conversation_and_a_concluded_tip(demo_loaded):
    questioned = tip_public_view(followup_open(receipt=DEMO_RECEIPTS["DEMO02"], client_key="k"))
    assert [m.direction for m in questioned.messages] == ["to_tipster", "from_tipster"]
    assert questioned.status == TipStatus.RESOLVING
    concluded = tip_public_view(followup_open(receipt=DEMO_RECEIPTS["DEMO05"], client_key="k"))
    assert concluded.status == TipStatus.CONCLUDED
    assert concluded.result
    assert concluded.result_reason


def test_the_demo_spans_units_channels_and_kinds_of_tipster(demo_loaded):
    tips = Tip.objects.select_related("register_unit")
    assert {t.register_unit.code for t in tips} >= {
        "CA-01-00070",
        "CA-01-00004",
        "CA-01",
        "CA-15-02683",
        "CA-31-10606",
    }
    assert {t.channel for t in tips} >= {Channel.WEB, Channel.API, Channel.OPEN311, Channel.PHONE}
    phone = tips.get(channel=Channel.PHONE)
    assert phone.entered_by is not None
    assert phone.receipt_kind == ReceiptKind.STAFF_ISSUED
    assert tips.filter(has_contact=True).exists()
    assert tips.filter(has_contact=False).exists()
    assert tips.filter(union_branch__isnull=False).exists()
    assert tips.filter(victim_request="yes").exists()


def test_without_accounts_the_staff_entered_tip_is_skipped():
    summary = load_demo()
    assert "skipped" in summary
    assert Tip.objects.count() == len(DEMO_TIPS) - 1


def test_the_demo_walks_the_timeline_through_the_real_transitions(demo_loaded):
    """Each state of the legal timeline appears, reached through audited transitions."""
    by_ref = {t.reference: t for t in Tip.objects.all()}
    assert by_ref["DEMO05"].outcome == "prosecuted"
    assert by_ref["DEMO05"].valuable is True
    assert by_ref["DEMO03"].complex_extended
    assert by_ref["DEMO06"].status == TipStatus.FORWARDED
    pending = by_ref["DEMO06"].pending_unit
    assert pending is not None
    assert pending.code == "CA-01"
    assert by_ref["DEMO11"].status == TipStatus.SUSPENDED
    assert by_ref["DEMO10"].outcome == "not_prosecuted"
    assert by_ref["DEMO10"].procuracy_due_at is not None
    assert by_ref["DEMO26"].status == TipStatus.MERGED
    assert by_ref["DEMO26"].merged_into == by_ref["DEMO01"]
    assert by_ref["DEMO05"].events.filter(action="prosecute").exists()


def test_the_demo_lists_a_category_publicly_with_delayed_day_granular_entries(
    demo_loaded, client, settings
):
    import datetime as dt

    from django.utils import timezone

    rows = client.get("/open311/v2/requests.json").json()

    assert rows, "the demo shows at least one listed tip"
    horizon = timezone.localdate() - dt.timedelta(days=settings.TOANDAN_OPEN311_LIST_DELAY_DAYS)
    listed = Tip.objects.filter(reference__in=[row["service_request_id"] for row in rows])
    assert all(tip.category.open311_listed and not tip.category.sensitive for tip in listed)
    for row in rows:
        requested = dt.datetime.fromisoformat(row["requested_datetime"])
        assert requested.time() == dt.time(0, 0)
        assert requested.date() < horizon
    # The demo's recent tips of a listed category are there, but not listed yet.
    recent = Tip.objects.filter(category__open311_listed=True, received_at__date__gte=horizon)
    assert recent.exists()
    assert not {tip.reference for tip in recent} & {row["service_request_id"] for row in rows}
