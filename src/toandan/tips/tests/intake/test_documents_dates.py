"""One month format in the documents: the intake record wrote "tháng 03"
where the Decree 30 report writes "tháng 3". Decree 30/2020 pads a day below 10 and the months
1 and 2 with a zero, and nothing else."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from toandan.core.text import vi_date_words
from toandan.documents.decree30 import place_and_date
from toandan.tips import services
from toandan.tips.intake import documents
from toandan.tips.models import Tip
from toandan.tips.tests.conftest import tip_input

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (dt.date(2026, 1, 15), "ngày 15 tháng 01 năm 2026"),
        (dt.date(2026, 11, 20), "ngày 20 tháng 11 năm 2026"),
    ],
)
def test_both_document_builders_write_a_date_alike(officer_hoan_kiem, day, expected):
    tip = services.tip_submit(data=tip_input()).tip
    received = dt.datetime.combine(day, dt.time(14, 30), tzinfo=VN)
    Tip.objects.filter(pk=tip.pk).update(received_at=received)
    tip = Tip.objects.select_related("register_unit", "category", "province").get(pk=tip.pk)

    record = documents.intake_record(tip, actor=officer_hoan_kiem)

    assert vi_date_words(day) == expected
    assert record.received_day == expected
    assert place_and_date("Hà Nội", day) == f"Hà Nội, {expected}"
