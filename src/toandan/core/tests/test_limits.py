"""Request size cap: oversized bodies are refused with 413 before they are read."""

from __future__ import annotations

import http.client
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from toandan.core.limits import RequestSizeLimitMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(settings) -> int:
    settings.TOANDAN_MAX_REQUEST_BYTES = 10_000
    return 10_000


class _Unreadable(io.RawIOBase):
    """A wsgi.input that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:  # pragma: no cover - reaching it is the failure
        pytest.fail("the body was read")

    def readline(self, size: int | None = -1) -> bytes:  # pragma: no cover
        pytest.fail("the body was read")


def test_middleware_runs_right_after_the_security_middleware():
    position = settings.MIDDLEWARE.index("toandan.core.limits.RequestSizeLimitMiddleware")
    assert settings.MIDDLEWARE[position - 1] == "django.middleware.security.SecurityMiddleware"


def test_oversized_form_post_gets_413_without_its_body_being_read(small_cap):
    environ = RequestFactory().post("/accounts/login/").environ
    environ["CONTENT_LENGTH"] = str(small_cap + 1)
    environ["wsgi.input"] = _Unreadable()
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return None

    body = b"".join(WSGIHandler()(environ, start_response))

    assert statuses == ["413 Request Entity Too Large"]
    assert "quá lớn".encode() in body
    assert b"too large" in body


def test_oversized_upload_through_the_test_client_gets_413(client: Client, small_cap):
    response = client.post(
        "/accounts/login/", {"file": io.BytesIO(b"x" * (small_cap * 2))}, format="multipart"
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    # The refusal is answered before the security headers middleware: it sets its own.
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_body_at_the_cap_goes_through(client: Client, small_cap):
    response = client.post(
        "/accounts/login/",
        "a=" + "x" * (small_cap - 2),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code != 413


def test_api_request_too_large_gets_json_413(client: Client, small_cap):
    response = client.post("/api/v1/tips", "x" * (small_cap + 1), content_type="application/json")

    assert response.status_code == 413
    assert "MB" in response.json()["detail"]


def test_open311_request_too_large_gets_the_georeport_error_format(client: Client, small_cap):
    response = client.post(
        "/open311/v2/requests.json", "x" * (small_cap + 1), content_type="text/plain"
    )

    assert response.status_code == 413
    [error] = response.json()
    assert error["code"] == 413


def _chunked_request(body: bytes) -> WSGIRequest:
    # A server that passes a chunked body through without a length, ended for us.
    environ = RequestFactory().post("/", content_type="application/json").environ
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input_terminated"] = True
    environ["wsgi.input"] = io.BytesIO(body)
    return WSGIRequest(environ)


def _reads_body(request: HttpRequest) -> HttpResponse:
    try:
        return HttpResponse(str(len(request.body)))
    except SuspiciousOperation:  # what Django's handler would turn into a 400
        return HttpResponse(status=400)


def test_chunked_body_without_length_is_read_up_to_the_cap(small_cap):
    request = _chunked_request(b"y" * small_cap)

    response = RequestSizeLimitMiddleware(_reads_body)(request)

    assert response.status_code == 200
    assert response.content == str(small_cap).encode()


def test_chunked_body_without_length_past_the_cap_gets_413(small_cap):
    request = _chunked_request(b"y" * (small_cap + 1))

    response = RequestSizeLimitMiddleware(_reads_body)(request)

    assert response.status_code == 413


@pytest.fixture
def waitress_server() -> Iterator[int]:
    from waitress.server import create_server

    server = create_server(WSGIHandler(), host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        server.close()
        thread.join(timeout=5)


def test_chunked_upload_through_waitress_past_the_cap_gets_413(waitress_server, small_cap):
    # Refused before the session or the database is touched: the server thread needs neither.
    connection = http.client.HTTPConnection("127.0.0.1", waitress_server, timeout=10)
    connection.putrequest("POST", "/accounts/login/")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.endheaders()
    chunk = b"a=" + b"x" * 4094
    for _ in range(4):  # 16 KiB, above the 10 kB cap, with no Content-Length
        connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    connection.send(b"0\r\n\r\n")

    response = connection.getresponse()

    assert response.status == 413
    connection.close()
