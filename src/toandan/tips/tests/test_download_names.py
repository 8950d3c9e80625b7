"""Download names of a tip's files: an officer opens what the file *is*.

The tipster chooses the file name. A PDF named `bang-chung.html` saved under that name opens in
the browser as a page and runs its script; `invoice.pdf.exe` runs as a program; a name with a
right-to-left override shows `exe.pdf` while it ends in `.exe`. The name an officer gets keeps
the tipster's words but ends with the extension of the type the cleaning found.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from toandan.accounts.tests.factories import logged_in
from toandan.media.files import UploadData
from toandan.media.tests import samples as media
from toandan.tips import services
from toandan.tips.download import download_name
from toandan.tips.models import Tip
from toandan.tips.tests.conftest import tip_input

pytestmark = pytest.mark.django_db


def download(officer: Any, upload: UploadData) -> Any:
    tip: Tip = services.tip_submit(data=tip_input(attachments=[upload])).tip
    attachment = tip.attachments.get()
    return logged_in(officer).get(
        reverse("tips:attachment_download", args=[tip.reference, attachment.pk])
    )


def test_html_upload_downloads_as_pdf(officer_hoan_kiem):
    response = download(
        officer_hoan_kiem, UploadData(name="bang-chung.html", data=media.pdf_with_author())
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bang-chung.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_double_extension_exe_downloads_as_pdf(officer_hoan_kiem):
    response = download(
        officer_hoan_kiem, UploadData(name="invoice.pdf.exe", data=media.pdf_with_author())
    )

    assert response["Content-Disposition"] == 'attachment; filename="invoice.pdf"'


def test_svg_that_is_a_png_downloads_as_png(officer_hoan_kiem):
    response = download(
        officer_hoan_kiem, UploadData(name="so-do.svg", data=media.png_with_text_and_exif())
    )

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="so-do.png"'


def test_rtl_override_stripped_from_download_name(officer_hoan_kiem):
    # Shown as "anh-hien-truongexe.pdf" by a bidi-aware file manager; really ends in ".exe".
    response = download(
        officer_hoan_kiem,
        UploadData(name="anh-hien-truong\u202efdp.exe", data=media.jpeg_with_gps()),
    )

    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="anh-hien-truongfdp.jpg"'
    assert "\u202e" not in disposition


def test_vietnamese_name_keeps_its_words_in_rfc_6266_filename_star(officer_hoan_kiem):
    response = download(
        officer_hoan_kiem,
        UploadData(name="Biên bản\u200f hiện trường.docx.html", data=media.pdf_with_author()),
    )

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20hi%E1%BB%87n"
        "%20tr%C6%B0%E1%BB%9Dng.docx.pdf"
    )


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("bang-chung.html", "application/pdf", "bang-chung.pdf"),
        ("invoice.pdf.exe", "application/pdf", "invoice.pdf"),
        ("anh.JPEG", "image/jpeg", "anh.jpg"),
        ("ghi-am.opus", "audio/ogg", "ghi-am.ogg"),
        ("a\u202ebc\u2066d\u2069e\u200e\u200ff\x00\x1b\x7f.png", "image/png", "abcdef.png"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\x\\tep.docx", "application/pdf", "tep.pdf"),
        ("", "image/png", "tep.png"),
        (".htaccess", "image/png", "htaccess.png"),
        ("\u202e\u202e.exe", "image/png", "exe.png"),
        (" . ", "image/png", "tep.png"),
        ("file.exe", "application/x-msdownload", "file.bin"),
        ("x" * 300 + ".jpg", "image/jpeg", "x" * 120 + ".jpg"),
    ],
)
def test_download_name_has_the_extension_of_the_detected_type(name, content_type, expected):
    assert download_name(name, content_type) == expected


def test_rtl_override_stripped_from_file_names_on_the_tip_page(officer_hoan_kiem):
    tip: Tip = services.tip_submit(data=tip_input()).tip
    services.tipster_reply(
        tip=tip,
        body="Ảnh chụp thêm",
        attachments=[UploadData(name="anh-hien-truong\u202efdp.exe", data=media.jpeg_with_gps())],
    )

    page = logged_in(officer_hoan_kiem).get(
        reverse("tips:staff_detail", kwargs={"reference": tip.reference})
    )

    text = page.content.decode()
    assert "anh-hien-truongfdp.jpg" in text
    assert "\u202e" not in text
