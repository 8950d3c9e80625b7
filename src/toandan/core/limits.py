"""Request size cap: a body larger than settings.TOANDAN_MAX_REQUEST_BYTES is refused with 413
before any of it is read.

Django reads at most CONTENT_LENGTH bytes of a body, so the declared length is checked first,
before a view, the CSRF check or the upload handlers touch the body. Waitress (the production
server) takes chunked bodies apart and sets CONTENT_LENGTH, so the same check applies. A server
that hands a chunked body through without a length (`wsgi.input_terminated`) would otherwise
leave Django reading nothing at all; there the input stream is wrapped so that at most the cap
is read, and reading past it ends the request with the same 413.

The refusal is a short page in both languages (the locale middleware has not run yet), or
JSON for the APIs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse

TOO_LARGE_ATTR = "_toandan_body_too_large"


class RequestBodyTooLargeError(SuspiciousOperation):
    """Raised when a body without a declared length grows past the cap while being read."""


class _CappedStream:
    """A file-like reader that refuses to return more than `limit` bytes in total."""

    def __init__(self, stream: IO[bytes], limit: int, request: HttpRequest) -> None:
        self._stream = stream
        self._remaining = limit
        self._request = request

    def _take(self, data: bytes) -> bytes:
        self._remaining -= len(data)
        if self._remaining < 0:
            setattr(self._request, TOO_LARGE_ATTR, True)
            raise RequestBodyTooLargeError("request body too large")
        return data

    def read(self, size: int | None = -1) -> bytes:
        # Ask for one byte more than allowed: getting it proves the body is too large.
        wanted = self._remaining + 1 if size is None or size < 0 else min(size, self._remaining + 1)
        return self._take(self._stream.read(wanted))

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self._remaining + 1 if size is None or size < 0 else min(size, self._remaining + 1)
        return self._take(self._stream.readline(wanted))

    def __iter__(self) -> _CappedStream:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        self._stream.close()


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) or value >= 10 else f"{value:.1f}"


def request_too_large_response(request: HttpRequest, limit: int) -> HttpResponse:
    size = _megabytes(limit)
    vietnamese = f"Dữ liệu gửi lên quá lớn: tối đa {size} MB. Hãy gửi ít tệp hơn hoặc tệp nhỏ hơn."
    english = f"The data sent is too large: at most {size} MB. Send fewer or smaller files."
    if request.path.startswith("/open311/"):
        # The GeoReport v2 error format.
        body: Any = [{"code": 413, "description": f"{vietnamese} / {english}"}]
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=413,
            content_type="application/json; charset=utf-8",
        )
    if request.path.startswith("/api/"):
        return HttpResponse(
            json.dumps({"detail": f"{vietnamese} / {english}"}, ensure_ascii=False),
            status=413,
            content_type="application/json; charset=utf-8",
        )
    page = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>413</title></head><body>"
        f"<h1>Dữ liệu quá lớn</h1><p>{vietnamese}</p>"
        f'<h2 lang="en">Too large</h2><p lang="en">{english}</p>'
        '<p><a href="/">Trang chủ / Home</a></p></body></html>'
    )
    response = HttpResponse(page, status=413, content_type="text/html; charset=utf-8")
    # Answered before the security headers middleware runs: a page with nothing to load.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


class RequestSizeLimitMiddleware:
    """Refuse request bodies above settings.TOANDAN_MAX_REQUEST_BYTES with 413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.TOANDAN_MAX_REQUEST_BYTES)
        declared = request.META.get("CONTENT_LENGTH") or ""
        try:
            length = int(declared) if declared else None
        except ValueError:
            length = None
        if length is not None and length > limit:
            return request_too_large_response(request, limit)
        if length is None and request.META.get("wsgi.input_terminated"):
            # A body without a length that the server ends for us (chunked): read it, capped.
            request._stream = _CappedStream(  # type: ignore[assignment]
                request.META["wsgi.input"], limit, request
            )
        response = self.get_response(request)
        if getattr(request, TOO_LARGE_ATTR, False):
            return request_too_large_response(request, limit)
        return response
