"""Security headers, asserted exactly (as GlobaLeaks does): a weakened header fails here."""

from __future__ import annotations

import unicodedata

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, JsonResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

EXPECTED_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.django_db
def test_home_page_sends_the_exact_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    for name, value in EXPECTED_PAGE_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.mark.django_db
def test_clickjacking_home_page_cannot_be_framed(client):
    response = client.get("/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_script_injection_inline_scripts_are_not_allowed(client):
    csp = client.get("/").headers["Content-Security-Policy"]

    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp


@pytest.mark.django_db
def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    for name, value in EXPECTED_PAGE_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.mark.django_db
def test_anonymous_public_page_may_be_cached(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


@pytest.mark.django_db
def test_staff_pages_are_never_kept_in_a_shared_cache(client):
    user = get_user_model().objects.create_user(username="canbo.test", password="x" * 12)
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_vietnamese_first_even_when_the_browser_asks_for_english(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_english_when_chosen_with_the_switch(client: Client) -> None:
    client.cookies["django_language"] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_vietnamese(client: Client) -> None:
    client.cookies["django_language"] = "fr"
    response = client.get("/")
    assert response.headers["Content-Language"] == "vi"


# --- Incoming text -----------------------------------------------------------------------------
# A form and an endpoint written for this test only, in their own URLconf: a new form gets
# clean text without doing anything.


class _NewForm(forms.Form):
    title = forms.CharField(max_length=100)
    body = forms.CharField(widget=forms.Textarea)
    upload = forms.FileField(required=False)


@csrf_exempt
def _new_form_view(request: HttpRequest) -> JsonResponse:
    form = _NewForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    upload = form.cleaned_data["upload"]
    return JsonResponse(
        {
            "title": form.cleaned_data["title"],
            "body": form.cleaned_data["body"],
            "upload": upload.name if upload else None,
            "q": request.GET.get("q"),
        }
    )


urlpatterns = [path("new-form/", _new_form_view)]


@pytest.mark.urls(__name__)
def test_control_characters_in_a_new_form_are_removed_without_the_form_asking(
    client: Client,
) -> None:
    decomposed = unicodedata.normalize("NFD", "Phường Hoàn Kiếm")
    response = client.post(
        "/new-form/?q=ma\x1b t\x00úy",
        {
            "title": "Tiêu\x0b đề\x00",
            "body": f"dòng 1\r\n\x1b[2Jdòng 2\tcột\x85 {decomposed}",
            "upload": SimpleUploadedFile("ảnh\x1b.jpg", b"x", content_type="image/jpeg"),
        },
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "title": "Tiêu đề",
        "body": "dòng 1\n[2Jdòng 2\tcột Phường Hoàn Kiếm",
        "upload": "ảnh.jpg",
        "q": "ma túy",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/staff/tips/AB%00CD",
        "/api/v1/geo/units/1%1B/children",
        "/tips/AB%00CD/intake-record.docx",
    ],
)
def test_nul_or_escape_in_a_path_is_a_400_not_a_server_error(path: str) -> None:
    # PostgreSQL refuses NUL in a query parameter: a path part must never bring one in.
    client = Client(raise_request_exception=False)

    response = client.get(path)

    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["code"] == "control_character_in_path"
