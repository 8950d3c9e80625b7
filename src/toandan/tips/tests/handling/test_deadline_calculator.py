"""`toandan deadline RULE START` and the staff calculator page give the day the
timeline gives (the same functions), with the article and the days off skipped."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from toandan.tips.deadlines import LOCAL_TZ
from toandan.tips.handling.timeline import complex_deadline, resumed_deadline

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_last_day_the_article_and_the_days_off_skipped():
    text = run("extend", "2025-12-30")

    assert "02/03/2026" in text
    # In the site's language, Vietnamese: "Khoản 2 Điều 147 BLTTHS; Điều 134 BLTTHS".
    assert "Khoản 2 Điều 147" in text
    assert "Điều 134" in text
    assert "28/02/2026" in text
    assert "01/03/2026" in text
    # The timeline's own computation for a tip received that day.
    timeline_day = complex_deadline(dt.datetime(2025, 12, 30, 9, tzinfo=LOCAL_TZ)).last_day
    assert timeline_day.strftime("%d/%m/%Y") in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("extend", "2025-12-17"), "23/02/2026"),
        (("extend", "2026-03-01"), "04/05/2026"),
        (("extend", "2025-07-02"), "03/09/2025"),
        (("resume", "2027-03-30"), "04/05/2027"),
        (("decide", "2026-01-31"), "20/02/2026"),
        (("procuracy-extend", "2026-02-28", "--months", "1"), "30/03/2026"),
        (("forward", "2026-03-10T14:25", "--serious", "--remote"), "12/03/2026 14:25"),
        (("forward", "2026-02-25"), "04/03/2026"),
    ],
)
def test_the_command_gives_the_issue_s_deadlines(args, expected):
    assert expected in run(*args)


def test_the_command_refuses_a_bad_date_and_a_bad_extension():
    with pytest.raises(CommandError):
        run("decide", "31/01/2026")
    with pytest.raises(CommandError):
        run("procuracy-extend", "2026-02-28", "--months", "3")


def test_the_staff_page_agrees_with_the_timeline(client: Client, officer_hoan_kiem):
    client.force_login(officer_hoan_kiem)

    page = client.get(
        reverse("tips:deadline_calculator"), {"rule": "resume", "start": "2027-03-30"}
    )

    assert page.status_code == 200
    text = page.content.decode()
    expected = resumed_deadline(dt.datetime(2027, 3, 30, 0, 0, tzinfo=LOCAL_TZ)).last_day
    assert f'id="deadline-last-day">{expected:%d/%m/%Y}<' in text
    assert "03/05/2027" in text  # the day off in lieu, skipped
    assert "149" in text  # the article, in whichever language the page is


def test_the_page_is_for_staff_only(client: Client):
    page = client.get(
        reverse("tips:deadline_calculator"), {"rule": "decide", "start": "2026-01-01"}
    )

    assert page.status_code == 302


def test_the_page_without_input_shows_the_form_in_vietnamese(client: Client, officer_hoan_kiem):
    client.force_login(officer_hoan_kiem)

    page = client.get(reverse("tips:deadline_calculator"), HTTP_ACCEPT_LANGUAGE="vi")

    assert page.status_code == 200
    text = page.content.decode()
    assert "<form" in text
    assert "Tính thời hạn tố tụng" in text
