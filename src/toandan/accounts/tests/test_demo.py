from __future__ import annotations

import pytest
from django.test import Client

from toandan.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from toandan.accounts.models import User
from toandan.accounts.selectors import user_roles
from toandan.orgs.demo import load_demo as load_orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_accounts_cover_every_role_and_are_created_once():
    load_orgs_demo()
    load_demo()
    summary = load_demo()

    assert summary.startswith("0 accounts created")
    assert User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).count() == len(
        DEMO_ACCOUNTS
    )
    held: set[str] = set()
    for account in DEMO_ACCOUNTS:
        held |= user_roles(User.objects.get(username=account.username))
    assert held == {
        "union_cadre",
        "union_leader",
        "police_officer",
        "police_leader",
        "campaign_organiser",
        "reviewer",
        "analyst",
        "system_admin",
    }


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_every_demo_account_can_log_in_with_the_documented_password(account, settings):
    settings.TOANDAN_POLICE_2FA_REQUIRED = False
    load_demo()
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": account.username, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    me = client.get("/accounts/me/")
    assert me.status_code == 200
    assert account.full_name in me.content.decode()
