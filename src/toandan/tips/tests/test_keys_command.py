"""`toandan keys rotate` and `toandan keys status`: tips made before a rotation still open."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from toandan.audit.models import AuditEvent
from toandan.tips import crypto
from toandan.tips.models import Tip, TipsterContact
from toandan.tips.selectors import tip_content, tip_public_view
from toandan.tips.services import (
    followup_open,
    tip_message_to_tipster,
    tip_submit,
    tipster_reply,
)
from toandan.tips.tests.conftest import tip_input

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_keyring(settings, tmp_path):
    """Rotation rewrites the keyring file: give these tests their own."""
    settings.TOANDAN_KEYRING_FILE = tmp_path / "keys" / "keyring.json"
    crypto.forget_cached_keyring()
    crypto.keyring_create()
    yield settings.TOANDAN_KEYRING_FILE
    crypto.forget_cached_keyring()


def keks_in_file(path) -> set[str]:
    return set(json.loads(path.read_text())["keks"])


def test_old_tips_still_open_after_rotation_in_a_fresh_process(own_keyring, officer_hoan_kiem):
    # Given tips made under the first key, one with contact details and a conversation
    first_kek = crypto.keyring().current
    plain = tip_submit(data=tip_input())
    with_contact = tip_submit(data=tip_input(contact_phone="0912 345 678"))
    tip_message_to_tipster(actor=officer_hoan_kiem, tip=plain.tip, body="Câu hỏi")
    tipster_reply(tip=plain.tip, body="Trả lời")
    updated_at = Tip.objects.get(pk=plain.tip.pk).updated_at
    # When the administrator rotates the key
    call_command("keys", "rotate", "--grace-seconds", "0")
    # Then a freshly started process (nothing cached) opens every tip under the new key
    crypto.forget_cached_keyring()
    new_kek = crypto.keyring().current
    assert new_kek != first_kek
    assert set(Tip.objects.values_list("kek_id", flat=True)) == {new_kek}
    assert set(TipsterContact.objects.values_list("kek_id", flat=True)) == {new_kek}
    tip = followup_open(receipt=plain.receipt, client_key="k")
    view = tip_public_view(tip)
    assert [m.body for m in view.messages] == ["Câu hỏi", "Trả lời"]
    assert tip_content(tip, actor=officer_hoan_kiem)["description"].startswith("Hai thanh niên")
    contact = TipsterContact.objects.get(tip=with_contact.tip)
    contact_key = crypto.unwrap(contact.kek_id, contact.wrapped_key, with_contact.tip.reference)
    assert (
        crypto.open_json(
            contact_key, contact.content, crypto.aad(with_contact.tip.reference, "contact")
        )["phone"]
        == "+84912345678"
    )
    # And the old key is kept (nothing retired without --retire-old); rotation is not news
    assert keks_in_file(own_keyring) == {first_kek, new_kek}
    assert Tip.objects.get(pk=plain.tip.pk).updated_at == updated_at


def test_retire_old_removes_keys_nothing_uses_and_tips_still_open(own_keyring, officer_hoan_kiem):
    first_kek = crypto.keyring().current
    submitted = tip_submit(data=tip_input())
    call_command("keys", "rotate", "--retire-old", "--grace-seconds", "0")
    crypto.forget_cached_keyring()
    ring = crypto.keyring()
    assert set(ring.keks) == {ring.current}
    assert first_kek not in keks_in_file(own_keyring)
    tip = followup_open(receipt=submitted.receipt, client_key="k")
    assert tip_content(tip, actor=officer_hoan_kiem)["description"]


def test_a_running_server_keeps_working_across_a_rotation(own_keyring, officer_hoan_kiem):
    # Given a server process with the keyring in memory
    before = tip_submit(data=tip_input())
    server_ring = crypto.keyring()
    # When another process rotates (simulated: the file is rewritten behind its back)
    call_command("keys", "rotate", "--retire-old", "--grace-seconds", "0")
    # Then the server opens re-wrapped tips and wraps new ones with the new key, unrestarted
    tip = followup_open(receipt=before.receipt, client_key="k")
    assert tip.kek_id != server_ring.current
    assert tip_content(tip, actor=officer_hoan_kiem)
    after = tip_submit(data=tip_input()).tip
    assert after.kek_id == tip.kek_id


def test_a_tip_written_under_an_old_key_during_rotation_is_not_lost(own_keyring, officer_hoan_kiem):
    # Given a key rotated once, and a tip a slow process then wrapped with the OLD key
    old_kek = crypto.keyring().current
    call_command("keys", "rotate", "--grace-seconds", "0")
    late = tip_submit(data=tip_input()).tip
    data_key = crypto.unwrap(late.kek_id, late.wrapped_key, late.reference)
    Tip.objects.filter(pk=late.pk).update(
        kek_id=old_kek, wrapped_key=crypto.wrap(data_key, kek_id=old_kek, reference=late.reference)
    )
    # When the next rotation retires old keys
    call_command("keys", "rotate", "--retire-old", "--grace-seconds", "0")
    # Then the late tip was re-wrapped before its key was removed, and still opens
    crypto.forget_cached_keyring()
    late = Tip.objects.get(pk=late.pk)
    assert late.kek_id == crypto.keyring().current
    assert tip_content(late, actor=officer_hoan_kiem)["description"]
    assert old_kek not in keks_in_file(own_keyring)


def test_rotation_in_small_batches_rewraps_everything(own_keyring):
    for _ in range(7):
        tip_submit(data=tip_input(contact_email="a@example.vn"))
    call_command("keys", "rotate", "--batch-size", "2", "--grace-seconds", "0")
    current = crypto.keyring(reload=True).current
    assert set(Tip.objects.values_list("kek_id", flat=True)) == {current}
    event = AuditEvent.objects.get(action="tips.keys.rotate")
    assert event.data["rewrapped_tips"] == 7
    assert event.data["rewrapped_contacts"] == 7
    assert event.object_id == current


def test_the_keyring_file_stays_private_after_rotation(own_keyring):
    tip_submit(data=tip_input())
    call_command("keys", "rotate", "--grace-seconds", "0")
    assert oct(own_keyring.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in own_keyring.parent.iterdir() if p.name.startswith(".keyring-")]


def test_status_counts_keys_per_kek(own_keyring, capsys):
    tip_submit(data=tip_input())
    tip_submit(data=tip_input(contact_name="Hoa"))
    call_command("keys", "status")
    out = capsys.readouterr().out
    current = crypto.keyring().current
    assert f"{current}: 2 tips, 1 contacts (current)" in out


def test_status_warns_about_a_kek_missing_from_the_keyring(own_keyring, capsys):
    tip = tip_submit(data=tip_input()).tip
    Tip.objects.filter(pk=tip.pk).update(kek_id="k20200101-lost")
    call_command("keys", "status")
    assert (
        "k20200101-lost: 1 tips, 0 contacts (MISSING FROM THE KEYRING)" in capsys.readouterr().out
    )
