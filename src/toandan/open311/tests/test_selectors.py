"""Places for Open311 requests: nearest commune centroid, addresses read offline."""

from __future__ import annotations

import pytest

from toandan.open311 import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lat", "lon", "commune"),
    [
        (21.0287, 105.8524, "Phường Hoàn Kiếm"),  # Hồ Hoàn Kiếm
        (10.7721, 106.6983, "Phường Bến Thành"),  # chợ Bến Thành
    ],
)
def test_nearest_commune_of_a_position(lat, lon, commune):
    found = selectors.nearest_commune(lat, lon)

    assert found is not None
    assert found.name == commune
    assert found.generation == "current"


@pytest.mark.parametrize(("lat", "lon"), [(48.85, 2.35), (0.0, 0.0), (35.0, 105.0)])
def test_position_outside_vietnam_has_no_commune(lat, lon):
    assert selectors.nearest_commune(lat, lon) is None


def test_address_in_todays_units_gives_province_and_commune():
    province, commune = selectors.place_from_address("123 Hàng Bạc, phường Hoàn Kiếm, Hà Nội")

    assert province is not None
    assert commune is not None
    assert (province.code, commune.code) == ("01", "00070")


def test_address_naming_only_the_province_gives_no_commune():
    province, commune = selectors.place_from_address("Hải Phòng")

    assert province is not None
    assert province.code == "31"
    assert commune is None


def test_address_naming_nothing_known_gives_nothing():
    assert selectors.place_from_address("somewhere nice") == (None, None)
