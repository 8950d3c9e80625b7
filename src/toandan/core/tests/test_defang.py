"""Links quoted in free text (tips and others) are shown in a form that cannot be followed."""

from __future__ import annotations

import pytest
from django.utils.html import urlize

from toandan.core.defang import defang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://evil.example.com/login", "hxxps://evil[.]example[.]com/login"),
        ("HTTP://Vietcombank-hoantien.xyz", "hxxp://Vietcombank-hoantien[.]xyz"),
        ("ftp://files.example.org/a.exe", "fxp://files[.]example[.]org/a.exe"),
        ("vao link bit.ly/3abc de nhan qua", "vao link bit[.]ly/3abc de nhan qua"),
        ("nhan tin zalo.me/0912345678 nhe", "nhan tin zalo[.]me/0912345678 nhe"),
        ("www.shopee-khuyenmai.vn", "www[.]shopee-khuyenmai[.]vn"),
        ("email lua@gmail.com", "email lua@gmail[.]com"),
        ("may chu 203.0.113.9 cua chung", "may chu 203[.]0[.]113[.]9 cua chung"),
        ("http://198.51.100.4:8080/x", "hxxp://198[.]51[.]100[.]4:8080/x"),
        ("https://ngânhàng.vn/otp", "hxxps://ngânhàng[.]vn/otp"),
        ("trang ngânhàng.vn giả", "trang ngânhàng[.]vn giả"),
        ("https://evil.zip/x", "hxxps://evil[.]zip/x"),
        ("https://lừa.đảo/x", "hxxps://lừa[.]đảo/x"),
    ],
)
def test_links_in_tip_text_are_defanged(text, expected):
    assert defang(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nhà số 5, P.Hoàn Kiếm, TP.HCM, Q.1",
        "Mất 1.500.000 đồng lúc 21.30",
        "Ông A.Bình và bà C.Lan",
        "phiên bản 2.1.3",
        "",
    ],
)
def test_ordinary_vietnamese_text_is_left_as_written(text):
    assert defang(text) == text


def test_defanging_twice_changes_nothing_more():
    once = defang("https://a.example.com and b.example.net and 10.0.0.1")
    assert defang(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "https://phishing.example.com/vcb",
        "www.phishing.example.com",
        "phishing.example.com/vcb",
        "lua@phishing.example.com",
    ],
)
def test_phishing_link_cannot_be_turned_into_a_clickable_link(text):
    # Django's urlize is what a careless template would use to make links clickable.
    assert "<a " not in urlize(defang(text))
