"""Fixtures of the exports tests: files go to a temporary directory, and a throw-away
producer stands in for the statistics tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

from toandan.accounts.models import User
from toandan.accounts.tests.factories import HANOI_UNION, HOAN_KIEM_POLICE, make_user
from toandan.documents.decree30 import AdministrativeDocument, Signature
from toandan.exports.registry import (
    ExportRefusedError,
    register_document_producer,
    register_table_producer,
    unregister,
)
from toandan.exports.tables import Table

TEST_KIND = "test.provinces"
PROVINCES = ["Hà Nội", "Lào Cai", "Điện Biên", "Thái Nguyên", "Hải Phòng"]


@pytest.fixture(autouse=True)
def exports_dir(settings: LazySettings, tmp_path: Path) -> Path:
    directory = tmp_path / "exports"
    settings.TOANDAN_EXPORTS_DIR = directory
    return directory


def province_rows(count: int) -> Iterator[list[object]]:
    """Rows like a statistics table: period, province, indicator, counts and a share."""
    for i in range(count):
        received = 1000 + i % 997
        valuable = received * (i % 7 + 3) // 10
        yield [
            f"2024{i % 12 + 1:02d}",
            PROVINCES[i % len(PROVINCES)],
            "Nguồn tin có giá trị",
            received,
            valuable,
            round(valuable / received, 3),
        ]


HEADERS = ["Kỳ", "Tỉnh, thành phố", "Chỉ tiêu", "Tiếp nhận", "Có giá trị", "Tỷ lệ"]


def provinces_table(params: dict[str, Any], user: Any) -> Table:
    rows = int(params.get("rows", 25))
    if rows < 0:
        raise ExportRefusedError("Số dòng không hợp lệ.")
    if params.get("explode"):
        msg = "a bug in a producer"
        raise RuntimeError(msg)
    return Table(
        title="Nguồn tin có giá trị theo tỉnh",
        headers=HEADERS,
        rows=province_rows(rows),
        notes=["Nguồn: toandan"],
        number_formats={3: "#,##0", 4: "#,##0", 5: "0.0%"},
        expected_rows=rows,
    )


def provinces_document(params: dict[str, Any], user: Any) -> AdministrativeDocument:
    return AdministrativeDocument(
        issuing_parent="Hội Liên hiệp Phụ nữ Việt Nam",
        issuing_unit="Hội LHPN thành phố Hà Nội",
        number="15/BC-HPN",
        place="Hà Nội",
        date=dt.date(2024, 8, 2),
        title="Kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc",
        body=[
            "Chỉ tính riêng 20 tỉnh, thành phố có báo cáo số liệu.",
            Table(
                title="Bảng 1",
                headers=HEADERS,
                rows=list(province_rows(int(params.get("rows", 3)))),
            ),
        ],
        recipients=["Như trên;", "Lưu: VT."],
        signatures=[Signature(title="CHỦ TỊCH", name="Nguyễn Thị B")],
    )


@pytest.fixture
def test_producer() -> Iterator[str]:
    register_table_producer(TEST_KIND, provinces_table, label="Bảng thử")
    register_document_producer(TEST_KIND, provinces_document)
    yield TEST_KIND
    unregister(TEST_KIND)


@pytest.fixture
def officer(db: None) -> User:
    return make_user("export.officer", "police_officer", HOAN_KIEM_POLICE)


@pytest.fixture
def other_cadre(db: None) -> User:
    return make_user("export.cadre", "union_cadre", HANOI_UNION)
