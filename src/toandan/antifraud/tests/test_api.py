"""The API: the public check, the hash-prefix range (the identifier never leaves the client),
the staff list and decisions, appeals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from toandan.antifraud import services
from toandan.antifraud.hashing import range_key
from toandan.antifraud.range_client import range_check
from toandan.antifraud.selectors import RANGE_PADDED_SIZE
from toandan.identifiers.extract import identify
from toandan.tips.interface.fraud import fraud_tip_identifiers

pytestmark = pytest.mark.django_db


def _verified(fraud_tip: Any, officer: Any, verifier: Any) -> Any:
    facts = fraud_tip_identifiers(officer, fraud_tip().pk)
    assert facts is not None
    (account,) = [i for i in facts.identifiers if i.kind == "bank_account"]
    indicator = services.indicator_report_confirm(
        actor=officer, tip=facts, identifier=account
    ).indicator
    return services.indicator_verify(actor=verifier, indicator=indicator)


def _bearer(user: Any) -> Client:
    from toandan.accounts.services import api_token_create

    _row, token = api_token_create(user=user, actor=user, name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_check_answers_one_item_per_identifier(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    text = "Chuyển vào STK 0011004567890 Vietcombank, gọi 0531 234 567, vào t.me/hotro_vcb"
    response = client.get("/api/v1/fraud/check", {"q": text})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["kind"], i["value"], i["verdict"]) for i in items] == [
        ("bank_account", "970436:0011004567890", "verified"),
        ("phone", "+84531234567", "no_information"),
        ("social", "telegram:hotro_vcb", "no_information"),
    ]
    assert items[0]["scam_type"] == "fake-bank"
    assert items[0]["report_count"] == 1


def test_the_hash_prefix_lookup_never_receives_the_identifier(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    indicator = _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    sent: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        sent.append(url)
        response = client.get(url)
        assert response.status_code == 200
        return dict(response.json())

    (listed,) = identify("Vietcombank 0011004567890")
    (unknown,) = identify("0539 111 222")
    assert range_check(listed, key=range_key(), fetch=fetch) == "verified"
    assert range_check(unknown, key=range_key(), fetch=fetch) == "no_information"
    assert len(sent) == 2
    for url in sent:
        path_end = url.rsplit("/", 1)[1]
        assert len(path_end) == 5
        for secret in ("0011004567890", "970436", "0539111222", "539111222", indicator.digest):
            assert secret not in url
        assert indicator.digest[5:] not in url


def test_range_answers_are_padded_to_a_fixed_size(client: Client) -> None:
    response = client.get("/api/v1/fraud/range/abcde")
    entries = response.json()["entries"]
    assert len(entries) == RANGE_PADDED_SIZE
    assert all(len(e["suffix"]) == 59 for e in entries)
    assert client.get("/api/v1/fraud/range/xyz12").status_code == 422


def test_asking_for_a_range_again_tells_nothing_new(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """Fresh random padding at each call would give the listed entries away: they are the
    suffixes two answers share. The padding of a prefix is the same at every call (derived
    from a server secret, not from the partners' key), so a second answer is the first."""
    from toandan.antifraud.hashing import digest_of

    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    digest = digest_of("bank_account", "970436:0011004567890")
    first = client.get(f"/api/v1/fraud/range/{digest[:5]}").json()
    second = client.get(f"/api/v1/fraud/range/{digest[:5]}").json()
    assert first == second
    assert digest[5:] in {entry["suffix"] for entry in first["entries"]}
    other = client.get("/api/v1/fraud/range/abcde").json()["entries"]
    assert {e["suffix"] for e in other}.isdisjoint(e["suffix"] for e in first["entries"])
    assert len({e["suffix"] for e in other}) == RANGE_PADDED_SIZE


def test_staff_list_of_verified_indicators(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    assert client.get("/api/v1/fraud/indicators").status_code == 401
    response = _bearer(officer_hoan_kiem).get("/api/v1/fraud/indicators", {"status": "verified"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["kind"] == "bank_account"
    assert body["items"][0]["value"] == "970436:0011004567890"


def test_staff_verify_through_the_api(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    facts = fraud_tip_identifiers(officer_hoan_kiem, fraud_tip().pk)
    assert facts is not None
    (phone,) = [i for i in facts.identifiers if i.kind == "phone"]
    indicator = services.indicator_report_confirm(
        actor=officer_hoan_kiem, tip=facts, identifier=phone
    ).indicator
    url = f"/api/v1/fraud/indicators/{indicator.pk}/decision"
    body = json.dumps({"action": "verify"})
    own = _bearer(officer_hoan_kiem).post(url, body, "application/json")
    assert own.status_code == 403
    other = _bearer(officer2_hoan_kiem).post(url, body, "application/json")
    assert other.status_code == 200
    assert other.json()["status"] == "verified"


def test_appeal_through_the_api_returns_a_receipt(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    body = {"identifier": "Vietcombank 0011004567890", "statement": "Tài khoản của tôi."}
    response = client.post("/api/v1/fraud/appeals", json.dumps(body), "application/json")
    assert response.status_code == 201
    assert len(response.json()["receipt"].replace(" ", "")) == 20
    body["identifier"] = "Vietcombank 0011009999999"
    response = client.post("/api/v1/fraud/appeals", json.dumps(body), "application/json")
    assert response.status_code == 422


def test_staff_export_as_stix_and_csv(
    fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    staff = _bearer(officer_hoan_kiem)
    stix = staff.get("/api/v1/fraud/indicators/export", {"format": "stix"})
    assert stix.status_code == 200
    assert "x-toandan-bank-account" in stix.content.decode()
    csv_text = staff.get("/api/v1/fraud/indicators/export", {"format": "csv"}).content.decode()
    assert "970436:0011004567890" in csv_text
    assert Client().get("/api/v1/fraud/indicators/export").status_code == 401


def test_a_scam_sms_with_a_bad_port_link_gets_an_answer_not_a_500(client: Client) -> None:
    text = (
        "Nhan qua tai http://qua-tang.example:99999/nhan hoac http://[qua-tang.example "
        "goi 0531234567"
    )
    response = client.get("/api/v1/fraud/check", {"q": text})
    assert response.status_code == 200
    assert [item["kind"] for item in response.json()["items"]] == ["phone"]
    page = client.post("/fraud/", {"q": text})
    assert page.status_code == 200


def test_the_range_says_which_entries_are_imported(client: Client, leader_hanoi: Any) -> None:
    """A partner app read a bank's imported entry as "verified" with nothing to tell it from
    a police-verified one: the range mixed the two silently."""
    from toandan.antifraud import exchange
    from toandan.antifraud.models import Indicator

    rows = exchange.parse_csv("kind,value\nphone,0539 000 777\n").rows
    services.indicators_import(actor=leader_hanoi, source_name="Ngân hàng Minh Họa", rows=rows)
    digest = Indicator.objects.get().digest
    entries = client.get(f"/api/v1/fraud/range/{digest[:5]}").json()["entries"]
    (entry,) = [e for e in entries if e["suffix"] == digest[5:]]
    assert entry["verdict"] == "verified"
    assert entry["source"] == "imported"
    assert {e["source"] for e in entries if e["suffix"] != digest[5:]} == {""}


def test_public_answers_match_their_schemas(
    client: Client, fraud_tip: Any, officer_hoan_kiem: Any, officer2_hoan_kiem: Any
) -> None:
    """The check and the range serialise their answers themselves (no ninja validation on the
    hot path): what they send is exactly what their OpenAPI schemas describe, field for field."""
    from toandan.antifraud.api import CheckOut, RangeOut
    from toandan.antifraud.hashing import digest_of

    _verified(fraud_tip, officer_hoan_kiem, officer2_hoan_kiem)
    text = "Chuyển vào STK 0011004567890 Vietcombank, gọi 0531 234 567, vào vietcombạnk.com.vn"
    check = client.get("/api/v1/fraud/check", {"q": text})
    assert check["Content-Type"] == "application/json; charset=utf-8"
    body = check.json()
    assert len(body["items"]) == 3
    assert CheckOut.model_validate(body).model_dump(mode="json") == body
    digest = digest_of("bank_account", "970436:0011004567890")
    found = client.get(f"/api/v1/fraud/range/{digest[:5]}")
    body = found.json()
    assert RangeOut.model_validate(body).model_dump(mode="json") == body
    assert digest[5:] in {entry["suffix"] for entry in body["entries"]}
    schema = client.get("/api/v1/openapi.json").json()["paths"]
    assert "CheckOut" in json.dumps(schema["/api/v1/fraud/check"])


def test_the_bench_endpoints_are_not_there_unless_switched_on(
    client: Client, settings: Any
) -> None:
    """`make bench BENCH_ARGS=fraud`'s baseline and its wait for the keys answer 404 in a
    deployment (TOANDAN_BENCH_ENDPOINTS off)."""
    settings.TOANDAN_BENCH_ENDPOINTS = False
    assert client.get("/api/v1/fraud/bench/bare", {"q": "x"}).status_code == 404
    assert client.get("/api/v1/fraud/bench/known").status_code == 404
    settings.TOANDAN_BENCH_ENDPOINTS = True
    assert client.get("/api/v1/fraud/bench/bare", {"q": "x"}).json() == {"items": []}
    known = client.get("/api/v1/fraud/bench/known").json()
    assert known["ready"] is True  # a small table is read at once, in the request


@pytest.mark.parametrize(
    "entries",
    [
        [("0" * 59, "no_information", ""), ("a" * 59, "verified", "police")],
        # Nothing stored holds such values; were one ever there, the answer is still JSON.
        [('ab"c\\d', "verified", "police"), ("e" * 59, "under_verification", "imp\u00f3rted")],
    ],
)
def test_the_range_answer_is_the_json_of_its_entries(
    client: Client, monkeypatch: pytest.MonkeyPatch, entries: list[tuple[str, str, str]]
) -> None:
    """The range writes its answer without json.dumps when every value is plain (hex suffixes,
    fixed verdicts and sources); the answer is the same JSON either way."""
    from toandan.antifraud import selectors

    listed = [selectors.RangeEntry(*entry) for entry in entries]
    monkeypatch.setattr(selectors, "range_lookup", lambda prefix, version=None: listed)
    body = client.get("/api/v1/fraud/range/abcde").json()
    assert body["prefix"] == "abcde"
    assert body["entries"] == [{"suffix": s, "verdict": v, "source": src} for s, v, src in entries]
