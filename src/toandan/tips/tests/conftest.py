"""Fixtures shared by the tips tests.

- Keys and attachments go to temporary directories, never to var/ (the keyring is per session
  so every test of a run can open what another made; rotation tests use their own file).
- Argon2id runs at a low cost: its production cost is measured by `make bench`, and tests hash
  hundreds of receipts.
- The cache (throttles, rate limits, daily secrets) starts empty for every test, and so do the
  per-process copies of categories, places, routing rules and police units (tests change them
  with `update()`, which sends no signal, and roll back what they changed).
- `committed_db`: real commits, for tests that need several connections (concurrency).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import LazySettings
from django.db import connection, models

from toandan.accounts.tests.factories import make_user
from toandan.core.process_cache import forget_cached_reference_data
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.media.files import UploadData
from toandan.tips.models import Category
from toandan.tips.services import TipInput

# Real places and units (official codes of 25/06/2025), created by loading the geography.
HANOI = "01"
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội
BA_DINH = "00004"  # Phường Ba Đình, Hà Nội
LAO_CAI = "15"
BAT_XAT = "02683"  # Xã Bát Xát, Lào Cai
HOAN_KIEM_POLICE = "CA-01-00070"
BA_DINH_POLICE = "CA-01-00004"
HANOI_POLICE = "CA-01"
HOAN_KIEM_UNION = "PN-01-00070"


@pytest.fixture(autouse=True)
def _fresh_reference_data() -> Iterator[None]:
    forget_cached_reference_data()
    yield
    forget_cached_reference_data()


@pytest.fixture(autouse=True)
def _cheap_receipt_hashing(settings: LazySettings) -> None:
    # Keyring, attachments and cache are isolated by the root conftest for every app.
    settings.TOANDAN_RECEIPT_ARGON2_TIME_COST = 1
    settings.TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = 64


def province(code: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.PROVINCE, code=code)


def commune(code: str) -> AdminUnit:
    return AdminUnit.objects.get(generation=Generation.CURRENT, level=Level.COMMUNE, code=code)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def tip_input(**overrides: Any) -> TipInput:
    """A valid anonymous tip about a theft in phường Hoàn Kiếm, Hà Nội."""
    values: dict[str, Any] = {
        "category": category("theft"),
        "description": "Hai thanh niên bẻ khóa xe máy trước số 12 Hàng Bạc lúc 22 giờ.",
        "province": province(HANOI),
        "commune": commune(HOAN_KIEM),
        "address": "Trước số 12 Hàng Bạc",
        "occurred_on": dt.date(2026, 11, 20),
    }
    values.update(overrides)
    return TipInput(**values)


def jpeg_upload(name: str = "anh.jpg") -> UploadData:
    from toandan.media.tests import samples as media

    return UploadData(name=name, data=media.jpeg_with_gps())


@pytest.fixture
def officer_hoan_kiem(db: None) -> Any:
    return make_user("ca.hoankiem.tips", "police_officer", HOAN_KIEM_POLICE)


@pytest.fixture
def officer_ba_dinh(db: None) -> Any:
    return make_user("ca.badinh.tips", "police_officer", BA_DINH_POLICE)


@pytest.fixture
def leader_hanoi(db: None) -> Any:
    return make_user("ca.hanoi.tips", "police_leader", HANOI_POLICE)


@pytest.fixture
def cadre_hoan_kiem(db: None) -> Any:
    return make_user("pn.hoankiem.tips", "union_cadre", HOAN_KIEM_UNION)


# --- Real commits --------------------------------------------------------------------------------

# Apps whose rows a committed test may create; they are removed afterwards (newest first).
_COMMITTED_APPS = ("tips", "notifications", "accounts", "stats")


def _max_pks() -> dict[type[models.Model], int]:
    result: dict[type[models.Model], int] = {}
    for label in _COMMITTED_APPS:
        if label not in {c.label for c in apps.get_app_configs()}:
            continue
        for model in apps.get_app_config(label).get_models():
            last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
            result[model] = int(last or 0)
    return result


@pytest.fixture
def committed_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[Callable[[], None]]:
    """Database access WITHOUT the per-test transaction: what a test writes is committed, so
    other threads (each with its own connection) see it and contend for the same row locks.

    Afterwards the rows the test added to the tips, notifications and accounts tables are
    deleted and register books are put back, so the geography, the organisation tree, the
    default categories and routing rules loaded for the session stay as they were. (pytest-
    django's `transactional_db` would instead flush every table, geography included, and on
    SQLite its DELETE of the audit table hits the append-only trigger.) Audit events written
    by the test stay: the audit log is append-only by design, and they form a valid chain.
    """
    from toandan.tips.models import RegisterBook

    with django_db_blocker.unblock():
        before = _max_pks()
        books = dict(RegisterBook.objects.values_list("pk", "last_seq"))
        try:
            yield lambda: None
        finally:
            _cleanup(before, books)
            connection.close()


def _cleanup(before: dict[type[models.Model], int], books: dict[int, int]) -> None:
    from toandan.tips.models import RegisterBook, Tip

    # Tips first: deleting them cascades to routes, messages, attachments and contacts.
    Tip.objects.filter(pk__gt=before.get(Tip, 0)).delete()
    for model in reversed(list(before)):
        model._default_manager.filter(pk__gt=before[model]).delete()
    for pk, last_seq in books.items():
        RegisterBook.objects.filter(pk=pk).update(last_seq=last_seq)
