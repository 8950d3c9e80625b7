"""Security headers on every response; incoming text cleaned once for every form."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from toandan.core.text import clean_input_text, has_control_characters

# Pages work without JavaScript; what little script there is comes from our own origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The API docs page (Swagger UI) loads its own inline bootstrap; it is staff-facing only.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline' https:; "
    "script-src 'self' 'unsafe-inline' https:; frame-ancestors 'none'; base-uri 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            response.setdefault("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY)
        elif not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Staff pages may show protected data: never keep them in a shared cache.
            response.setdefault("Cache-Control", "no-store")
        return response


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an officer whose phone
    is set to English would get English pages; the interface is Vietnamese first, and only
    the switch (which sets the language cookie) changes it.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def clean_query_dict(data: QueryDict) -> QueryDict:
    """A copy of a query string or form body with every key and value cleaned, as immutable as
    the original."""
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_input_text(key), [clean_input_text(value) for value in values])
    cleaned._mutable = data._mutable
    return cleaned


class CleanInputTextMiddleware:
    """Every query string and form body reaches views and forms through
    `toandan.core.text.clean_input_text`, so no form can forget it.

    Control characters stored in a tip broke its DOCX intake record for good; text is cleaned
    where it enters, not where it is used. The JSON bodies of the API are cleaned by its
    parser (`toandan.api`).

    The body is still parsed when something first reads request.POST or request.FILES (the
    CSRF check, a view): parsing it here would fix the upload handlers before a view may set
    them, and raise "too large" outside the API's JSON handler.

    A path is not text to clean but an address: one with a control character is refused with
    400 (a NUL in a path part reached PostgreSQL, which answered with a 500). Open311 refuses
    those itself, in the error format of its specification.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.path) and not request.path.startswith("/open311/"):
            return control_character_in_path(request)
        # Immutable as Django made it (clean_query_dict keeps that); the stubs type it apart.
        # A query string Django refuses (too many fields) is left for the view to read: it
        # raises again there, where each API answers in its own error format.
        with contextlib.suppress(SuspiciousOperation):
            request.GET = clean_query_dict(request.GET)  # type: ignore[assignment]
        load_post_and_files = request._load_post_and_files

        def load_and_clean() -> None:
            load_post_and_files()
            post: Any = request._post  # type: ignore[attr-defined]
            request._post = clean_query_dict(post)  # type: ignore[attr-defined]
            files: MultiValueDict[str, Any] = request._files  # type: ignore[attr-defined]
            for _field, uploads in files.lists():
                for upload in uploads:
                    upload.name = clean_input_text(upload.name)

        # Instance attribute: HttpRequest.POST and .FILES call this on first use.
        setattr(request, "_load_post_and_files", load_and_clean)  # noqa: B010
        return self.get_response(request)


def control_character_in_path(request: HttpRequest) -> HttpResponse:
    message = _("The address contains a control character: remove it and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "control_character_in_path"}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
