"""The unit's inbox (`toandan.tips.handling.inbox` and the page `tips:inbox`): which tips an officer
sees, the tabs and their counts, filters, sorting, pages, and a query count that does not grow
with the number of tips."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from toandan.accounts.tests.factories import logged_in
from toandan.tips import services
from toandan.tips.handling.inbox import (
    Box,
    DueFilter,
    InboxFilters,
    due_info,
    inbox_counts,
    inbox_tips,
)
from toandan.tips.handling.timeline import DUE_ARTICLES, ActionInput, tip_act
from toandan.tips.models import Channel, DueKind, Tip, TipAction, TipStatus
from toandan.tips.tests.conftest import BA_DINH, commune, tip_input

pytestmark = pytest.mark.django_db

INBOX = reverse("tips:inbox")


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def receive(*, days_ago: float = 0, **overrides: Any) -> Tip:
    received = timezone.now() - dt.timedelta(days=days_ago)
    return services.tip_receive(
        data=tip_input(**overrides), channel=Channel.WEB, received_at=received
    ).tip


def numbers(response: Any) -> list[str]:
    """The register numbers listed, in order."""
    return re.findall(r'class="mono">([^<]+)</a></td>', response.content.decode())


# --- Who sees what -------------------------------------------------------------------------------


def test_each_commune_sees_its_own_tips_and_the_province_sees_both(
    officer_hoan_kiem, officer_ba_dinh, leader_hanoi
):
    hoan_kiem = receive()
    ba_dinh = receive(commune=commune(BA_DINH))

    assert numbers(logged_in(officer_hoan_kiem).get(INBOX)) == [hoan_kiem.register_number]
    assert numbers(logged_in(officer_ba_dinh).get(INBOX)) == [ba_dinh.register_number]
    province = logged_in(leader_hanoi).get(INBOX)
    assert sorted(numbers(province)) == sorted([hoan_kiem.register_number, ba_dinh.register_number])
    # The province sees which unit has each tip.
    assert "Công an phường Ba Đình" in province.content.decode()


def test_a_union_cadre_has_no_inbox(cadre_hoan_kiem):
    receive()

    assert logged_in(cadre_hoan_kiem).get(INBOX).status_code == 403


def test_information_copies_are_counted_and_listed_apart(officer_hoan_kiem, officer_ba_dinh):
    # Taken by phone at Ba Đình about Hoàn Kiếm: Ba Đình handles it, Hoàn Kiếm holds a copy.
    tip = services.tip_submit_by_staff(
        actor=officer_ba_dinh, data=tip_input(), channel=Channel.PHONE
    ).tip

    counts = inbox_counts(officer_hoan_kiem)
    handling = inbox_tips(officer_hoan_kiem, InboxFilters())
    copies = inbox_tips(officer_hoan_kiem, InboxFilters(box=Box.COPIES))

    assert (counts["handling"], counts["copies"]) == (0, 1)
    assert list(handling) == []
    assert list(copies) == [tip]
    page = logged_in(officer_hoan_kiem).get(INBOX, {"box": Box.COPIES})
    assert numbers(page) == [tip.register_number]


def test_copies_of_closed_tips_leave_the_list_but_a_number_search_finds_them(
    officer_hoan_kiem, officer_ba_dinh
):
    tip = services.tip_submit_by_staff(
        actor=officer_ba_dinh, data=tip_input(), channel=Channel.PHONE
    ).tip
    tip_act(actor=officer_ba_dinh, tip=tip, action=TipAction.TAKE)
    tip_act(
        actor=officer_ba_dinh,
        tip=tip,
        action=TipAction.NOT_PROSECUTE,
        data=ActionInput(reason="Không có dấu hiệu tội phạm.", valuable=False),
    )

    assert list(inbox_tips(officer_hoan_kiem, InboxFilters(box=Box.COPIES))) == []
    found = inbox_tips(officer_hoan_kiem, InboxFilters(box=Box.COPIES, number=tip.register_number))
    assert list(found) == [tip]


# --- Deadlines -----------------------------------------------------------------------------------


def test_deadline_soonest_first_with_overdue_badge_and_article(officer_hoan_kiem):
    fresh = receive()
    late = receive(days_ago=10)  # 7 days to forward: overdue

    response = logged_in(officer_hoan_kiem).get(INBOX)

    assert numbers(response) == [late.register_number, fresh.register_number]
    text = response.content.decode()
    assert text.count('class="badge badge-overdue"') == 1
    assert escape(str(DUE_ARTICLES[DueKind.FORWARD])) in text
    info = due_info(late)
    assert info is not None
    assert info.overdue
    assert not info.today


def test_filter_overdue_and_counts(officer_hoan_kiem):
    receive()
    late = receive(days_ago=10)

    response = logged_in(officer_hoan_kiem).get(INBOX, {"due": DueFilter.OVERDUE})

    assert numbers(response) == [late.register_number]
    assert inbox_counts(officer_hoan_kiem)["overdue"] == 1


def test_due_today_is_marked(officer_hoan_kiem):
    # Forwarding is due 7 days after the day of receipt, at midnight: received 7 days ago
    # in the morning, it is due tonight.
    now = timezone.localtime().replace(hour=12, minute=0)
    tip = receive(days_ago=7)
    Tip.objects.filter(pk=tip.pk).update(due_at=now.replace(hour=23, minute=59))
    tip.refresh_from_db()

    info = due_info(tip, now=now.replace(hour=8))

    assert info is not None
    assert info.today
    assert not info.overdue


# --- Filters, search, sort, pages ----------------------------------------------------------------


def test_search_by_register_number_and_filter_by_status(officer_hoan_kiem):
    first = receive()
    second = receive()
    tip_act(actor=officer_hoan_kiem, tip=second, action=TipAction.TAKE)
    client = logged_in(officer_hoan_kiem)

    by_number = client.get(INBOX, {"number": first.register_number.lower()})
    resolving = client.get(INBOX, {"status": TipStatus.RESOLVING})

    assert numbers(by_number) == [first.register_number]
    assert numbers(resolving) == [second.register_number]


def test_concluded_tips_leave_the_default_list_and_come_back_by_status(officer_hoan_kiem):
    tip = receive()
    tip_act(actor=officer_hoan_kiem, tip=tip, action=TipAction.TAKE)
    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action=TipAction.PROSECUTE,
        data=ActionInput(valuable=True, valuable_reasons=["led_to_case"]),
    )
    client = logged_in(officer_hoan_kiem)

    assert numbers(client.get(INBOX)) == []
    assert numbers(client.get(INBOX, {"status": "all"})) == [tip.register_number]
    assert numbers(client.get(INBOX, {"valuable": "yes"})) == [tip.register_number]
    assert numbers(client.get(INBOX, {"valuable": "no"})) == []
    assert numbers(client.get(INBOX, {"valuable": "unassessed"})) == []


def test_concluded_tips_not_yet_assessed(officer_hoan_kiem):
    tip = receive()
    tip_act(actor=officer_hoan_kiem, tip=tip, action=TipAction.TAKE)
    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action=TipAction.PROSECUTE,
        data=ActionInput(valuable=True, valuable_reasons=["led_to_case"]),
    )
    # A tip concluded before the assessment was asked (the data of 2019-2024).
    Tip.objects.filter(pk=tip.pk).update(valuable=None)

    found = inbox_tips(officer_hoan_kiem, InboxFilters(valuable_unassessed=True))

    assert list(found) == [tip]


def test_filter_by_commune_and_unit_for_the_province(leader_hanoi):
    receive()
    ba_dinh = receive(commune=commune(BA_DINH))
    client = logged_in(leader_hanoi)

    by_commune = client.get(INBOX, {"commune": str(commune(BA_DINH).pk)})
    by_unit = client.get(INBOX, {"unit": str(ba_dinh.responsible_unit_id)})

    assert numbers(by_commune) == [ba_dinh.register_number]
    assert numbers(by_unit) == [ba_dinh.register_number]


def test_a_commune_officer_is_offered_no_list_of_units(officer_hoan_kiem):
    response = logged_in(officer_hoan_kiem).get(INBOX)

    assert 'name="unit"' not in response.content.decode()
    assert 'name="commune"' in response.content.decode()


def test_sort_by_received(officer_hoan_kiem):
    older = receive(days_ago=2)
    newer = receive(days_ago=1)
    client = logged_in(officer_hoan_kiem)

    assert numbers(client.get(INBOX, {"sort": "-received"})) == [
        newer.register_number,
        older.register_number,
    ]
    assert numbers(client.get(INBOX, {"sort": "received"})) == [
        older.register_number,
        newer.register_number,
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"due": "yesterday"},
        {"status": "lost"},
        {"received_from": "30/02/2026"},
        {"commune": "abc"},
        {"sort": "price"},
        {"received_from": "2026-11-20", "received_to": "2026-11-01"},
        {"page": "many"},
    ],
)
def test_a_wrong_filter_value_is_shown_as_an_error_not_a_crash(officer_hoan_kiem, query):
    tip = receive()

    response = logged_in(officer_hoan_kiem).get(INBOX, query)

    assert response.status_code == 200
    # The other filters (none here) still apply: the tip is listed.
    assert numbers(response) == [tip.register_number]
    if "page" not in query:
        assert 'class="error-summary"' in response.content.decode()


def test_twenty_five_tips_a_page(officer_hoan_kiem):
    for _ in range(27):
        receive()
    client = logged_in(officer_hoan_kiem)

    first = client.get(INBOX, {"sort": "received"})
    second = client.get(INBOX, {"sort": "received", "page": "2"})

    assert len(numbers(first)) == 25
    assert len(numbers(second)) == 2
    assert "page=2" in first.content.decode()
    assert "sort=received" in first.content.decode()  # the filters follow the page links
    assert set(numbers(first)).isdisjoint(numbers(second))


# --- The query count does not grow with the tips -------------------------------------------------


def _queries_for_inbox(client: Any, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INBOX, query)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("user_fixture", ["officer_hoan_kiem", "leader_hanoi"])
def test_the_inbox_costs_the_same_queries_for_5_and_for_30_tips(request, user_fixture):
    client = logged_in(request.getfixturevalue(user_fixture))
    # Some overdue from the start: an empty page costs one query less than a full one.
    for index in range(5):
        receive(days_ago=10 * (index % 2))
    client.get(INBOX)  # the session and the per-process reference data are read once
    with_5 = _queries_for_inbox(client, {})
    with_5_filtered = _queries_for_inbox(client, {"due": "overdue", "number": "CA"})
    for index in range(25):
        receive(days_ago=index % 12, commune=commune(BA_DINH) if index % 2 else None)

    with_30 = _queries_for_inbox(client, {})
    with_30_filtered = _queries_for_inbox(client, {"due": "overdue", "number": "CA"})

    assert with_30 == with_5
    assert with_30_filtered == with_5_filtered
    # One more than a single query of rows: the page's ids first, then its rows (see
    # inbox.inbox_ids: what keeps a province's first page fast on a million tips).
    assert with_30 <= 13
