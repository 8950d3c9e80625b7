"""The tips JSON API under /api/v1/tips/: intake, follow-up, replies, staff-issued receipts."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from django.test import Client

from toandan.accounts.tests.factories import make_user
from toandan.audit.models import AuditEvent
from toandan.geo.models import AdminUnit
from toandan.tips.models import Category, CategoryGroup, Channel, ReceiptKind, Tip
from toandan.tips.services import TipInput, tip_message_to_tipster, tip_submit_by_staff

pytestmark = pytest.mark.django_db

API = "/api/v1/tips"
HANOI, HOAN_KIEM = "01", "00070"  # Thành phố Hà Nội, Phường Hoàn Kiếm
BEN_THANH = "26743"  # Phường Bến Thành, Thành phố Hồ Chí Minh
RECEIPT_SHAPE = re.compile(r"^\d{4}( \d{4}){4}$")
DESCRIPTION = "Tối nào cũng có nhóm người mua bán ma túy ở cuối ngõ 12 phố Hàng Bạc."
PHONE = "0912 345 678"


@pytest.fixture
def theft(db) -> Category:
    # Keys, receipt hashing cost and the cache are set up by tips/tests/conftest.py.
    return Category.objects.get(code="theft")


def tip_body(of: Category, /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": of.code,
        "description": DESCRIPTION,
        "province": HANOI,
        "commune": HOAN_KIEM,
        "address": "Cuối ngõ 12 phố Hàng Bạc",
        "occurred_text": "tối thứ Bảy tuần trước",
        "contact": {"name": "Nguyễn Thị Lan", "phone": PHONE, "email": ""},
    }
    body.update(changes)
    return body


def post(client: Client, path: str, body: dict[str, Any]):
    return client.post(f"{API}{path}", body, content_type="application/json")


def send_tip(client: Client, of: Category, /, **changes: Any) -> dict[str, Any]:
    response = post(client, "", tip_body(of, **changes))
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def error_fields(response) -> set[str]:
    assert response.status_code == 422, response.content
    return {"/".join(str(part) for part in error["loc"][2:]) for error in response.json()["detail"]}


# --- Intake ---------------------------------------------------------------------------------------


def test_tip_sent_through_the_api_answers_reference_receipt_and_unit_only(client, theft):
    response = post(client, "", tip_body(theft))

    assert response.status_code == 201
    body = response.json()
    # The register number would tell anyone how many tips a unit received.
    assert set(body) == {"reference", "receipt", "receiving_unit"}
    assert RECEIPT_SHAPE.match(body["receipt"])
    assert body["receiving_unit"] == "Công an phường Hoàn Kiếm"
    assert response["Cache-Control"] == "no-store"
    tip = Tip.objects.get(reference=body["reference"])
    assert tip.channel == Channel.API
    assert tip.commune is not None
    assert (tip.province.code, tip.commune.code) == (HANOI, HOAN_KIEM)
    assert tip.has_contact
    assert tip.register_number not in response.content.decode()


def test_province_and_commune_may_be_given_by_id(client, theft):
    hanoi = AdminUnit.objects.get(generation="current", level="province", code=HANOI)
    hoan_kiem = AdminUnit.objects.get(generation="current", level="commune", code=HOAN_KIEM)

    body = send_tip(client, theft, province=hanoi.pk, commune=hoan_kiem.pk)

    assert Tip.objects.get(reference=body["reference"]).commune == hoan_kiem


def test_unknown_commune_goes_to_the_province_police(client, theft):
    body = send_tip(client, theft, commune=None, commune_unknown=True)

    tip = Tip.objects.get(reference=body["reference"])
    assert tip.commune is None
    assert body["receiving_unit"] == "Công an thành phố Hà Nội"


def test_missing_required_fields_are_422_per_field(client):
    response = post(client, "", {"contact": {"phone": PHONE}})

    assert {"category", "description", "province"} <= error_fields(response)


def test_unknown_category_is_422_on_category(client, theft):
    response = post(client, "", tip_body(theft, category="no-such-thing"))

    assert error_fields(response) == {"category"}
    assert "no-such-thing" in response.json()["detail"][0]["msg"]
    assert not Tip.objects.exists()


def test_inactive_category_is_refused_like_an_unknown_one(client, theft):
    Category.objects.filter(pk=theft.pk).update(active=False)

    assert error_fields(post(client, "", tip_body(theft))) == {"category"}


def test_commune_of_another_province_is_422_on_commune(client, theft):
    response = post(client, "", tip_body(theft, commune=BEN_THANH))

    assert error_fields(response) == {"commune"}
    assert "Bến Thành" in response.json()["detail"][0]["msg"]
    assert not Tip.objects.exists()


def test_legacy_province_code_is_refused(client, theft):
    # "02" was Hà Giang, merged into Tuyên Quang on 01/07/2025.
    response = post(client, "", tip_body(theft, province="02", commune=None, commune_unknown=True))

    assert error_fields(response) == {"province"}


def test_no_commune_and_not_unknown_is_422_on_commune(client, theft):
    assert error_fields(post(client, "", tip_body(theft, commune=None))) == {"commune"}


def test_every_problem_is_reported_at_once(client, theft):
    response = post(
        client, "", tip_body(theft, category="nope", commune="99999", union_branch="PN-XX")
    )

    assert error_fields(response) == {"category", "commune", "union_branch"}


def test_fight_needs_the_victims_request_art_155(client):
    fight = Category.objects.get(code="fight-injury")

    refused = post(client, "", tip_body(fight))
    sent = send_tip(client, fight, victim_request="no")

    assert error_fields(refused) == {"victim_request"}
    assert Tip.objects.get(reference=sent["reference"]).victim_request == "no"


def test_service_rules_come_back_as_422_on_the_field(client, theft, settings):
    settings.TOANDAN_TIP_MAX_TEXT_CHARS = 20

    response = post(client, "", tip_body(theft))

    assert "description" in error_fields(response)
    assert not Tip.objects.exists()


def test_attachment_that_is_not_base64_is_422(client, theft):
    attachment = {"name": "anh.jpg", "data_base64": "không phải base64!"}

    response = post(client, "", tip_body(theft, attachments=[attachment]))

    assert error_fields(response) == {"attachments"}
    assert "anh.jpg" in response.json()["detail"][0]["msg"]


def test_attachment_over_the_size_cap_is_refused_before_decoding(client, theft, settings):
    settings.TOANDAN_TIP_MAX_ATTACHMENT_BYTES = 1000
    data = base64.b64encode(b"\xff" * 5000).decode()

    response = post(
        client, "", tip_body(theft, attachments=[{"name": "to.pdf", "data_base64": data}])
    )

    assert error_fields(response) == {"attachments"}
    assert "to.pdf" in response.json()["detail"][0]["msg"]


def test_file_whose_content_is_not_an_accepted_type_is_refused(client, theft):
    # A program renamed to .jpg: types are checked by content, not by name.
    data = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 200).decode()

    response = post(
        client, "", tip_body(theft, attachments=[{"name": "anh.jpg", "data_base64": data}])
    )

    assert "attachments" in error_fields(response)


def test_photo_sent_as_base64_is_kept_without_its_gps_position(client, theft):
    from toandan.media.tests import samples as media

    photo = {
        "name": "hien-truong.jpg",
        "data_base64": base64.b64encode(media.jpeg_with_gps()).decode(),
    }

    body = send_tip(client, theft, attachments=[photo])

    (attachment,) = Tip.objects.get(reference=body["reference"]).attachments.all()
    assert attachment.content_type == "image/jpeg"
    assert attachment.metadata_removed
    assert not attachment.kept_location


def test_flooding_tips_from_one_client_is_rate_limited(client, theft, settings):
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 2
    client.get(f"{API}/categories")  # an app keeps the device cookie it is given
    send_tip(client, theft)
    send_tip(client, theft)

    response = post(client, "", tip_body(theft))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "rate_limited"
    assert Tip.objects.count() == 2


# --- Follow-up ------------------------------------------------------------------------------------


def test_follow_up_with_the_receipt_shows_status_and_no_messages_yet(client, theft):
    sent = send_tip(client, theft)

    response = post(client, "/follow-up", {"receipt": sent["receipt"]})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["reference"] == sent["reference"]
    assert body["status"] == "received"
    assert body["status_text"]
    assert body["messages"] == []
    assert body["result"] is None


def test_follow_up_accepts_the_receipt_typed_without_spaces(client, theft):
    sent = send_tip(client, theft)

    response = post(client, "/follow-up", {"receipt": sent["receipt"].replace(" ", "")})

    assert response.status_code == 200


def _wrong(receipt: str) -> str:
    last = receipt[-1]
    return receipt[:-1] + ("0" if last != "0" else "1")


def test_receipt_guessing_unknown_and_wrong_receipts_get_the_same_answer(client, theft):
    sent = send_tip(client, theft)
    unknown = "0000 1111 2222 3333 4444"

    answers = [
        post(client, "/follow-up", {"receipt": receipt})
        for receipt in (unknown, _wrong(sent["receipt"]), "not a receipt")
    ]

    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["code"] == "receipt_rejected"


def test_receipt_guessing_is_throttled_after_repeated_failures(client, theft, settings):
    settings.TOANDAN_RECEIPT_FREE_ATTEMPTS = 3
    sent = send_tip(client, theft)

    statuses = [
        post(client, "/follow-up", {"receipt": f"9999 9999 9999 9999 999{i}"}).status_code
        for i in range(5)
    ]
    # Even the right receipt must wait now: otherwise the 429 would not slow a guesser down.
    throttled = post(client, "/follow-up", {"receipt": sent["receipt"]})

    # The failure that uses up the free attempts already answers "wait".
    assert statuses == [404, 404, 429, 429, 429]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) >= 1
    assert throttled.json()["code"] == "throttled"
    assert sent["reference"] not in throttled.content.decode()


def test_reply_appears_in_the_follow_up_after_the_officers_question(client, theft):
    sent = send_tip(client, theft)
    tip = Tip.objects.get(reference=sent["reference"])
    officer = make_user("ca.hoankiem.api", "police_officer", "CA-01-00070")
    tip_message_to_tipster(actor=officer, tip=tip, body="Người đó đi xe gì?")

    replied = post(client, "/reply", {"receipt": sent["receipt"], "body": "Xe máy Wave màu đỏ."})
    followed = post(client, "/follow-up", {"receipt": sent["receipt"]})

    assert replied.status_code == 201
    messages = followed.json()["messages"]
    assert [(m["direction"], m["body"]) for m in messages] == [
        ("to_tipster", "Người đó đi xe gì?"),
        ("from_tipster", "Xe máy Wave màu đỏ."),
    ]
    assert replied.json()["messages"] == messages


def test_reply_with_an_attachment_lists_its_name_in_the_follow_up(client, theft):
    from toandan.media.tests import samples as media

    sent = send_tip(client, theft)
    photo = {"name": "bien-so.jpg", "data_base64": base64.b64encode(media.jpeg_with_gps()).decode()}

    replied = post(
        client,
        "/reply",
        {"receipt": sent["receipt"], "body": "Ảnh biển số xe.", "attachments": [photo]},
    )

    assert replied.status_code == 201, replied.content
    (message,) = replied.json()["messages"]
    assert (message["direction"], message["attachments"]) == ("from_tipster", ["bien-so.jpg"])


def test_reply_with_a_wrong_receipt_is_refused_like_the_follow_up(client, theft):
    sent = send_tip(client, theft)

    response = post(client, "/reply", {"receipt": _wrong(sent["receipt"]), "body": "Tôi đây."})

    assert response.status_code == 404
    assert response.json()["code"] == "receipt_rejected"


def test_empty_reply_is_422(client, theft):
    sent = send_tip(client, theft)

    response = post(client, "/reply", {"receipt": sent["receipt"], "body": ""})

    assert response.status_code == 422


# --- Staff-issued receipts -----------------------------------------------------------------------


def _staff_tip(theft: Category) -> tuple[Tip, str]:
    officer = make_user("ca.hoankiem.phone", "police_officer", "CA-01-00070")
    submitted = tip_submit_by_staff(
        actor=officer,
        data=TipInput(
            category=theft,
            description="Người dân gọi điện báo mất xe máy trước chợ.",
            province=AdminUnit.objects.get(generation="current", level="province", code=HANOI),
            commune=AdminUnit.objects.get(generation="current", level="commune", code=HOAN_KIEM),
        ),
        channel=Channel.PHONE,
    )
    return submitted.tip, submitted.receipt


def test_staff_issued_receipt_must_be_replaced_before_it_opens_anything(client, theft):
    _tip, handed_over = _staff_tip(theft)

    followed = post(client, "/follow-up", {"receipt": handed_over})
    replied = post(client, "/reply", {"receipt": handed_over, "body": "Tôi là người gọi."})

    for response in (followed, replied):
        assert response.status_code == 409
        assert response.json()["code"] == "replace_receipt_required"
        assert "Người dân gọi điện" not in response.content.decode()


def test_staff_issued_receipt_is_replaced_once_and_then_stops_working(client, theft):
    tip, handed_over = _staff_tip(theft)

    replaced = post(client, "/receipt/replace", {"receipt": handed_over})

    assert replaced.status_code == 200
    own = replaced.json()["receipt"]
    assert replaced.json()["reference"] == tip.reference
    assert RECEIPT_SHAPE.match(own)
    assert own != handed_over
    tip.refresh_from_db()
    assert tip.receipt_kind == ReceiptKind.CITIZEN
    # The officer's receipt opens nothing any more; the tipster's own works.
    assert post(client, "/follow-up", {"receipt": handed_over}).status_code == 404
    assert post(client, "/follow-up", {"receipt": own}).status_code == 200
    again = post(client, "/receipt/replace", {"receipt": own})
    assert again.status_code == 409
    assert again.json()["code"] == "receipt_not_replaceable"


# --- Categories, documentation, the benchmark baseline --------------------------------------------


def test_categories_list_the_active_ones_with_their_victim_request_flag(client, theft):
    Category.objects.create(
        code="test-fight",
        group=CategoryGroup.VIOLENCE,
        name_vi="Đánh nhau gây thương tích (thử)",
        name_en="Fight (test)",
        asks_victim_request=True,
    )

    response = client.get(f"{API}/categories")

    assert response.status_code == 200
    by_code = {item["code"]: item for item in response.json()}
    assert by_code["theft"]["asks_victim_request"] is False
    assert by_code["test-fight"]["asks_victim_request"] is True
    assert by_code["test-fight"]["name"] == "Đánh nhau gây thương tích (thử)"


def test_openapi_documents_the_tip_operations_with_examples(client):
    schema = client.get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    for path in ("/api/v1/tips", "/api/v1/tips/follow-up", "/api/v1/tips/reply"):
        assert "post" in paths[path], path
    assert "/api/v1/tips/receipt/replace" in paths
    assert "/api/v1/bench/minimal" not in paths
    created = schema["components"]["schemas"]["TipCreatedOut"]
    assert "register_number" not in created["properties"]
    assert created["properties"]["receipt"]["examples"]
    assert client.get("/api/v1/docs").status_code == 200


def test_bench_endpoint_is_not_there_unless_switched_on(client, settings):
    body = {"category": "x", "description": "thử", "province": "01"}
    settings.TOANDAN_BENCH_ENDPOINTS = False
    assert (
        client.post("/api/v1/bench/minimal", body, content_type="application/json").status_code
        == 404
    )

    settings.TOANDAN_BENCH_ENDPOINTS = True
    response = client.post("/api/v1/bench/minimal", body, content_type="application/json")

    assert response.status_code == 201
    # Written as the intake writes its event (joined, the id not read back).
    assert AuditEvent.objects.filter(action="bench.minimal", object_id="x").count() == 1
    assert (
        client.post("/api/v1/bench/minimal", {}, content_type="application/json").status_code == 422
    )


@pytest.mark.django_db
def test_a_json_tip_over_the_in_memory_limit_gets_a_json_413(client, settings):
    """Under the request cap, but over what Django holds in memory for a JSON body."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"description": "x" * (2 * 1024 * 1024)})

    response = client.post("/api/v1/tips", body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "MB" in response.json()["detail"]


# --- Limits for many people at one address, replies, and how waits are said ----------------------


def test_union_meeting_on_one_wifi_sends_more_tips_than_one_phone_may(theft, settings):
    # Given 15 members at a meeting, on one Wi-Fi (one address), each phone with its cookie
    phones = [Client(REMOTE_ADDR="203.0.113.7") for _ in range(15)]
    for phone in phones:
        phone.get(f"{API}/categories")
    # When each sends a tip (more than the 10 one phone may send in an hour)
    statuses = [post(phone, "", tip_body(theft)).status_code for phone in phones]
    # Then all of them are received
    assert statuses == [201] * 15


def test_an_api_tip_seals_a_keyed_hash_of_its_client_never_the_address(theft):
    """Without a device cookie, what tells an API client apart is its address: the tip seals
    a keyed hash of the day's address key (`toandan.tips.senders`), not the address nor the
    key itself, and the same client gets the same one (the same sender for anti-fraud)."""
    from toandan.core import ratelimit
    from toandan.tips import crypto
    from toandan.tips.selectors import tip_data_key
    from toandan.tips.senders import SENDERS_FIELD, reporter_keys

    def sealed(reference: str) -> list[str]:
        tip = Tip.objects.get(reference=reference)
        content = crypto.open_json(
            tip_data_key(tip), tip.content, crypto.aad(tip.reference, "content")
        )
        return list(content.get(SENDERS_FIELD, []))

    phone = Client(REMOTE_ADDR="203.0.113.7")
    first = send_tip(phone, theft, contact=None)
    again = send_tip(Client(REMOTE_ADDR="203.0.113.7"), theft, contact=None)
    other = send_tip(Client(REMOTE_ADDR="203.0.113.8"), theft, contact=None)

    (key,) = sealed(first["reference"])
    assert sealed(again["reference"]) == [key]
    assert sealed(other["reference"]) != [key]
    request = phone.get(f"{API}/categories").wsgi_request
    assert ratelimit.client_key(request) not in key
    assert "203.0.113.7" not in key
    tip = Tip.objects.get(reference=first["reference"])
    assert reporter_keys(tip, "antifraud") == reporter_keys(
        Tip.objects.get(reference=again["reference"]), "antifraud"
    )


def test_rate_limit_message_gives_minutes_not_thousands_of_seconds(
    client, theft, settings, monkeypatch
):
    from toandan.core import ratelimit

    monkeypatch.setattr(ratelimit, "_now", lambda: 3600 * 500_000.0 + 2551)  # 1049 s left
    settings.TOANDAN_TIP_RATE_PER_CLIENT_HOUR = 1
    client.get(f"{API}/categories")
    send_tip(client, theft)

    refused = post(client, "", tip_body(theft))

    assert refused.status_code == 429
    assert refused["Retry-After"] == "1049"
    assert "khoảng 18 phút" in refused.json()["detail"]
    assert "1049" not in refused.json()["detail"]


def test_reply_flood_is_rate_limited(client, theft, settings):
    settings.TOANDAN_REPLY_RATE_PER_TIP_HOUR = 2
    sent = send_tip(client, theft)

    statuses = [
        post(client, "/reply", {"receipt": sent["receipt"], "body": f"Câu trả lời {n}"}).status_code
        for n in range(3)
    ]

    assert statuses == [201, 201, 429]
    refused = post(client, "/reply", {"receipt": sent["receipt"], "body": "Nữa"})
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) > 0
    tip = Tip.objects.get(reference=sent["reference"])
    assert tip.messages.count() == 2


# --- Heavy photos ----------------------------------------------------------------------------


def _png_attachment(name: str, width: int, height: int) -> dict[str, str]:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height)).save(out, "PNG")
    return {"name": name, "data_base64": base64.b64encode(out.getvalue()).decode()}


def test_attack_tip_with_five_heavy_pngs_is_refused_before_decoding(client, theft, settings):
    # Five PNGs that decode to far more than they weigh (the 9400 x 9400 ones, scaled down)
    settings.TOANDAN_IMAGE_MAX_PIXELS = 1_000_000
    settings.TOANDAN_REQUEST_MAX_IMAGE_PIXELS = 3_000_000
    photos = [_png_attachment(f"{n}.png", 1000, 900) for n in range(5)]

    response = post(client, "", tip_body(theft, attachments=photos))

    assert response.status_code == 422
    assert "megapixel" in str(response.json()["detail"])
    assert Tip.objects.count() == 0


def test_tip_sent_while_every_cleaner_is_busy_gets_503_and_a_retry(client, theft, settings):
    from toandan.media import files

    settings.TOANDAN_FILE_CLEANERS = 1
    slots = files._current_slots()
    for _ in range(2):  # the cleaner at work and the one seat of the waiting room
        assert slots.admitted.acquire(blocking=False)
    try:
        response = post(client, "", tip_body(theft, attachments=[_png_attachment("a.png", 20, 20)]))
    finally:
        slots.admitted.release()
        slots.admitted.release()

    assert response.status_code == 503
    assert response.json()["code"] == "busy"
    assert int(response["Retry-After"]) > 0
    assert Tip.objects.count() == 0


# --- Control characters ---------------------------------------------------------------------------


def test_control_characters_in_a_tip_sent_by_the_api_do_not_break_its_intake_record(client, theft):
    from toandan.accounts.tests.factories import logged_in
    from toandan.tips.tests.intake.test_documents import docx_text

    body = send_tip(
        client,
        theft,
        description="Nhóm người\x0b bán ma túy\x1b[0m ở cuối\x00 ngõ 12.",
        address="Cuối ngõ\x00 12",
        contact={"name": "Nguyễn\x07 Thị Lan", "phone": PHONE, "email": ""},
    )
    officer = logged_in(make_user("ca.bienban.api", "police_officer", "CA-01-00070"))

    docx = officer.get(f"/tips/{body['reference']}/intake-record.docx")

    assert docx.status_code == 200
    text = docx_text(docx.content)
    assert "Nhóm người bán ma túy[0m ở cuối ngõ 12." in text
    assert "Cuối ngõ 12" in text


# --- Documented examples and limits ---------------------------------------------------------------


def openapi_operation(client: Client, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = client.get("/api/v1/openapi.json").json()["paths"][path]["post"]
    return operation


def body_schema(client: Client, path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The operation's request body schema, and the schemas its $refs point into."""
    openapi = client.get("/api/v1/openapi.json").json()
    content = openapi["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    components = openapi["components"]["schemas"]
    return components[content["schema"]["$ref"].rsplit("/", 1)[1]], components


def example_from_fields(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """The body the docs page builds from the fields' own examples, as Swagger UI does when
    an operation has no whole example."""
    if "$ref" in schema:
        return example_from_fields(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "examples" in schema:
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if "anyOf" in schema:
        return example_from_fields(schema["anyOf"][0], components)
    if schema.get("type") == "array":
        return [example_from_fields(schema["items"], components)]
    if schema.get("type") == "object" or "properties" in schema:
        return {
            name: example_from_fields(field, components)
            for name, field in schema["properties"].items()
        }
    raise AssertionError(f"no example for {schema}")


def test_each_documented_example_of_sending_a_tip_is_accepted(client, theft):
    content = openapi_operation(client, API)["requestBody"]["content"]["application/json"]
    examples = content["examples"]

    assert len(examples) >= 2
    for name, example in examples.items():
        response = post(client, "", example["value"])
        assert response.status_code == 201, (name, response.content)


def test_the_tip_example_built_from_field_examples_is_accepted(client, theft):
    schema, components = body_schema(client, API)

    response = post(client, "", example_from_fields(schema, components))

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("path", ["/follow-up", "/reply", "/receipt/replace"])
def test_the_documented_receipt_examples_are_well_formed(client, path):
    schema, components = body_schema(client, f"{API}{path}")

    response = post(client, path, example_from_fields(schema, components))

    # The example receipt opens no tip, but nothing in the example is malformed.
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "receipt_rejected"


def test_the_api_documents_the_limits_of_the_web_form(client, settings):
    from toandan.tips import services

    schema, components = body_schema(client, API)
    fields = schema["properties"]

    assert fields["description"]["maxLength"] == settings.TOANDAN_TIP_MAX_TEXT_CHARS == 10_000
    assert fields["attachments"]["maxItems"] == settings.TOANDAN_TIP_MAX_ATTACHMENTS == 5
    assert fields["address"]["maxLength"] == services.ADDRESS_MAX
    assert fields["occurred_text"]["maxLength"] == services.WHEN_TEXT_MAX
    assert fields["people"]["maxLength"] == fields["vehicles"]["maxLength"] == services.PEOPLE_MAX
    assert components["ContactIn"]["properties"]["name"]["maxLength"] == services.NAME_MAX
    reply, _components = body_schema(client, f"{API}/reply")
    assert reply["properties"]["body"]["maxLength"] == settings.TOANDAN_TIP_MAX_TEXT_CHARS
    assert reply["properties"]["attachments"]["maxItems"] == settings.TOANDAN_TIP_MAX_ATTACHMENTS


def test_more_files_than_the_form_allows_are_refused_before_they_are_decoded(client, theft):
    six = [{"name": f"{n}.jpg", "data_base64": "not base64 at all"} for n in range(6)]

    response = post(client, "", tip_body(theft, attachments=six))

    assert error_fields(response) == {"attachments"}
    assert [error["msg"] for error in response.json()["detail"]] == ["Chỉ gửi tối đa 5 tệp."]
    assert not Tip.objects.exists()


def test_a_description_longer_than_the_form_allows_is_refused(client, theft):
    response = post(client, "", tip_body(theft, description="a" * 10_001))

    assert error_fields(response) == {"description"}
    assert not Tip.objects.exists()
