"""Duplicate suggestions: which open tips an officer is shown as "probably the same matter"."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from toandan.core.text import search_key, strip_accents
from toandan.tips.duplicates import fingerprints as duplicates
from toandan.tips.models import Tip, TipBand, TipFingerprint, TipStatus
from toandan.tips.services import tip_receive, tips_purge_expired
from toandan.tips.tests.conftest import BA_DINH, LAO_CAI, commune, province, tip_input


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    # The messages are asserted in their English source text; the Vietnamese interface is
    # tested by the page tests (test_views_handling).
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

TEXT = (
    "Tối thứ Bảy, hai thanh niên đi xe Honda Wave màu đỏ bẻ khóa lấy trộm chiếc xe máy "
    "Yamaha Sirius biển số 29B1-123.45 dựng trước số 12 Hàng Bạc. Một người xăm kín tay "
    "trái, người kia tên Quyết, dắt xe chạy về phía ngõ Tạm Thương."
)
# Another tipster, the same matter: no accents, one sentence more, a typo.
RETOLD = strip_accents(
    "Toi thay hai thanh niên đi xe Honda Wave màu đỏ bẻ khóa lấy trộm chiếc xe máy "
    "Yamaha Sirius biển số 29B1-123.45 dựng trước số 12 Hàng Bạc. Một người xăm kín tay "
    "trái, người kia tên Quyết, dắt xe chạy về phía ngõ Tạm Thươg. Mong công an xử lý sớm."
)
UNRELATED = (
    "Có một nhóm người tụ tập đánh bạc ăn tiền bằng hình thức xóc đĩa ở nhà văn hóa tổ 5, "
    "thường từ chín giờ tối đến nửa đêm, có người đứng canh ở đầu ngõ."
)
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def receive(description: str, *, days: float = 0, **overrides: Any) -> Tip:
    data = tip_input(description=description, **overrides)
    return tip_receive(data=data, channel="web", received_at=NOW + dt.timedelta(days=days)).tip


def suggested(tip: Tip, **kwargs: Any) -> list[str]:
    return [s.tip.reference for s in duplicates.similar_open_tips(tip, **kwargs)]


def test_the_same_matter_without_accents_two_days_later_is_suggested() -> None:
    first = receive(TEXT)
    second = receive(RETOLD, days=2, address="")

    suggestions = duplicates.similar_open_tips(second)

    assert [s.tip.reference for s in suggestions] == [first.reference]
    assert suggestions[0].score > 0.5
    assert "same commune" in suggestions[0].reasons
    assert "same category" in suggestions[0].reasons
    assert "2 days apart" not in suggestions[0].reasons  # both say when it happened: same day
    assert "same day" in suggestions[0].reasons
    # And the other way round: the first tip's page lists the second.
    assert suggested(first) == [second.reference]


def test_an_unrelated_tip_of_the_same_place_and_time_is_not_suggested() -> None:
    receive(TEXT)
    other = receive(UNRELATED, days=1)

    assert suggested(other) == []


def test_a_tip_in_another_province_is_not_suggested() -> None:
    receive(TEXT, province=province(LAO_CAI), commune=None)
    here = receive(RETOLD, days=1)

    assert suggested(here) == []


def test_a_tip_outside_the_time_window_is_not_suggested(settings: Any) -> None:
    settings.TOANDAN_DUPLICATE_WINDOW_DAYS = 30
    receive(TEXT, days=-45)
    later = receive(RETOLD)

    assert suggested(later) == []
    settings.TOANDAN_DUPLICATE_WINDOW_DAYS = 60
    assert len(suggested(later)) == 1


@pytest.mark.parametrize("status", [TipStatus.CONCLUDED, TipStatus.MERGED])
def test_concluded_and_merged_tips_are_not_suggested(status: str) -> None:
    first = receive(TEXT)
    second = receive(RETOLD, days=1)
    Tip.objects.filter(pk=first.pk).update(status=status)

    assert suggested(second) == []


def test_the_same_text_in_another_commune_ranks_below_the_same_commune() -> None:
    elsewhere = receive(TEXT, commune=commune(BA_DINH))
    here = receive(TEXT, days=1)
    new = receive(RETOLD, days=2)

    suggestions = duplicates.similar_open_tips(new)

    assert [s.tip.reference for s in suggestions] == [here.reference, elsewhere.reference]
    assert "same commune" not in suggestions[1].reasons


def test_an_officer_is_shown_only_tips_they_may_open(
    officer_hoan_kiem: Any, officer_ba_dinh: Any
) -> None:
    first = receive(TEXT)
    second = receive(RETOLD, days=1)

    assert suggested(second, actor=officer_hoan_kiem) == [first.reference]
    # Naming a tip outside one's jurisdiction would reveal it.
    assert suggested(second, actor=officer_ba_dinh) == []


def test_the_fingerprint_holds_no_word_of_the_tip() -> None:
    tip = receive(TEXT)

    stored = bytes(TipFingerprint.objects.get(tip=tip).signature)
    bands = list(TipBand.objects.filter(tip=tip).values_list("band_key", flat=True))
    blob = stored + b"".join(key.to_bytes(8, "little", signed=True) for key in bands)
    assert len(bands) == duplicates.BANDS
    for word in ("Quyết", "Tạm Thương", "29B1-123.45", "Sirius"):
        for form in {word, search_key(word), strip_accents(word), word.lower()}:
            assert form.encode() not in blob
    # Keyed: without the keyring's key the same words give another signature, so a dictionary
    # of words hashed by whoever holds a database dump finds nothing.
    compared = duplicates.fingerprint_text({"description": TEXT, "address": tip_input().address})
    assert duplicates.signature_of(compared) == stored
    assert duplicates.signature_of(compared, key=b"\0" * 32) != stored


def test_words_are_compared_without_accents_and_case() -> None:
    assert duplicates.signature_of("Trộm XE MÁY ở Hàng Bạc") == duplicates.signature_of(
        "trom xe may o hang bac"
    )
    assert duplicates.shingles("Trộm xe máy") == {"trom", "xe", "may", "trom xe", "xe may"}
    # Function words alone are not compared; inside pairs they are.
    assert "va" not in duplicates.shingles("xe và người")
    assert "xe va" in duplicates.shingles("xe và người")


@pytest.mark.parametrize(
    "text",
    [
        "ĐẮK LẮK, Hà Nội!! 29B1-123.45",
        unicodedata.normalize("NFD", "Hàng Bạc – số 12/3 (đêm)"),  # typed with combining marks
        "\u0301lone mark, ß ligature ﬁ ½ tab\tnew\nline",
    ],
)
def test_words_are_the_search_key_of_the_text(text: str) -> None:
    assert duplicates.words(text) == search_key(text).split()


def test_a_tip_with_no_words_has_no_fingerprint_and_no_suggestions() -> None:
    tip = receive("!!! ???", address="")

    assert not TipFingerprint.objects.filter(tip=tip).exists()
    assert duplicates.similar_open_tips(tip) == []


def test_rebuild_restores_missing_fingerprints_from_the_encrypted_content() -> None:
    first = receive(TEXT)
    second = receive(RETOLD, days=1)
    TipFingerprint.objects.all().delete()
    TipBand.objects.all().delete()
    assert suggested(second) == []

    call_command("fingerprints_rebuild", "--missing", stdout=io.StringIO())

    assert suggested(second) == [first.reference]
    assert TipBand.objects.filter(tip=first).count() == duplicates.BANDS


def test_the_retention_purge_deletes_the_fingerprints() -> None:
    tip = receive(TEXT)

    tips_purge_expired(today=tip.retention_until + dt.timedelta(days=1))

    assert not TipFingerprint.objects.filter(tip_id=tip.pk).exists()
    assert not TipBand.objects.filter(tip_id=tip.pk).exists()


def test_similarity_estimates_the_share_of_shared_words() -> None:
    a = duplicates.signature_of(TEXT)
    b = duplicates.signature_of(RETOLD)
    c = duplicates.signature_of(UNRELATED)
    assert a is not None
    assert b is not None
    assert c is not None
    exact = len(duplicates.shingles(TEXT) & duplicates.shingles(RETOLD)) / len(
        duplicates.shingles(TEXT) | duplicates.shingles(RETOLD)
    )
    assert abs(duplicates.similarity(a, b) - exact) < 0.2
    assert duplicates.similarity(a, c) < 0.15
    assert duplicates.similarity(a, a) == 1.0


def test_a_lookup_costs_three_queries_whatever_the_number_of_candidates(
    django_assert_num_queries: Any,
) -> None:
    for day in range(6):
        receive(TEXT, days=day)
    new = receive(RETOLD, days=3)

    # Its signature, the candidates with what scoring reads, the suggested tips.
    with django_assert_num_queries(3):
        suggestions = duplicates.similar_open_tips(new, limit=5)
    assert len(suggestions) == 5
