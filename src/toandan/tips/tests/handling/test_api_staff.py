"""The police's tips API (`/api/v1/staff/tips...`) with personal tokens: the inbox, one tip
(an audited content view), and the steps of the legal timeline."""

from __future__ import annotations

import datetime as dt
import json
import typing
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from toandan.accounts.models import User
from toandan.accounts.services import api_token_create
from toandan.accounts.tests.factories import logged_in, unit
from toandan.audit.models import AuditEvent
from toandan.tips import services
from toandan.tips.handling.schemas import ActionName
from toandan.tips.handling.timeline import DEFAULT_DEADLINES, TRANSITIONS, ActionInput, tip_act
from toandan.tips.models import Channel, Tip, TipEvent, TipStatus, ValuableReason
from toandan.tips.tests.conftest import (
    BA_DINH,
    BA_DINH_POLICE,
    HOAN_KIEM,
    HOAN_KIEM_POLICE,
    category,
    commune,
    tip_input,
)

pytestmark = pytest.mark.django_db

INBOX = "/api/v1/staff/tips"


@pytest.fixture(autouse=True)
def _law_defaults(settings: Any) -> None:
    settings.TOANDAN_TIP_DEADLINES = dict(DEFAULT_DEADLINES)


def bearer(user: User) -> Client:
    """A client that calls the API with the user's personal token, and no session."""
    _, raw = api_token_create(actor=user, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def receive(**overrides: Any) -> Tip:
    overrides.setdefault("occurred_on", dt.date(2026, 1, 10))
    return services.tip_submit(data=tip_input(**overrides), channel=Channel.WEB).tip


def detail_url(tip: Tip | str) -> str:
    reference = tip if isinstance(tip, str) else tip.reference
    return f"{INBOX}/{reference}"


def post_action(client: Client, tip: Tip, **body: Any) -> Any:
    return client.post(
        f"{detail_url(tip)}/actions", data=json.dumps(body), content_type="application/json"
    )


def content_views(user: User) -> int:
    return AuditEvent.objects.filter(action="tips.tip.content.view", actor_id=user.pk).count()


# --- The API is documented and closed -------------------------------------------------------------


def test_the_openapi_schema_lists_the_three_operations_and_the_docs_render():
    schema = Client().get("/api/v1/openapi.json")
    docs = Client().get("/api/v1/docs")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "get" in paths["/api/v1/staff/tips"]
    assert "get" in paths["/api/v1/staff/tips/{reference}"]
    assert "post" in paths["/api/v1/staff/tips/{reference}/actions"]
    assert docs.status_code == 200


def test_the_documented_actions_are_the_timelines():
    assert set(typing.get_args(ActionName)) == set(TRANSITIONS)


def test_anonymous_callers_get_401():
    tip = receive()

    assert Client().get(INBOX).status_code == 401
    assert Client().get(detail_url(tip)).status_code == 401
    assert post_action(Client(), tip, action="take").status_code == 401
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RECEIVED


def test_a_revoked_or_unknown_token_gets_401(officer_hoan_kiem):
    client = Client(headers={"Authorization": "Bearer tdn_not-a-real-token"})

    assert client.get(INBOX).status_code == 401


# --- Inbox ---------------------------------------------------------------------------------------


def test_the_inbox_lists_my_units_tips_with_their_deadline_and_its_law(officer_hoan_kiem):
    mine = receive()
    receive(commune=commune(BA_DINH))

    response = bearer(officer_hoan_kiem).get(INBOX)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    [row] = body["results"]
    assert row["reference"] == mine.reference
    assert row["register_number"] == mine.register_number
    assert row["status"] == "received"
    assert row["status_label"]
    assert row["category"]["code"] == "theft"
    assert row["commune"]["code"] == HOAN_KIEM
    assert row["responsible_unit"] == {
        "code": HOAN_KIEM_POLICE,
        "name": unit(HOAN_KIEM_POLICE).name,
    }
    assert row["pending_unit"] is None
    assert row["due_kind"] == "forward"
    assert "Điều 146" in row["due_article"]  # Vietnamese first
    assert dt.datetime.fromisoformat(row["due_at"]) == mine.due_at
    assert row["overdue"] is False
    assert row["valuable"] is None
    # The list opens no tip.
    assert content_views(officer_hoan_kiem) == 0


def test_the_province_police_see_the_tips_of_both_communes(leader_hanoi):
    hoan_kiem = receive()
    ba_dinh = receive(commune=commune(BA_DINH))

    body = bearer(leader_hanoi).get(INBOX).json()

    assert {row["reference"] for row in body["results"]} == {
        hoan_kiem.reference,
        ba_dinh.reference,
    }


def test_filters_by_repeated_status_unit_commune_number_and_due(officer_hoan_kiem, leader_hanoi):
    received = receive()
    checking = receive()
    tip_act(actor=officer_hoan_kiem, tip=checking, action="check")
    overdue = receive()
    Tip.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    ba_dinh = receive(commune=commune(BA_DINH))
    client = bearer(leader_hanoi)

    def refs(query: str) -> set[str]:
        response = client.get(f"{INBOX}?{query}")
        assert response.status_code == 200, response.content
        return {row["reference"] for row in response.json()["results"]}

    assert refs("status=checking") == {checking.reference}
    assert refs("status=checking&status=received") == {
        received.reference,
        checking.reference,
        overdue.reference,
        ba_dinh.reference,
    }
    assert refs(f"unit={BA_DINH_POLICE}") == {ba_dinh.reference}
    assert refs(f"commune={BA_DINH}") == {ba_dinh.reference}
    assert refs(f"number={ba_dinh.register_number}") == {ba_dinh.reference}
    assert refs("due=overdue") == {overdue.reference}
    assert refs("category=robbery") == set()
    body = client.get(f"{INBOX}?due=overdue").json()
    assert body["results"][0]["overdue"] is True


def test_the_incoming_box_holds_tips_forwarded_to_my_unit(officer_hoan_kiem, officer_ba_dinh):
    tip = receive()
    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action="forward",
        data=ActionInput(target_unit=unit(BA_DINH_POLICE), reason="Thuộc địa bàn Ba Đình."),
    )

    body = bearer(officer_ba_dinh).get(f"{INBOX}?box=incoming").json()

    [row] = body["results"]
    assert row["reference"] == tip.reference
    assert row["pending_unit"]["code"] == BA_DINH_POLICE
    assert bearer(officer_ba_dinh).get(INBOX).json()["count"] == 0


def test_pages_of_at_most_100(officer_hoan_kiem):
    tips = [receive() for _ in range(3)]
    client = bearer(officer_hoan_kiem)

    first = client.get(f"{INBOX}?page_size=2&sort=received").json()
    second = client.get(f"{INBOX}?page_size=2&page=2&sort=received").json()
    beyond = client.get(f"{INBOX}?page_size=2&page=9").json()

    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert [r["reference"] for r in first["results"] + second["results"]] == [
        t.reference for t in tips
    ]
    assert beyond["results"] == []
    assert client.get(f"{INBOX}?page_size=101").status_code == 422
    assert client.get(f"{INBOX}?page=0").status_code == 422


@pytest.mark.parametrize(
    "query",
    ["box=everything", "status=lost", "due=yesterday", "sort=random", "commune=99999", "unit=X"],
)
def test_malformed_filters_get_422(officer_hoan_kiem, query):
    response = bearer(officer_hoan_kiem).get(f"{INBOX}?{query}")

    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_inbox_costs_the_same_queries_for_one_tip_or_many(officer_hoan_kiem):
    client = bearer(officer_hoan_kiem)
    receive()
    client.get(INBOX)  # token "last used" is written once, outside the measured calls
    with CaptureQueriesContext(connection) as one:
        assert client.get(INBOX).json()["count"] == 1
    for _ in range(5):
        receive(category=category("drug-trafficking"))
    with CaptureQueriesContext(connection) as six:
        assert client.get(INBOX).json()["count"] == 6

    assert len(six) == len(one)


# --- One tip -------------------------------------------------------------------------------------


def test_opening_a_tip_shows_content_deadline_history_and_actions_and_is_audited(
    officer_hoan_kiem,
):
    tip = receive()
    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action="check",
        data=ActionInput(reason="Đã liên hệ tổ dân phố số 5."),
    )
    client = bearer(officer_hoan_kiem)

    response = client.get(detail_url(tip))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["reference"] == tip.reference
    assert body["status"] == "checking"
    assert body["content"]["description"].startswith("Hai thanh niên bẻ khóa xe máy")
    assert body["deadline"]["kind"] == "forward"
    assert "Điều 146" in body["deadline"]["article"]
    assert body["deadline"]["overdue"] is False
    [event] = body["history"]
    assert (event["action"], event["from_status"], event["to_status"]) == (
        "check",
        "received",
        "checking",
    )
    assert event["text"] == "Đã liên hệ tổ dân phố số 5."
    assert event["unit"]["code"] == HOAN_KIEM_POLICE
    assert event["actor"] == officer_hoan_kiem.get_full_name()
    assert {a["action"] for a in body["allowed_actions"]} == {
        "forward",
        "take",
        "hand_over",
        "merge",
    }
    assert all(a["label"] for a in body["allowed_actions"])
    assert body["outcome"] == ""
    assert body["valuable"] is None
    assert content_views(officer_hoan_kiem) == 1
    view = AuditEvent.objects.get(action="tips.tip.content.view")
    assert view.data == {"reference": tip.reference}


def test_an_unknown_and_a_forbidden_reference_get_the_same_404(officer_ba_dinh):
    tip = receive()
    client = bearer(officer_ba_dinh)

    forbidden = client.get(detail_url(tip))
    unknown = client.get(detail_url("ZZZZZZZZZZZZ"))
    forbidden_action = post_action(client, tip, action="take")

    assert forbidden.status_code == unknown.status_code == forbidden_action.status_code == 404
    assert forbidden.json() == unknown.json() == forbidden_action.json()
    assert tip.reference not in forbidden.content.decode()
    assert content_views(officer_ba_dinh) == 0
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RECEIVED


def test_a_womens_union_cadre_gets_no_tip_at_all(cadre_hoan_kiem):
    tip = receive()
    client = bearer(cadre_hoan_kiem)

    for response in (
        client.get(INBOX),
        client.get(detail_url(tip)),
        post_action(client, tip, action="check"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "police_only"
        assert "Hàng Bạc" not in response.content.decode()
    assert content_views(cadre_hoan_kiem) == 0
    assert TipEvent.objects.filter(tip=tip).count() == 0


def test_the_browser_session_works_too(officer_hoan_kiem):
    tip = receive()

    response = logged_in(officer_hoan_kiem).get(detail_url(tip))

    assert response.status_code == 200
    assert response.json()["reference"] == tip.reference


def test_cross_site_request_forgery_with_the_session_is_refused(officer_hoan_kiem):
    tip = receive()
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_hoan_kiem)

    response = post_action(client, tip, action="take")

    assert response.status_code in {401, 403}
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RECEIVED


# --- Actions -------------------------------------------------------------------------------------


def test_taking_a_tip_for_resolution_answers_the_new_deadline(officer_hoan_kiem):
    tip = receive()

    response = post_action(bearer(officer_hoan_kiem), tip, action="take", reason="Đủ căn cứ.")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "resolving"
    assert body["deadline"]["kind"] == "decide"
    assert "Khoản 1 Điều 147" in body["deadline"]["article"]
    assert body["history"][-1]["action"] == "take"
    assert body["history"][-1]["text"] == "Đủ căn cứ."
    assert AuditEvent.objects.filter(action="tips.tip.take", actor_id=officer_hoan_kiem.pk).count()
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RESOLVING


def test_a_refused_step_answers_409_with_the_message_and_the_field(officer_hoan_kiem):
    tip = receive()
    client = bearer(officer_hoan_kiem)

    no_reason = post_action(client, tip, action="forward", target_unit=BA_DINH_POLICE)
    wrong_status = post_action(client, tip, action="resume")

    assert no_reason.status_code == 409
    assert no_reason.json()["code"] == "transition_refused"
    assert no_reason.json()["field"] == "reason"
    assert no_reason.json()["detail"]
    assert wrong_status.status_code == 409
    assert wrong_status.json()["field"] == ""
    assert wrong_status.json()["detail"]
    assert TipEvent.objects.filter(tip=tip).count() == 0
    assert not AuditEvent.objects.filter(action__startswith="tips.tip.f").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "close_quietly"}, "action"),
        ({}, "action"),
        ({"action": "forward", "target_unit": "CA-99-NOWHERE", "reason": "x"}, "target_unit"),
        ({"action": "merge", "merge_into": "ZZZZZZZZZZZZ"}, "merge_into"),
        ({"action": "prosecute", "valuable": "maybe"}, "valuable"),
        ({"action": "prosecute", "arrested_count": -1}, "arrested_count"),
    ],
)
def test_malformed_steps_get_422_naming_the_field(officer_hoan_kiem, body, field):
    tip = receive()

    response = post_action(bearer(officer_hoan_kiem), tip, **body)

    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])
    assert TipEvent.objects.filter(tip=tip).count() == 0


def test_merging_into_a_tip_of_another_commune_looks_like_an_unknown_tip(officer_hoan_kiem):
    tip = receive()
    elsewhere = receive(commune=commune(BA_DINH))

    response = post_action(
        bearer(officer_hoan_kiem), tip, action="merge", merge_into=elsewhere.reference
    )

    assert response.status_code == 422
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RECEIVED


def test_forward_accept_by_the_receiving_unit_only(officer_hoan_kiem, officer_ba_dinh):
    tip = receive()
    hoan_kiem = bearer(officer_hoan_kiem)
    ba_dinh = bearer(officer_ba_dinh)

    forwarded = post_action(
        hoan_kiem,
        tip,
        action="forward",
        target_unit=BA_DINH_POLICE,
        reason="Nơi xảy ra thuộc phường Ba Đình.",
    )
    assert forwarded.status_code == 200, forwarded.content
    assert forwarded.json()["pending_unit"]["code"] == BA_DINH_POLICE

    refused = post_action(hoan_kiem, tip, action="accept")
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_refused"

    incoming = ba_dinh.get(detail_url(tip)).json()
    assert [a["action"] for a in incoming["allowed_actions"]] == ["accept", "return"]
    accepted = post_action(ba_dinh, tip, action="accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "checking"
    assert accepted.json()["responsible_unit"]["code"] == BA_DINH_POLICE


def test_after_sending_a_tip_back_the_answer_has_no_content(officer_hoan_kiem, officer_ba_dinh):
    tip = receive()
    tip_act(
        actor=officer_hoan_kiem,
        tip=tip,
        action="forward",
        data=ActionInput(target_unit=unit(BA_DINH_POLICE), reason="Thuộc địa bàn Ba Đình."),
    )
    before = content_views(officer_ba_dinh)

    response = post_action(
        bearer(officer_ba_dinh), tip, action="return", reason="Không thuộc địa bàn."
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "checking"
    assert body["responsible_unit"]["code"] == HOAN_KIEM_POLICE
    assert (body["content"], body["history"], body["allowed_actions"]) == (None, [], [])
    assert content_views(officer_ba_dinh) == before


def test_an_information_copy_reads_but_does_not_act(officer_ba_dinh, officer_hoan_kiem):
    # Received by phone at Ba Đình about Hoàn Kiếm: Ba Đình has it, Hoàn Kiếm a copy.
    tip = services.tip_submit_by_staff(
        actor=officer_ba_dinh, data=tip_input(), channel=Channel.PHONE
    ).tip
    client = bearer(officer_hoan_kiem)

    opened = client.get(detail_url(tip))
    refused = post_action(client, tip, action="take")

    assert opened.status_code == 200
    assert opened.json()["allowed_actions"] == []
    assert refused.status_code == 409
    assert refused.json()["code"] == "transition_refused"
    copies = client.get(f"{INBOX}?box=copies").json()
    assert [row["reference"] for row in copies["results"]] == [tip.reference]


def test_a_conclusion_through_the_api_counts_and_tells_the_tipster(officer_hoan_kiem):
    tip = receive()
    client = bearer(officer_hoan_kiem)
    post_action(client, tip, action="take")

    response = post_action(
        client,
        tip,
        action="not_prosecute",
        reason="Chưa đủ yếu tố cấu thành tội phạm; đã xử phạt hành chính.",
        valuable=True,
        valuable_reasons=[ValuableReason.ADMINISTRATIVE_SANCTION],
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["outcome"]) == ("concluded", "not_prosecuted")
    assert body["outcome_label"]
    assert body["decided_in_time"] is True
    assert body["deadline"] is None
    assert body["procuracy_due_at"] is not None
    assert body["valuable"] is True
    assert body["valuable_reasons"] == ["administrative_sanction"]
    assert body["content"]["result_reason"].startswith("Chưa đủ yếu tố")
    # The procuracy may also cancel a decision not to prosecute (BLTTHS Art. 159).
    assert [a["action"] for a in body["allowed_actions"]] == [
        "send_to_procuracy",
        "correct_outcome",
        "cancel_no_prosecute",
    ]


def test_a_valuable_conclusion_needs_its_reasons(officer_hoan_kiem):
    tip = receive()
    client = bearer(officer_hoan_kiem)
    post_action(client, tip, action="take")

    response = post_action(client, tip, action="prosecute", valuable=True)

    assert response.status_code == 409
    assert response.json()["field"] == "valuable_reasons"
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RESOLVING


def test_the_procuracy_extension_through_the_api(officer_hoan_kiem):
    tip = receive()
    client = bearer(officer_hoan_kiem)
    post_action(client, tip, action="take")
    post_action(client, tip, action="extend_complex", reason="Phải xác minh ở ba tỉnh.")

    response = post_action(
        client, tip, action="extend_procuracy", decision_number="15/QĐ-VKS", months=2
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["procuracy_decision"] == "15/QĐ-VKS"
    assert body["complex_extended"] is True
    assert body["deadline"]["kind"] == "decide_procuracy"
    assert "Viện kiểm sát" in body["deadline"]["article"]


def test_merging_shows_on_both_tips(officer_hoan_kiem):
    survivor = receive()
    tip = receive()
    client = bearer(officer_hoan_kiem)

    response = post_action(client, tip, action="merge", merge_into=survivor.reference)

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "merged"
    assert response.json()["merged_into"] == survivor.reference
    assert client.get(detail_url(survivor)).json()["merged_tips"] == [tip.reference]


def test_inbox_page_past_the_64_bit_range_is_a_422_not_a_server_error(officer_hoan_kiem):
    response = bearer(officer_hoan_kiem).get(f"{INBOX}?page=99999999999999999999")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]
