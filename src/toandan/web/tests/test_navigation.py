"""The menu shows a page only to those its access policy lets in."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation

from toandan.accounts.models import Role
from toandan.web.navigation import nav_links

pytestmark = pytest.mark.django_db


def menu(client) -> list[tuple[str, str]]:
    response = client.get("/")
    assert response.status_code == 200
    return [(link.label, link.url) for link in response.context["nav_links"]]


ANONYMOUS_MENU = [
    ("Trang chủ", "/"),
    ("Gửi tin báo", "/tips/new/"),
    ("Theo dõi tin báo", "/tips/follow-up/"),
    ("Đăng nhập", "/accounts/login/"),
]


def test_anonymous_visitor_sees_home_the_tip_pages_and_login(client):
    assert menu(client) == ANONYMOUS_MENU


def test_police_officer_sees_the_staff_pages(client, make_staff):
    client.force_login(make_staff(role=Role.POLICE_OFFICER))

    assert menu(client) == [
        ("Trang chủ", "/"),
        ("Gửi tin báo", "/tips/new/"),
        ("Theo dõi tin báo", "/tips/follow-up/"),
        ("Tin báo của đơn vị", "/tips/staff/inbox/"),
        ("Tổng quan đơn vị", "/tips/staff/dashboard/"),
        ("Nhập tin báo", "/tips/staff/new/"),
        ("Chống lừa đảo", "/fraud/staff/"),
        ("Mô hình phong trào", "/initiatives/"),
        ("Đơn vị tổ chức", "/orgs/"),
        ("Chọn địa bàn", "/geo/picker/"),
        ("Thông báo", "/notifications/"),
        ("Thống kê", "/stats/"),
        ("Tài khoản của tôi", "/accounts/me/"),
        ("Tài liệu API", "/api/v1/docs"),
    ]


def test_account_without_a_role_sees_only_what_it_may_open(client, make_staff):
    client.force_login(make_staff(role=None))

    # The organisation units need a role; the place picker (public) and the account's own
    # page do not.
    assert [label for label, _ in menu(client)] == [
        "Trang chủ",
        "Gửi tin báo",
        "Theo dõi tin báo",
        "Chọn địa bàn",
        "Tài khoản của tôi",
        "Tài liệu API",
    ]


def test_union_cadre_finds_the_movement_pages(client, settings):
    from toandan.accounts.tests.factories import make_user

    client.force_login(make_user("pn.thu", Role.UNION_CADRE, "PN-01-00070"))

    links = dict(menu(client))

    assert links["Mô hình phong trào"] == "/initiatives/"
    assert links["Thi đua, khen thưởng"] == "/awards/work/"
    assert "Chống lừa đảo" not in links  # the indicators are the police's


def test_system_administrator_also_sees_the_admin(client, make_staff):
    client.force_login(make_staff(role=Role.SYSTEM_ADMIN, is_staff=True))

    assert menu(client)[-1] == ("Quản trị", "/admin/")


def test_privilege_escalation_admin_link_needs_the_admin_flag(client, make_staff):
    # Holding the role in the database is not enough for Django's admin: no link to a page
    # that would refuse the user.
    client.force_login(make_staff(role=Role.SYSTEM_ADMIN, is_staff=False))

    assert "/admin/" not in [url for _, url in menu(client)]


def test_inactive_account_gets_the_anonymous_menu(client, make_staff):
    user = make_staff()
    user.is_active = False
    user.save()
    client.force_login(user)

    assert menu(client) == ANONYMOUS_MENU


def test_current_page_is_marked_for_screen_readers(client, make_staff):
    client.force_login(make_staff())

    page = client.get("/").content.decode()

    assert '<a href="/" aria-current="page">Trang chủ</a>' in page
    assert '<a href="/orgs/">Đơn vị tổ chức</a>' in page


def test_menu_labels_follow_the_language(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("en"):
        assert [link.label for link in nav_links(request)] == [
            "Home",
            "Send a tip",
            "Follow a tip",
            "Log in",
        ]


def test_logout_is_a_post_form_with_csrf(client, make_staff):
    client.force_login(make_staff())

    page = client.get("/").content.decode()

    assert '<form method="post" action="/accounts/logout/" class="inline-form">' in page
    assert page.count('name="csrfmiddlewaretoken"') == 2  # logout and language switch
    assert "Trần Thị Thử" in page


def test_the_staff_menu_is_grouped_by_task(client, make_staff):
    # 12-13 links on two rows were hard to scan: the staff pages sit in four groups.
    client.force_login(make_staff(role=Role.POLICE_OFFICER))

    response = client.get("/")
    top = [
        (item.label, [link.label for link in item.links]) for item in response.context["nav_menu"]
    ]

    assert top == [
        ("Trang chủ", []),
        ("Gửi tin báo", []),
        ("Theo dõi tin báo", []),
        (
            "Tin báo",
            [
                "Tin báo của đơn vị",
                "Tổng quan đơn vị",
                "Nhập tin báo",
                "Chống lừa đảo",
                "Thông báo",
            ],
        ),
        ("Thống kê", []),
        ("Phong trào", ["Mô hình phong trào", "Đơn vị tổ chức", "Chọn địa bàn"]),
        ("Cài đặt", ["Tài khoản của tôi", "Tài liệu API"]),
    ]
    html = response.content.decode()
    assert html.count('<details class="nav-group') == 3  # opens without JavaScript


def test_the_citizens_menu_stays_flat(client):
    response = client.get("/")

    assert all(not item.links for item in response.context["nav_menu"])
    assert "nav-group" not in response.content.decode()
