"""`toandan demo --tips N --years A-B`: arguments checked before anything is written, then the
demo, the synthetic tips and the reports of those years."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from toandan.demo.synthetic import SYNTHETIC_PREFIX
from toandan.stats.models import Report
from toandan.tips.models import Tip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cheap_receipt_hashing(settings: Any) -> None:
    # The demo tips go through the real intake, which hashes their receipts with Argon2id.
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 1
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = 64


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tips", "0"], "positive"),
        (["--tips", "-5"], "positive"),
        (["--tips", "10", "--years", "2024-2019"], "after"),
        (["--tips", "10", "--years", "1990-2000"], "between"),
        (["--tips", "10", "--years", "2019-2999"], "between"),
        (["--tips", "10", "--years", "twenty"], "A-B"),
        (["--years", "2019-2024"], "needs --tips"),
        (["--tips", "10", "--workers", "0"], "at least 1"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(args, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("demo", *args, stdout=StringIO())
    assert not Tip.objects.exists()


def test_a_small_run_writes_the_demo_the_tips_and_the_reports():
    out = StringIO()
    call_command("demo", "--tips", "60", "--years", "2025-2025", "--seed", "3", stdout=out)
    printed = out.getvalue()
    assert "toandan.tips:" in printed
    assert "synthetic tips: 60 received 2025–2025" in printed
    assert "tips/s" in printed
    assert "synthetic reports:" in printed
    synthetic = Tip.objects.filter(reference__startswith=SYNTHETIC_PREFIX)
    assert synthetic.count() == 60
    assert synthetic.filter(received_at__year=2025).count() == 60
    assert Report.objects.filter(period_id__startswith="2025").exists()
    # The normal demo is there too, and a second run adds synthetic tips, not demo tips.
    demo_tips = Tip.objects.exclude(reference__startswith=SYNTHETIC_PREFIX).count()
    assert demo_tips > 0
    call_command("demo", "--tips", "5", "--years", "2025", stdout=StringIO())
    assert synthetic.count() == 65
    assert Tip.objects.exclude(reference__startswith=SYNTHETIC_PREFIX).count() == demo_tips
