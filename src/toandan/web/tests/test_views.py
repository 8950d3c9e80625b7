"""The home page, the language switch and the health check, as a visitor's browser sees them."""

from __future__ import annotations

import re

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from toandan.accounts.grants import role_bootstrap
from toandan.accounts.models import Role

pytestmark = pytest.mark.django_db

VI_HEADING = "Nền tảng số của phong trào “Toàn dân bảo vệ an ninh Tổ quốc”"
EN_HEADING = "The digital platform of the movement “All people protect national security”"


def html(response: HttpResponse) -> str:
    return response.content.decode()


def switch_language(client: Client, language: str, next_url: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


# --- Home page ------------------------------------------------------------------------------


def test_home_page_is_vietnamese_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    page = html(response)
    assert '<html lang="vi">' in page
    assert "<title>Trang chủ · toandan</title>" in page
    assert VI_HEADING in page
    assert "Toàn dân bảo vệ an ninh Tổ quốc" in page  # the header's product name
    assert 'href="#main"' in page  # skip link


def test_home_page_writes_dates_and_numbers_the_vietnamese_way(client):
    page = html(client.get("/"))

    assert "Từ ngày 01/07/2025" in page
    assert "3.321 xã, phường, đặc khu" in page


def test_home_page_offers_citizens_the_place_picker_and_staff_the_login(client):
    page = html(client.get("/"))

    assert 'href="/geo/picker/"' in page
    assert 'href="/accounts/login/"' in page


def test_home_page_leads_citizens_to_the_fraud_check_honour_rolls_and_models(client):
    page = client.get("/").content.decode()

    for url, label in [
        ("/fraud/", "Kiểm tra số điện thoại, tài khoản, đường link lừa đảo"),
        ("/fraud/warnings/", "Cảnh báo lừa đảo"),
        ("/awards/", "Biểu dương, khen thưởng"),
        ("/initiatives/catalogue/", "Mô hình điển hình tiên tiến"),
        ("/initiatives/counts/", "Số liệu mô hình phong trào"),
    ]:
        assert f'<a href="{url}">{label}</a>' in page
        assert client.get(url).status_code == 200


def test_home_page_lists_the_roles_a_staff_member_holds(client, make_staff, commune_police):
    client.force_login(make_staff(role=Role.POLICE_OFFICER))

    page = html(client.get("/"))

    with translation.override("vi"):
        role_label = str(Role.POLICE_OFFICER.label)
    assert "Vai trò của bạn" in page
    assert re.search(rf"<strong>{role_label}</strong> — {commune_police.name}", page)
    assert 'href="/accounts/login/"' not in page


def test_home_page_tells_a_staff_member_without_a_role_whom_to_ask(client, make_staff):
    client.force_login(make_staff(role=None))

    page = html(client.get("/"))

    assert "Bạn chưa được giao vai trò nào" in page


def test_home_page_for_staff_costs_the_same_queries_however_many_roles(
    client, make_staff, commune_police, django_assert_max_num_queries
):
    user = make_staff()
    client.force_login(user)
    # Session, user, role assignments with their units, the menu's roles (once, cached on the
    # user), the session's last-activity update (savepoint, update, release), the two counts
    # of the geography card and the unread notifications count of the menu.
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200

    for role in (Role.POLICE_LEADER, Role.ANALYST, Role.REVIEWER):
        role_bootstrap(user=user, role=role, org_unit=commune_police, reason="test")

    with django_assert_max_num_queries(10):
        page = html(client.get("/"))
    assert page.count("<li><strong>") == 4


def test_home_page_is_read_only(client):
    assert client.post("/").status_code == 405


# --- Language switch ------------------------------------------------------------------------


def test_switch_to_english_and_back(client):
    response = switch_language(client, "en")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.cookies["django_language"].value == "en"
    page = html(client.get("/"))
    assert '<html lang="en">' in page
    assert EN_HEADING in page
    assert "Since 01/07/2025" in page
    assert "3,321 communes" in page

    switch_language(client, "vi")

    assert VI_HEADING in html(client.get("/"))


def test_switch_returns_to_the_page_the_reader_was_on(client):
    response = switch_language(client, "en", next_url="/geo/picker/?province_q=ha+noi")

    assert response.headers["Location"] == "/geo/picker/?province_q=ha+noi"


def test_open_redirect_through_the_language_switch_is_refused(client):
    response = switch_language(client, "en", next_url="https://evil.example/phish")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_ignores_a_language_we_do_not_offer(client):
    switch_language(client, "fr")

    page = html(client.get("/"))
    assert '<html lang="vi">' in page
    assert VI_HEADING in page


def test_csrf_language_switch_from_another_site_is_refused():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 403
    assert "django_language" not in client.cookies


def test_language_switch_form_is_on_every_page_and_works_without_javascript(client):
    page = html(client.get("/"))

    form = re.search(
        r'<form class="lang-switch" method="post" action="/i18n/setlang/".*?</form>', page, re.S
    )
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert '<input type="hidden" name="next" value="/">' in form.group(0)
    assert 'name="language" value="en" lang="en"' in form.group(0)
    assert "<script" not in page


# --- Error pages ----------------------------------------------------------------------------


def test_unknown_address_shows_the_vietnamese_404_page(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    page = html(response)
    assert "Không tìm thấy trang" in page
    assert '<html lang="vi">' in page


def test_page_beyond_the_users_roles_shows_the_403_page(client, make_staff):
    client.force_login(make_staff(role=None))

    response = client.get("/orgs/")

    assert response.status_code == 403
    assert "Không có quyền truy cập" in html(response)


def test_server_error_page_renders_without_a_request_or_database():
    # Django renders 500.html with an empty context when something broke: it must not need
    # the menu, the user or the database.
    from django.template import loader

    with translation.override("vi"):
        page = loader.get_template("500.html").render({})

    assert "Lỗi máy chủ" in page
    assert '<html lang="vi">' in page


# --- Health check ---------------------------------------------------------------------------


def test_healthz_reports_the_database_is_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


def test_healthz_reports_a_database_failure_without_details(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            msg = "could not connect to server: secret-host:5432"
            raise OperationalError(msg)

    monkeypatch.setattr("toandan.web.views.connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert b"secret-host" not in response.content


# --- Static files ---------------------------------------------------------------------------


def test_the_stylesheet_is_served_from_our_own_origin(client):
    page = html(client.get("/"))
    assert '<link rel="stylesheet" href="/static/css/app.css">' in page

    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")
