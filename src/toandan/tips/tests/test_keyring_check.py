"""A server restored without its keyring refuses to start instead of making a new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from toandan.tips import crypto
from toandan.tips.models import Tip
from toandan.tips.services import followup_open, tip_submit
from toandan.tips.tests.conftest import tip_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_started(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[str]:
    """Stands in for waitress: records that the server would have started serving."""
    import waitress

    started: list[str] = []
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: started.append("serving"))
    settings.DEBUG = True  # no collectstatic
    return started


def _keyring_elsewhere(settings: Any, path: Path) -> Path:
    settings.TOANDAN_KEYRING_FILE = path
    crypto.forget_cached_keyring()
    return path


@pytest.fixture(autouse=True)
def _forget_cached_keyring() -> Any:
    yield
    crypto.forget_cached_keyring()


def test_a_missing_keyring_file_is_an_error_not_a_new_keyring(settings, tmp_path):
    path = _keyring_elsewhere(settings, tmp_path / "keys" / "keyring.json")
    with pytest.raises(crypto.KeyringMissingError, match="toandan restore"):
        crypto.keyring()
    assert not path.exists()


def test_serve_refuses_to_start_when_the_keyring_was_not_restored(
    settings, tmp_path, server_started, capsys
):
    # Given a database with a tip, restored without var/keys/keyring.json
    tip_submit(data=tip_input())
    path = _keyring_elsewhere(settings, tmp_path / "restored" / "keyring.json")
    # When the operator starts the server
    with pytest.raises(CommandError, match="toandan restore") as refused:
        call_command("serve", "--port", "0")
    # Then it does not serve, says where the keyring should be, and makes no new one
    assert server_started == []
    assert str(path) in str(refused.value)
    assert not path.exists()


def test_serve_names_the_missing_keys_of_a_foreign_keyring(settings, tmp_path, server_started):
    # Given tips sealed under this installation's key, and another installation's keyring
    kek_in_use = crypto.keyring().current
    tip_submit(data=tip_input())
    path = tmp_path / "other" / "keyring.json"
    crypto.keyring_create(path)
    _keyring_elsewhere(settings, path)
    # Then serve refuses and names the key id that must be restored
    with pytest.raises(CommandError, match=kek_in_use):
        call_command("serve", "--port", "0")
    assert server_started == []


def test_serve_starts_with_the_right_keyring(server_started):
    tip_submit(data=tip_input())
    call_command("serve", "--port", "0")
    assert server_started == ["serving"]


def test_no_tip_is_accepted_under_a_keyring_that_lacks_the_database_keys(settings, tmp_path):
    # Given tips in the database and a keyring that is not theirs (a wrong or new file)
    tip_submit(data=tip_input())
    before = Tip.objects.count()
    path = tmp_path / "other" / "keyring.json"
    crypto.keyring_create(path)
    _keyring_elsewhere(settings, path)
    # When a citizen sends a tip, then it is refused before it is sealed under the wrong key
    with pytest.raises(crypto.KeyringError, match="toandan restore"):
        tip_submit(data=tip_input())
    assert Tip.objects.count() == before


def test_a_follow_up_under_a_foreign_keyring_fails_loudly_without_counting_a_guess(
    settings, tmp_path
):
    submitted = tip_submit(data=tip_input())
    session_keyring = settings.TOANDAN_KEYRING_FILE
    path = tmp_path / "other" / "keyring.json"
    crypto.keyring_create(path)
    _keyring_elsewhere(settings, path)
    for _ in range(settings.TOANDAN_RECEIPT_FREE_ATTEMPTS + 2):
        with pytest.raises(crypto.KeyringError):
            followup_open(receipt=submitted.receipt, client_key="citizen")
    # Once the right keyring is back, the citizen's receipt opens at once (no delay earned)
    _keyring_elsewhere(settings, session_keyring)
    assert followup_open(receipt=submitted.receipt, client_key="citizen") == submitted.tip


def test_keys_init_makes_a_keyring_only_on_an_empty_database(settings, tmp_path, capsys):
    # Given tips in the database and no keyring file
    tip_submit(data=tip_input())
    path = _keyring_elsewhere(settings, tmp_path / "keys" / "keyring.json")
    # Then the explicit first-time setup refuses too
    with pytest.raises(CommandError, match="toandan restore"):
        call_command("keys", "init")
    assert not path.exists()


def test_keys_init_on_an_empty_database_makes_a_private_keyring(settings, tmp_path, capsys):
    Tip.objects.all().delete()
    path = _keyring_elsewhere(settings, tmp_path / "keys" / "keyring.json")
    call_command("keys", "init")
    assert path.exists()
    assert "Back it up" in capsys.readouterr().out
    # Run again (setup is idempotent): the same keyring is kept
    current = crypto.keyring().current
    call_command("keys", "init")
    assert crypto.keyring(reload=True).current == current


def test_keys_commands_say_the_keyring_is_missing_instead_of_failing(settings, tmp_path):
    _keyring_elsewhere(settings, tmp_path / "keys" / "keyring.json")
    for action in ("status", "rotate"):
        with pytest.raises(CommandError, match="no keyring file"):
            call_command("keys", action)


def test_missing_kek_ids_finds_every_key_in_use(settings, tmp_path):
    from toandan.tips.keyring_check import missing_kek_ids
    from toandan.tips.models import TipsterContact

    tip_submit(data=tip_input(contact_phone="0912345678"))
    Tip.objects.update(kek_id="k20200101-aaaaaaaa")
    TipsterContact.objects.update(kek_id="k20200101-bbbbbbbb")
    tip_submit(data=tip_input())
    empty = crypto.keyring_create(tmp_path / "empty.json")
    expected = {"k20200101-aaaaaaaa", "k20200101-bbbbbbbb", crypto.keyring().current}
    assert set(missing_kek_ids(empty)) == expected
    assert missing_kek_ids(crypto.keyring()) == ["k20200101-aaaaaaaa", "k20200101-bbbbbbbb"]
