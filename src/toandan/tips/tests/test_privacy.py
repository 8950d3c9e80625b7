"""Protecting the tipster, proven on the stored data.

- An anonymous tip leaves no IP address and no user agent in any table or any log line, sent
  through the web form, the JSON API, and the production server (waitress).
- The GPS position of a real JPEG is gone from the stored attachment (or kept alone, when the
  tipster asks), and the camera serial is gone either way.
- A dump of the whole database holds neither the tip's text nor the contact details in plain
  text, and the attachment files on disk do not hold a document's text.
- The receipt appears nowhere in the database.

Each check reads everything there is: every table found by introspection (on PostgreSQL also
the `COPY ... TO STDOUT` text a `pg_dump` would write, on SQLite the `iterdump()` SQL), the
bytes of binary columns, and every record of every logger at DEBUG.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image
from PIL.ExifTags import IFD

from toandan.geo.models import AdminUnit, Generation, Level
from toandan.media.tests import samples as media
from toandan.tips.models import Tip, TipAttachment
from toandan.tips.selectors import attachment_read

IP = "203.0.113.77"
FORWARDED_IP = "198.51.100.23"
USER_AGENT = "Nokia105-Test/1.0"
DESCRIPTION = "Ổ nhóm bán ma túy ở nhà trọ Hoa Sen phòng 7, chủ trọ tên Bảy Mập, mã 4f1c-đặc-biệt."
CONTACT_NAME = "Lê Thị Người Báo"
CONTACT_PHONE = "0987 654 321"
CONTACT_EMAIL = "nguoi.bao.tin.7d2@example.vn"
# The forms a phone number may be stored in once normalised.
PHONE_FORMS = ("0987 654 321", "0987654321", "+84987654321", "84987654321", "987654321")


# --- Reading everything -----------------------------------------------------------------------


@dataclass
class Dump:
    text: str  # every value as text, plus the SQL/COPY dump
    binary: bytes  # every bytes value, raw

    def contains(self, needle: str) -> bool:
        encoded = needle.encode()
        return (
            needle in self.text
            or needle.lower() in self.text.lower()
            or encoded in self.binary
            or encoded.hex() in self.text.lower()
            or needle.encode("utf-16-le") in self.binary
            or base64.b64encode(encoded).decode() in self.text
        )


def _as_text_and_bytes(value: Any) -> tuple[str, bytes]:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return "", bytes(value)
    return f"{value}\t", b""


def database_dump() -> Dump:
    """Every row of every table, as the ORM's connection sees it, plus the engine's own
    dump format (COPY TO STDOUT on PostgreSQL, iterdump on SQLite)."""
    texts: list[str] = []
    blobs: list[bytes] = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        assert "tips_tip" in tables
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    text, blob = _as_text_and_bytes(value)
                    texts.append(text)
                    blobs.append(blob)
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            for table in tables:
                quoted = connection.ops.quote_name(table)
                with raw.copy(f"COPY {quoted} TO STDOUT") as copy:
                    texts.extend(bytes(chunk).decode("utf-8", "replace") for chunk in copy)
    if connection.vendor == "sqlite":
        texts.extend(connection.connection.iterdump())
    return Dump(text="\n".join(texts), binary=b"\n".join(blobs))


def attachment_files() -> list[bytes]:
    root = Path(settings.TOANDAN_ATTACHMENTS_DIR)
    return [path.read_bytes() for path in root.rglob("*") if path.is_file()]


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot format is still searched
            line = f"{record.msg!r} {record.args!r}"
        self.lines.append(f"{record.name} {line} {record.__dict__!r}")


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[_ListHandler]:
    """Every log record of every logger at DEBUG, including loggers that do not propagate
    (django.server, django.request) and the SQL of every query."""
    handler = _ListHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    caplog.set_level(logging.DEBUG)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.addHandler(handler)
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        yield handler
    finally:
        connection.force_debug_cursor = forced
        for logger, level, disabled in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.disabled = disabled


def assert_nowhere(needles: list[str], dump: Dump, logs: list[str]) -> None:
    for needle in needles:
        assert not dump.contains(needle), f"{needle!r} found in the database"
        for line in logs:
            assert needle not in line, f"{needle!r} found in a log line: {line[:300]}"


# --- Sending tips as a citizen does --------------------------------------------------------------


def _place(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=level, code=code)


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "drug-trafficking",
        "description": DESCRIPTION,
        "province": str(_place(Level.PROVINCE, "01").pk),
        "commune": str(_place(Level.COMMUNE, "00070").pk),
        "address": "Cuối ngõ 12 phố Hàng Bạc",
        "occurred_on": "2026-01-10",
        "send": "1",
    }
    data.update(overrides)
    return data


def api_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "drug-trafficking",
        "description": DESCRIPTION,
        "province": "01",
        "commune": "00070",
        "address": "Cuối ngõ 12 phố Hàng Bạc",
    }
    body.update(overrides)
    return body


CITIZEN: dict[str, Any] = {
    "REMOTE_ADDR": IP,
    "HTTP_USER_AGENT": USER_AGENT,
    "HTTP_X_FORWARDED_FOR": FORWARDED_IP,
}


def send_by_form(client: Client, **overrides: Any) -> str:
    """Send the form, then read the receipt off the one-time page as the citizen does."""
    response = client.post(reverse("tips:new"), form_data(**overrides), **CITIZEN)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"], **CITIZEN).content.decode()
    import re

    groups = re.findall(r'<span class="receipt-group">(\d{4})</span>', page)
    assert groups, "no receipt shown"
    return " ".join(groups)


def send_by_api(client: Client, **overrides: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/tips", api_body(**overrides), content_type="application/json", **CITIZEN
    )
    assert response.status_code == 201, response.content.decode()[:2000]
    return dict(response.json())


def receipt_forms(receipt: str) -> list[str]:
    digits = "".join(ch for ch in receipt if ch.isdigit())
    return [receipt, digits, "-".join(receipt.split())]


# --- (a) No IP address or user agent, anywhere --------------------------------------------------


@pytest.mark.django_db
def test_anonymous_tip_by_web_form_leaves_no_ip_or_user_agent_in_any_table_or_log(
    client: Client, all_logs: _ListHandler
):
    receipt = send_by_form(client)
    client.post(reverse("tips:receipt"), {"written_down": "on"}, **CITIZEN)
    # Following the tip up is part of the citizen's visit too.
    client.post(reverse("tips:followup"), {"action": "open", "receipt": receipt}, **CITIZEN)

    assert Tip.objects.count() == 1
    assert all_logs.lines, "the log capture saw nothing: it would prove nothing"
    assert_nowhere([IP, FORWARDED_IP, USER_AGENT, "Nokia105"], database_dump(), all_logs.lines)


@pytest.mark.django_db
def test_anonymous_tip_by_json_api_leaves_no_ip_or_user_agent_in_any_table_or_log(
    client: Client, all_logs: _ListHandler
):
    created = send_by_api(client)
    client.post(
        "/api/v1/tips/follow-up",
        {"receipt": created["receipt"]},
        content_type="application/json",
        **CITIZEN,
    )

    assert Tip.objects.filter(reference=created["reference"]).exists()
    assert_nowhere([IP, FORWARDED_IP, USER_AGENT, "Nokia105"], database_dump(), all_logs.lines)


@pytest.mark.django_db
def test_wrong_receipts_leave_no_ip_or_user_agent_either(client: Client, all_logs: _ListHandler):
    # Throttling needs to recognise the client: it must do so with a keyed hash only.
    for guess in ("1111 2222 3333 4444 5555", "9999 8888 7777 6666 5555"):
        client.post(reverse("tips:followup"), {"action": "open", "receipt": guess}, **CITIZEN)
        client.post(
            "/api/v1/tips/follow-up",
            {"receipt": guess},
            content_type="application/json",
            **CITIZEN,
        )

    assert_nowhere([IP, FORWARDED_IP, USER_AGENT, "Nokia105"], database_dump(), all_logs.lines)


def test_request_logging_is_off_in_the_settings():
    loggers: Any = settings.LOGGING["loggers"]
    # django.server logs one line per request with the client address: silenced.
    assert loggers["django.server"]["handlers"] == []
    assert loggers["django.server"]["level"] == "CRITICAL"
    assert loggers["django.server"]["propagate"] is False
    # django.request logs 4xx warnings with the path; only errors are kept.
    assert loggers["django.request"]["level"] == "ERROR"


@pytest.mark.django_db  # serve first checks the keyring against the database
def test_production_server_runs_without_an_access_log(monkeypatch, settings):
    """`toandan serve` hands waitress the bare WSGI application: no TransLogger or other
    access-log wrapper, and waitress itself writes no access log."""
    import waitress
    from django.core.management import call_command

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append((app, kw)))
    settings.DEBUG = True  # skips collectstatic (and needs no site URL, as `make run`)

    from toandan.wsgi import application

    call_command("serve", stdout=io.StringIO())

    [(app, options)] = calls
    assert app is application
    assert not {"trans_logger", "access_log", "log_untrusted_proxy_headers"} & set(options)


@pytest.fixture
def waitress_url(db: None) -> Iterator[tuple[str, int]]:
    """The production server (waitress) in a thread, serving from this test's database
    connection (as Django's live server does), so what it writes is rolled back after."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connections
    from waitress.server import create_server

    shared = connections["default"]
    handler = WSGIHandler()

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        connections["default"] = shared  # this worker thread uses the test's connection
        return handler(environ, start_response)

    shared.inc_thread_sharing()
    # Closing "old" connections at the end of a request would close the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = create_server(application, host="127.0.0.1", port=0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", int(server.effective_port)
    finally:
        server.close()
        thread.join(timeout=5)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        shared.dec_thread_sharing()


@pytest.mark.django_db
def test_tip_through_the_production_server_leaves_no_client_trace(
    waitress_url: tuple[str, int], all_logs: _ListHandler
):
    host, port = waitress_url
    conn = http.client.HTTPConnection(host, port, timeout=30)
    body = json.dumps(api_body()).encode()
    conn.request(
        "POST",
        "/api/v1/tips",
        body=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Forwarded-For": FORWARDED_IP,
            "X-Real-IP": FORWARDED_IP,
            "Forwarded": f"for={FORWARDED_IP}",
        },
    )
    response = conn.getresponse()
    created = json.loads(response.read())
    conn.close()

    assert response.status == 201, created
    assert Tip.objects.filter(reference=created["reference"]).exists()
    assert_nowhere([FORWARDED_IP, USER_AGENT, "Nokia105"], database_dump(), all_logs.lines)


# --- (b) GPS gone from a real JPEG ----------------------------------------------------------------


def stored_image(tip: Tip) -> tuple[Image.Image, bytes]:
    [attachment] = TipAttachment.objects.filter(tip=tip)
    data = attachment_read(attachment, tip).data
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


@pytest.mark.django_db
def test_gps_position_of_a_real_jpeg_is_gone_from_the_stored_attachment(client: Client):
    original = media.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(IFD.GPSInfo)

    send_by_form(client, attachments=[SimpleUploadedFile("IMG_2026.jpg", original)])

    tip = Tip.objects.get()
    image, data = stored_image(tip)
    exif = image.getexif()
    assert IFD.GPSInfo not in exif
    assert not exif.get_ifd(IFD.GPSInfo)
    assert media.CAMERA_SERIAL.encode() not in data
    assert media.ARTIST.encode() not in data
    attachment = TipAttachment.objects.get(tip=tip)
    assert attachment.metadata_removed is True
    assert attachment.kept_location is False


@pytest.mark.django_db
def test_keep_location_keeps_the_gps_position_but_not_the_camera_serial(client: Client):
    send_by_form(
        client,
        attachments=[SimpleUploadedFile("IMG_2027.jpg", media.jpeg_with_gps())],
        keep_location="on",
    )

    tip = Tip.objects.get()
    image, data = stored_image(tip)
    gps = image.getexif().get_ifd(IFD.GPSInfo)
    assert gps[2] == (21.0, 1.0, 42.6)
    assert gps[4] == (105.0, 51.0, 151.2)
    assert not image.getexif().get_ifd(IFD.Exif)
    assert media.CAMERA_SERIAL.encode() not in data
    assert media.CAMERA_MODEL.encode() not in data
    assert TipAttachment.objects.get(tip=tip).kept_location is True


@pytest.mark.django_db
def test_gps_position_is_gone_from_a_jpeg_sent_through_the_api(client: Client):
    photo = base64.b64encode(media.jpeg_with_gps()).decode()

    created = send_by_api(client, attachments=[{"name": "anh.jpg", "data_base64": photo}])

    image, _data = stored_image(Tip.objects.get(reference=created["reference"]))
    assert not image.getexif().get_ifd(IFD.GPSInfo)


# --- (c) No plaintext in a dump of the database or in the files on disk -------------------------


@pytest.mark.django_db
def test_database_dump_holds_neither_tip_text_nor_contact_details(client: Client):
    send_by_form(
        client,
        contact_name=CONTACT_NAME,
        contact_phone=CONTACT_PHONE,
        contact_email=CONTACT_EMAIL,
        people="Bảy Mập, khoảng 40 tuổi",
        vehicles="Xe Wave biển 29X1-999.99",
    )
    send_by_api(
        client,
        contact={"name": CONTACT_NAME, "phone": CONTACT_PHONE, "email": CONTACT_EMAIL},
    )

    tips = list(Tip.objects.all())
    assert len(tips) == 2
    assert all(tip.has_contact for tip in tips)
    dump = database_dump()
    secrets = [DESCRIPTION, "Hoa Sen phòng 7", "4f1c-đặc-biệt", "Bảy Mập", "29X1-999.99"]
    secrets += [CONTACT_NAME, CONTACT_EMAIL, "nguoi.bao.tin.7d2", *PHONE_FORMS]
    for secret in secrets:
        assert not dump.contains(secret), secret
    # The dump is not empty: the fields kept in clear to route and count tips are there.
    assert all(dump.contains(tip.register_number) for tip in tips)


@pytest.mark.django_db
def test_attachment_files_on_disk_do_not_hold_a_documents_text(client: Client):
    pdf = media.pdf_with_author()
    assert media.PDF_SECRET_TEXT.encode() in pdf  # uncompressed: findable if stored as is

    send_by_form(client, attachments=[SimpleUploadedFile("tai-lieu.pdf", pdf)])

    tip = Tip.objects.get()
    [attachment] = TipAttachment.objects.filter(tip=tip)
    # Decrypted, the text is there (the file was kept, not emptied) ...
    assert media.PDF_SECRET_TEXT.encode() in attachment_read(attachment, tip).data
    # ... but on disk and in the database it is not, nor the original file name.
    files = attachment_files()
    assert files
    for content in files:
        assert media.PDF_SECRET_TEXT.encode() not in content
        assert b"%PDF" not in content
        assert media.AUTHOR.encode() not in content
    dump = database_dump()
    assert not dump.contains(media.PDF_SECRET_TEXT)
    assert not dump.contains("tai-lieu.pdf")


# --- (d) The receipt appears nowhere in the database ---------------------------------------------


@pytest.mark.django_db
def test_receipt_appears_nowhere_in_the_database(client: Client):
    web_receipt = send_by_form(client)
    api_receipt = send_by_api(client)["receipt"]

    dump = database_dump()

    for receipt in (web_receipt, api_receipt):
        for form in receipt_forms(receipt):
            assert not dump.contains(form), form
