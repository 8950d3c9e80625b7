"""The writes of the tips app: intake, staff intake, follow-up, receipts, replies, retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from toandan.audit.models import AuditEvent
from toandan.core import ratelimit
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.media.files import UploadData
from toandan.notifications.models import Notification
from toandan.orgs.models import OrgUnit
from toandan.tips import crypto, services
from toandan.tips.intake import receipts
from toandan.tips.models import (
    Category,
    Channel,
    MessageDirection,
    ReceiptKind,
    RouteRole,
    Tip,
    TipAttachment,
    TipFingerprint,
    TipMessage,
    TipRoute,
    TipsterContact,
    VictimRequest,
)
from toandan.tips.selectors import attachment_read, tip_data_key
from toandan.tips.services import (
    ReceiptRejectedError,
    TipRejectedError,
    followup_open,
    receipt_replace,
    tip_message_to_tipster,
    tip_submit,
    tip_submit_by_staff,
    tips_purge_expired,
    tipster_reply,
)
from toandan.tips.tests.conftest import (
    BA_DINH,
    HANOI,
    HANOI_POLICE,
    HOAN_KIEM_POLICE,
    LAO_CAI,
    category,
    commune,
    jpeg_upload,
    province,
    tip_input,
)

pytestmark = pytest.mark.django_db

DESCRIPTION = "Hai thanh niên bẻ khóa xe máy trước số 12 Hàng Bạc lúc 22 giờ."


def stored_bytes(*rows: object) -> bytes:
    """Everything a database dump would show of these rows."""
    parts = []
    for row in rows:
        for field in row._meta.concrete_fields:  # type: ignore[attr-defined]
            value = getattr(row, field.attname)
            parts.append(
                bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
            )
    return b"\x00".join(parts)


def content_of(tip: Tip) -> dict[str, str]:
    key = tip_data_key(tip)
    value = crypto.open_json(key, tip.content, crypto.aad(tip.reference, "content"))
    assert isinstance(value, dict)
    return value


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = time.time()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(ratelimit, "_now", lambda: fake.now)
    return fake


# --- Intake --------------------------------------------------------------------------------------


def test_an_anonymous_tip_is_registered_routed_and_audited_without_its_content():
    # When a citizen sends a tip about a theft in phường Hoàn Kiếm
    submitted = tip_submit(data=tip_input(), channel=Channel.WEB)
    tip = Tip.objects.get(pk=submitted.tip.pk)
    # Then it is in the commune police's intake register
    assert tip.register_unit.code == HOAN_KIEM_POLICE
    assert tip.register_number == f"{HOAN_KIEM_POLICE}/{tip.register_year}/000001"
    assert tip.channel == Channel.WEB
    assert tip.receipt_kind == ReceiptKind.CITIZEN
    assert not tip.has_contact
    assert not TipsterContact.objects.filter(tip=tip).exists()
    assert list(tip.routes.values_list("org_unit__code", "role")) == [
        (HOAN_KIEM_POLICE, RouteRole.PRIMARY)
    ]
    # And its retention date follows the setting
    assert tip.retention_until == timezone.localdate(tip.received_at) + dt.timedelta(days=5 * 365)
    # And the audit event names the tip, not what it says
    event = AuditEvent.objects.get(action="tips.tip.receive", object_id=str(tip.pk))
    assert event.actor_id is None
    assert event.data == {
        "reference": tip.reference,
        "channel": "web",
        "register_number": tip.register_number,
        "receipt_kind": "citizen",
    }
    assert "Hàng Bạc" not in str(event.data) + event.reason
    # And what it says opens with its own key
    assert content_of(tip)["description"] == DESCRIPTION
    assert content_of(tip)["address"] == "Trước số 12 Hàng Bạc"


def test_the_receipt_is_shown_once_in_groups_of_four_and_opens_the_tip():
    submitted = tip_submit(data=tip_input())
    assert len(submitted.receipt) == 24
    assert followup_open(receipt=submitted.receipt, client_key="k") == submitted.tip


def test_database_leak_reveals_no_receipt():
    # Given a tip and the whole of its row as a dump would show it
    submitted = tip_submit(data=tip_input())
    tip = Tip.objects.get(pk=submitted.tip.pk)
    digits = submitted.receipt.replace(" ", "").encode()
    dump = stored_bytes(tip)
    # Then the receipt is nowhere in it, in any spelling
    assert digits not in dump
    assert submitted.receipt.encode() not in dump
    # And the stored hash cannot be recomputed without the pepper in the keyring file
    assert tip.receipt_hash != hashlib.sha256(digits).hexdigest()


def test_database_leak_reveals_neither_the_text_nor_the_contact_details():
    submitted = tip_submit(
        data=tip_input(
            contact_name="Nguyễn Thị Hoa",
            contact_phone="0912 345 678",
            contact_email="hoa.nguyen@example.vn",
            people="Người đàn ông xăm rồng ở tay",
        )
    )
    tip = Tip.objects.get(pk=submitted.tip.pk)
    contact = TipsterContact.objects.get(tip=tip)
    dump = stored_bytes(tip, contact, *tip.routes.all())
    for secret in [
        "Hàng Bạc",
        "bẻ khóa",
        "xăm rồng",
        "Nguyễn Thị Hoa",
        "912345678",
        "0912 345 678",
        "hoa.nguyen",
    ]:
        assert secret.encode() not in dump, secret


def test_contact_details_are_normalised_and_kept_apart_under_their_own_key():
    submitted = tip_submit(
        data=tip_input(contact_phone="0912 345 678", contact_email="Hoa.Nguyen@EXAMPLE.VN")
    )
    tip = submitted.tip
    contact = TipsterContact.objects.get(tip=tip)
    assert tip.has_contact
    # A separate data key: the tip's key does not open the contact
    with pytest.raises(crypto.DecryptionError):
        crypto.open_json(tip_data_key(tip), contact.content, crypto.aad(tip.reference, "contact"))
    contact_key = crypto.unwrap(contact.kek_id, contact.wrapped_key, tip.reference)
    assert crypto.open_json(contact_key, contact.content, crypto.aad(tip.reference, "contact")) == {
        "name": "",
        "phone": "+84912345678",
        "email": "Hoa.Nguyen@example.vn",
    }


def test_a_serious_tip_is_recorded_with_its_information_copy():
    tip = tip_submit(data=tip_input(category=category("drug-trafficking"))).tip
    routes = list(
        TipRoute.objects.filter(tip=tip).order_by("pk").values_list("org_unit__code", "role")
    )
    assert routes == [(HOAN_KIEM_POLICE, "primary"), (HANOI_POLICE, "information")]
    assert all(r.reason for r in tip.routes.all())


def test_a_tip_without_a_commune_is_registered_at_the_province_police():
    tip = tip_submit(data=tip_input(province=province(LAO_CAI), commune=None)).tip
    assert tip.register_unit.code == "CA-15"
    assert tip.register_number.startswith("CA-15/")
    assert tip.commune is None


def test_the_receiving_units_are_notified_without_the_content(officer_hoan_kiem):
    tip = tip_submit(data=tip_input()).tip
    notification = Notification.objects.get(user=officer_hoan_kiem)
    assert tip.register_number in notification.title
    assert "Hàng Bạc" not in notification.title + notification.body


def test_one_tip_costs_a_fixed_handful_of_queries(officer_hoan_kiem, django_assert_max_num_queries):
    # Given a process that has received a tip before (it keeps categories, places, the routing
    # table and the police units in memory)
    tip_submit(data=tip_input())
    data = tip_input()
    # When the next tip arrives for a unit with an officer to tell
    # Then it costs sixteen queries: who to tell, then one transaction (a savepoint in this
    # test) with the register number (one UPDATE), the tip, its route, the notification, the
    # duplicate fingerprint and its bands (two INSERTs), the statistics (three upserts: fine,
    # province and commune summaries), the unit's monthly counts (one upsert) and the audit
    # event (head lock, event, head). On PostgreSQL seven: who to tell with the tip's id
    # reserved, then the register number, the tip, the fingerprint, its bands and the route in
    # one round trip, the notification, the head lock, and the audit event (event, head) with
    # the statistics and the unit's counts in one more.
    budget = 7 if connection.vendor == "postgresql" else 16
    with django_assert_max_num_queries(budget):
        submitted = tip_submit(data=data)
    assert submitted.tip.register_seq == 2
    assert Notification.objects.filter(user=officer_hoan_kiem).count() == 2


def test_a_tip_holds_its_units_register_for_two_round_trips_on_postgresql():
    # Given a unit without officers to tell, which has received a tip before
    tip_submit(data=tip_input())
    # When the next tip arrives
    with CaptureQueriesContext(connection) as queries:
        submitted = tip_submit(data=tip_input())
    # Then, from the register's lock to the commit (a savepoint in this test), PostgreSQL gets
    # two round trips: the register number, the tip, its rows and the audit chain's lock;
    # then the audit event with the statistics
    sql = [query["sql"] for query in queries.captured_queries]
    start = next(i for i, text in enumerate(sql) if "tips_registerbook" in text)
    end = next(i for i, text in enumerate(sql) if text.startswith("RELEASE SAVEPOINT"))
    if connection.vendor == "postgresql":
        assert end - start == 2
    # And the tip is whole: its number, route, fingerprint and audit event
    tip = Tip.objects.get(pk=submitted.tip.pk)
    assert tip.register_number == f"{HOAN_KIEM_POLICE}/{tip.register_year}/000002"
    assert submitted.tip.register_number == tip.register_number
    assert tip.routes.count() == 1
    assert TipFingerprint.objects.filter(tip=tip).exists()
    assert AuditEvent.objects.filter(action="tips.tip.receive", object_id=str(tip.pk)).exists()


def test_citizen_intake_refuses_staff_channels():
    with pytest.raises(ValueError, match="staff"):
        tip_submit(data=tip_input(), channel=Channel.PHONE)


# --- What is refused, all at once, per field -----------------------------------------------------


def rejected(**overrides) -> dict[str, list[str]]:
    with pytest.raises(TipRejectedError) as caught:
        tip_submit(data=tip_input(**overrides))
    assert not Tip.objects.exists()
    return caught.value.errors


def test_every_problem_is_reported_at_once_next_to_its_field():
    errors = rejected(
        description="   ",
        contact_phone="12",
        contact_email="not-an-email",
        occurred_on=timezone.localdate() + dt.timedelta(days=3),
    )
    assert set(errors) == {"description", "contact_phone", "contact_email", "occurred_on"}
    assert all(
        messages and all(isinstance(m, str) for m in messages) for messages in errors.values()
    )


def test_a_description_over_the_limit_is_refused(settings):
    settings.TOANDAN_TIP_MAX_TEXT_CHARS = 50
    assert set(rejected(description="x" * 51)) == {"description"}


def test_a_commune_of_another_province_is_refused():
    assert set(rejected(province=province(LAO_CAI), commune=commune(BA_DINH))) == {"commune"}


def test_a_commune_from_before_the_2025_reform_is_refused():
    legacy = AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.COMMUNE).first()
    assert legacy is not None
    assert "commune" in rejected(commune=legacy)


def test_a_legacy_province_is_refused():
    legacy = AdminUnit.objects.filter(generation=Generation.LEGACY, level=Level.PROVINCE).first()
    assert set(rejected(province=legacy, commune=None)) == {"province"}


def test_a_fight_needs_the_victims_request_art_155():
    assert set(rejected(category=category("fight-injury"))) == {"victim_request"}
    tip = tip_submit(
        data=tip_input(category=category("fight-injury"), victim_request=VictimRequest.YES)
    ).tip
    assert tip.victim_request == VictimRequest.YES


def test_the_victims_request_is_not_stored_for_categories_that_do_not_ask():
    tip = tip_submit(data=tip_input(victim_request=VictimRequest.NO)).tip
    assert tip.victim_request == ""


def test_times_in_the_future_or_reversed_ranges_are_refused():
    now = timezone.now()
    assert set(rejected(occurred_at=now + dt.timedelta(hours=2))) == {"occurred_at"}
    assert set(
        rejected(occurred_on=dt.date(2026, 11, 20), occurred_until=dt.date(2026, 11, 10))
    ) == {"occurred_until"}
    assert set(rejected(occurred_on=dt.date(1900, 1, 1))) == {"occurred_on"}
    # A phone clock a few minutes fast is fine
    assert tip_submit(data=tip_input(occurred_at=now + dt.timedelta(minutes=3))).tip


def test_an_inactive_category_is_refused():
    Category.objects.filter(code="theft").update(active=False)
    assert set(rejected(category=category("theft"))) == {"category"}


def test_a_union_branch_must_be_a_womens_union_branch():
    police = OrgUnit.objects.get(code=HOAN_KIEM_POLICE)
    assert set(rejected(union_branch=police)) == {"union_branch"}


def test_error_messages_follow_the_senders_language():
    from django.utils import translation

    with translation.override("en"):
        errors = rejected(description="")
    assert errors["description"] == ["Describe what happened."]


# --- Attachments ---------------------------------------------------------------------------------


def test_an_attachment_is_stored_encrypted_under_a_random_name(settings):
    # Given a photo taken with a phone (GPS position in its EXIF)
    photo = jpeg_upload("IMG_20261120_2200.jpg")
    tip = tip_submit(data=tip_input(attachments=[photo])).tip
    attachment = TipAttachment.objects.get(tip=tip)
    path = services.attachment_path(attachment.storage_name)
    # Then the file on disk is neither the photo nor a JPEG, and its name says nothing
    on_disk = path.read_bytes()
    assert b"\xff\xd8\xff" not in on_disk[:64]
    assert photo.data not in on_disk
    assert "IMG" not in attachment.storage_name
    assert b"IMG_2026" not in bytes(attachment.name)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert path.is_relative_to(Path(settings.TOANDAN_ATTACHMENTS_DIR))
    # And it opens to the cleaned photo with its original name
    opened = attachment_read(attachment, tip)
    assert opened.name == "IMG_20261120_2200.jpg"
    assert opened.content_type == "image/jpeg"
    assert opened.data.startswith(b"\xff\xd8")
    assert attachment.metadata_removed
    assert attachment.size == len(opened.data)


def test_too_many_attachments_are_refused(settings):
    settings.TOANDAN_TIP_MAX_ATTACHMENTS = 2
    errors = rejected(attachments=[jpeg_upload(), jpeg_upload(), jpeg_upload()])
    assert set(errors) == {"attachments"}


def test_attachments_over_the_total_size_are_refused(settings):
    settings.TOANDAN_TIP_MAX_TOTAL_BYTES = 1000
    assert set(rejected(attachments=[jpeg_upload(), jpeg_upload()])) == {"attachments"}


def test_a_file_over_the_tip_attachment_limit_is_refused_naming_it(settings):
    # The limit of one file is the tips' own setting, handed to the file checks of `media`.
    photo = jpeg_upload("lon.jpg")
    settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES = len(photo.data) - 1
    errors = rejected(attachments=[photo])
    assert "lon.jpg" in errors["attachments"][0]


def test_a_web_page_named_like_a_photo_is_refused():
    page = UploadData(name="anh.jpg", data=b"<html><script>alert(1)</script></html>")
    errors = rejected(attachments=[page])
    assert "anh.jpg" in errors["attachments"][0]


def test_files_written_for_a_tip_that_fails_are_removed(settings, monkeypatch):
    # Given a failure after the files were written (here: the audit write)
    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record_together", broken_audit)
    with pytest.raises(RuntimeError):
        tip_submit(data=tip_input(attachments=[jpeg_upload()]))
    # Then neither the tip nor its encrypted file is left behind
    assert not Tip.objects.exists()
    root = Path(settings.TOANDAN_ATTACHMENTS_DIR)
    assert not [p for p in root.rglob("*") if p.is_file()]


def test_orphaned_files_are_swept(settings):
    tip = tip_submit(data=tip_input(attachments=[jpeg_upload()])).tip
    kept = services.attachment_path(TipAttachment.objects.get(tip=tip).storage_name)
    orphan = services.attachment_path("ab" + "0" * 30)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a crash")
    two_hours_ago = time.time() - 7200
    for path in (kept, orphan):
        os.utime(path, (two_hours_ago, two_hours_ago))
    assert services.attachments_sweep_orphans() == 1
    assert kept.exists()
    assert not orphan.exists()


# --- Staff intake --------------------------------------------------------------------------------


def test_an_officer_records_a_phone_tip_with_a_receipt_to_be_replaced(officer_hoan_kiem):
    submitted = tip_submit_by_staff(
        actor=officer_hoan_kiem,
        data=tip_input(category=category("gambling")),
        channel=Channel.PHONE,
        reason="Tiếp nhận qua điện thoại lúc 15:20",
    )
    tip = Tip.objects.get(pk=submitted.tip.pk)
    assert tip.channel == Channel.PHONE
    assert tip.entered_by == officer_hoan_kiem
    assert tip.receipt_kind == ReceiptKind.STAFF_ISSUED
    assert content_of(tip)["intake_note"] == "Tiếp nhận qua điện thoại lúc 15:20"
    event = AuditEvent.objects.get(action="tips.tip.receive", object_id=str(tip.pk))
    assert event.actor_id == officer_hoan_kiem.pk
    assert event.data["channel"] == "phone"
    # The officer's note (which may hold details) is not in the audit log in clear
    assert "15:20" not in str(event.data) + event.reason


def test_staff_intake_needs_a_staff_channel(officer_hoan_kiem):
    with pytest.raises(TipRejectedError) as caught:
        tip_submit_by_staff(actor=officer_hoan_kiem, data=tip_input(), channel=Channel.WEB)
    assert set(caught.value.errors) == {"channel"}


def test_a_union_cadre_cannot_enter_tips_as_police(cadre_hoan_kiem):
    with pytest.raises(PermissionDenied):
        tip_submit_by_staff(actor=cadre_hoan_kiem, data=tip_input(), channel=Channel.PHONE)


def test_the_staff_issued_receipt_stops_working_once_replaced(officer_hoan_kiem):
    # Given a tip the officer entered, and the receipt they handed over
    handed_over = tip_submit_by_staff(
        actor=officer_hoan_kiem, data=tip_input(), channel=Channel.IN_PERSON
    )
    tip = followup_open(receipt=handed_over.receipt, client_key="k")
    updated_at = Tip.objects.get(pk=tip.pk).updated_at
    # When the tipster opens it for the first time and gets their own receipt
    own = receipt_replace(tip=tip)
    # Then only the new receipt opens the tip: the officer can no longer open it as the tipster
    assert own != handed_over.receipt
    assert followup_open(receipt=own, client_key="k").receipt_kind == ReceiptKind.CITIZEN
    with pytest.raises(ReceiptRejectedError):
        followup_open(receipt=handed_over.receipt, client_key="k")
    assert AuditEvent.objects.filter(action="tips.receipt.replace", object_id=str(tip.pk)).exists()
    # And the tip's public "updated" time does not reveal the replacement
    assert Tip.objects.get(pk=tip.pk).updated_at == updated_at


# --- Follow-up with the receipt: attacks ------------------------------------------------------


def test_receipt_guessing_is_throttled(settings, clock):
    # Given a tip, and a guesser trying receipts from one connection, waiting each time as told
    settings.TOANDAN_RECEIPT_FREE_ATTEMPTS = 3
    settings.TOANDAN_RECEIPT_BASE_DELAY_SECONDS = 2
    real = tip_submit(data=tip_input()).receipt
    waits = []
    for guess in range(6):
        with pytest.raises(ReceiptRejectedError) as caught:
            followup_open(receipt=f"{guess:020d}", client_key="guesser")
        waits.append(caught.value.retry_after)
        clock.advance(caught.value.retry_after)
    # Then after the free attempts each wrong guess doubles the wait
    assert waits == [0, 0, 2, 4, 8, 16]
    # And an attempt during the wait is refused without being counted, right receipt or not
    clock.advance(-16 + 5)
    with pytest.raises(ReceiptRejectedError) as caught:
        followup_open(receipt=real, client_key="guesser")
    assert caught.value.retry_after == 11
    # And another client is not affected
    assert followup_open(receipt=real, client_key="someone-else")
    # And after the wait, the right receipt opens again
    clock.advance(11)
    assert followup_open(receipt=real, client_key="guesser")


def test_unknown_malformed_and_wrong_receipts_are_refused_alike():
    tip_submit(data=tip_input())
    outcomes = []
    for attempt in ["0000 0000 0000 0000 0000", "hello", "1234", ""]:
        with pytest.raises(ReceiptRejectedError) as caught:
            followup_open(receipt=attempt, client_key="k")
        outcomes.append((type(caught.value), caught.value.retry_after, str(caught.value)))
    assert len(set(outcomes)) == 1


def test_malformed_receipts_cost_as_much_as_well_formed_ones(monkeypatch):
    # A malformed guess must not be refused faster than a wrong one (timing would tell them
    # apart); both run the Argon2id hash.
    calls: list[str] = []
    real_argon2 = receipts._argon2

    def counting_argon2(secret: bytes, pepper: bytes) -> bytes:
        calls.append("hash")
        return real_argon2(secret, pepper)

    monkeypatch.setattr(receipts, "_argon2", counting_argon2)
    for attempt in ["12", "0000 0000 0000 0000 0000"]:
        with pytest.raises(ReceiptRejectedError):
            followup_open(receipt=attempt, client_key="k")
    assert calls == ["hash", "hash"]


def test_a_guesser_holding_a_real_receipt_cannot_reset_the_count(settings, clock):
    # Given a guesser who also holds the receipt of their own tip
    settings.TOANDAN_RECEIPT_FREE_ATTEMPTS = 3
    own = tip_submit(data=tip_input()).receipt
    for guess in range(2):
        with pytest.raises(ReceiptRejectedError):
            followup_open(receipt=f"{guess:020d}", client_key="guesser")
    # When they open their own tip between guesses
    followup_open(receipt=own, client_key="guesser")
    # Then their failures still count: the third wrong guess starts the wait
    with pytest.raises(ReceiptRejectedError) as caught:
        followup_open(receipt="9" * 20, client_key="guesser")
    assert caught.value.retry_after > 0


def test_parallel_guesses_from_one_client_wait_their_turn():
    # Given one attempt of a client in progress (another worker is hashing it)
    receipt = tip_submit(data=tip_input()).receipt
    per_client = ratelimit.receipt_throttles()[0]
    with per_client.exclusive("guesser"):
        # Then a second, parallel attempt is refused at once, before any hashing
        with pytest.raises(ReceiptRejectedError) as caught:
            followup_open(receipt=receipt, client_key="guesser")
        assert caught.value.retry_after == 1


def test_guessing_from_many_addresses_is_slowed_down_overall(settings, clock):
    # Given a botnet: every guess from a different client key
    settings.TOANDAN_RECEIPT_GLOBAL_FREE_ATTEMPTS = 5
    real = tip_submit(data=tip_input()).receipt
    for guess in range(5):
        with pytest.raises(ReceiptRejectedError):
            followup_open(receipt=f"{guess:020d}", client_key=f"bot-{guess}")
    # Then everyone waits a little (short waits: the tipsters must not be locked out)
    with pytest.raises(ReceiptRejectedError) as caught:
        followup_open(receipt=real, client_key="a-tipster")
    assert 0 < caught.value.retry_after <= settings.TOANDAN_RECEIPT_GLOBAL_MAX_DELAY_SECONDS
    clock.advance(settings.TOANDAN_RECEIPT_GLOBAL_MAX_DELAY_SECONDS + 1)
    assert followup_open(receipt=real, client_key="a-tipster")


# --- Messages ------------------------------------------------------------------------------------


def test_the_officer_asks_and_the_tipster_answers_both_encrypted(officer_hoan_kiem):
    tip = tip_submit(data=tip_input()).tip
    question = tip_message_to_tipster(
        actor=officer_hoan_kiem, tip=tip, body="Bạn có nhớ biển số xe không?"
    )
    answer = tipster_reply(tip=tip, body="Biển 29-B1 123.45", attachments=[jpeg_upload()])
    assert question.direction == MessageDirection.TO_TIPSTER
    assert question.author == officer_hoan_kiem
    assert answer.direction == MessageDirection.FROM_TIPSTER
    assert answer.author is None
    for message in TipMessage.objects.filter(tip=tip):
        assert "biển".encode() not in bytes(message.body).lower()
    assert TipAttachment.objects.get(message=answer).tip == tip
    assert AuditEvent.objects.get(action="tips.tip.message").actor_id == officer_hoan_kiem.pk
    reply_event = AuditEvent.objects.get(action="tips.tip.reply")
    assert reply_event.actor_id is None
    assert reply_event.data["attachments"] == 1
    assert "29-B1" not in str(reply_event.data)
    assert Notification.objects.filter(user=officer_hoan_kiem, kind="tipster_replied").exists()


def test_a_message_body_cannot_be_passed_off_as_the_other_side(officer_hoan_kiem):
    # The direction is bound into the ciphertext: an officer's question copied into a
    # tipster's message row does not open as the tipster's words.
    tip = tip_submit(data=tip_input()).tip
    question = tip_message_to_tipster(actor=officer_hoan_kiem, tip=tip, body="Câu hỏi")
    with pytest.raises(crypto.DecryptionError):
        crypto.open_text(
            tip_data_key(tip),
            question.body,
            crypto.aad(tip.reference, "message", MessageDirection.FROM_TIPSTER),
        )


def test_an_empty_reply_is_refused():
    tip = tip_submit(data=tip_input()).tip
    with pytest.raises(TipRejectedError) as caught:
        tipster_reply(tip=tip, body="   ")
    assert set(caught.value.errors) == {"body"}
    assert not TipMessage.objects.exists()


def test_only_police_over_a_routed_unit_may_write_to_the_tipster(
    officer_ba_dinh, leader_hanoi, cadre_hoan_kiem
):
    tip = tip_submit(data=tip_input()).tip  # routed to Hoàn Kiếm only
    # The city police leader's jurisdiction contains the commune unit
    assert tip_message_to_tipster(actor=leader_hanoi, tip=tip, body="Xin chào")
    # A neighbouring commune's officer and the commune's Women's Union cadre may not
    for outsider in (officer_ba_dinh, cadre_hoan_kiem):
        with pytest.raises(PermissionDenied):
            tip_message_to_tipster(actor=outsider, tip=tip, body="Xin chào")
    assert TipMessage.objects.count() == 1


def test_an_information_copy_unit_may_also_ask(leader_hanoi):
    tip = tip_submit(data=tip_input(category=category("drug-trafficking"))).tip
    assert TipRoute.objects.filter(tip=tip, org_unit__code=HANOI_POLICE).exists()
    assert tip_message_to_tipster(actor=leader_hanoi, tip=tip, body="Xin chào")


# --- Retention -----------------------------------------------------------------------------------


def test_tips_past_their_retention_date_are_purged_with_their_files(
    django_capture_on_commit_callbacks,
):
    # Given an old tip with a photo, and a recent one
    old = tip_submit(data=tip_input(attachments=[jpeg_upload()])).tip
    recent = tip_submit(data=tip_input()).tip
    Tip.objects.filter(pk=old.pk).update(retention_until=dt.date(2026, 1, 1))
    path = services.attachment_path(TipAttachment.objects.get(tip=old).storage_name)
    assert path.exists()
    # When the purge runs
    with django_capture_on_commit_callbacks(execute=True):
        assert tips_purge_expired(today=dt.date(2026, 1, 2)) == 1
    # Then the old tip, its routes, attachments and file are gone; the recent one stays
    assert list(Tip.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not TipRoute.objects.filter(tip_id=old.pk).exists()
    assert not path.exists()
    event = AuditEvent.objects.get(action="tips.tip.purge")
    assert event.data["register_numbers"] == [old.register_number]


def test_a_tip_is_kept_on_its_last_day():
    tip = tip_submit(data=tip_input()).tip
    assert tips_purge_expired(today=tip.retention_until) == 0
    assert tips_purge_expired(today=tip.retention_until + dt.timedelta(days=1)) == 1


def test_purge_command(capsys):
    tip = tip_submit(data=tip_input()).tip
    Tip.objects.filter(pk=tip.pk).update(retention_until=dt.date(2026, 1, 1))
    call_command("tips", "purge", "--today", "2026-06-01")
    assert "1 tips past their retention date deleted" in capsys.readouterr().out
    assert not Tip.objects.exists()


def test_province_police_unit_for_hanoi_exists():
    # Guard for the fixtures above: the geography made the units the routing needs
    assert OrgUnit.objects.filter(code__in=[HANOI_POLICE, HOAN_KIEM_POLICE]).count() == 2
    assert province(HANOI).code == "01"


# --- Follow-up: people sharing one address ----------------------------------------------------


def test_people_on_one_wifi_are_not_throttled_by_each_others_mistakes(settings, clock):
    # Given a meeting on one Wi-Fi: three members mistype their receipts again and again
    real = tip_submit(data=tip_input()).receipt
    for member in range(3):
        for guess in range(8):
            with pytest.raises(ReceiptRejectedError):
                followup_open(
                    receipt=f"{member}{guess:019d}", client_key="wifi", device_key=f"phone-{member}"
                )
    # Then a fourth member, on the same Wi-Fi, opens her tip at once
    tip = followup_open(receipt=real, client_key="wifi", device_key="phone-9")
    assert tip.receipt_hash
    # While the phone that mistyped waits (at most the maximum wait)
    with pytest.raises(ReceiptRejectedError) as caught:
        followup_open(receipt=real, client_key="wifi", device_key="phone-0")
    assert 0 < caught.value.retry_after <= settings.TOANDAN_RECEIPT_MAX_DELAY_SECONDS


def test_attack_guesser_throwing_device_cookies_away_hits_the_address_throttle(settings, clock):
    settings.TOANDAN_RECEIPT_ADDRESS_FREE_ATTEMPTS = 10
    real = tip_submit(data=tip_input()).receipt
    for guess in range(10):
        with pytest.raises(ReceiptRejectedError):
            followup_open(
                receipt=f"{guess:020d}", client_key="one-box", device_key=f"fresh-{guess}"
            )
    with pytest.raises(ReceiptRejectedError) as caught:
        followup_open(receipt=real, client_key="one-box", device_key="fresh-again")
    assert caught.value.retry_after > 0
    # Another address is not affected
    assert followup_open(receipt=real, client_key="elsewhere", device_key="x")
