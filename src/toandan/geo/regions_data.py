"""The regions `toandan load-geo` creates, as data: groupings of provinces by official code.

Statistical regions are the six socio-economic regions the General Statistics Office (GSO)
publishes figures by. Before 01/07/2025 they group the 63 old provinces (GSO's list); from
01/07/2025 they group the 34 new ones (each merged province in the region of the provincial
centre it kept). North / Central / South is the customary grouping of those regions: Bắc =
Trung du và miền núi phía Bắc + Đồng bằng sông Hồng, Trung = Bắc Trung Bộ và duyên hải miền
Trung + Tây Nguyên, Nam = Đông Nam Bộ + Đồng bằng sông Cửu Long.

The loader only creates a region that does not exist yet; after that the region belongs to the
admin (a campaign may define its "northern region" differently), and a rerun never overwrites it.
"""

from __future__ import annotations

from dataclasses import dataclass

from toandan.geo.models import Generation, RegionKind


@dataclass(frozen=True)
class RegionSpec:
    generation: str
    kind: str
    code: str
    name: str
    province_codes: tuple[str, ...]


_LEGACY_STATISTICAL: dict[str, tuple[str, tuple[str, ...]]] = {
    "northern-midlands-mountains": (
        "Trung du và miền núi phía Bắc",
        ("02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25"),
    ),
    "red-river-delta": (
        "Đồng bằng sông Hồng",
        ("01", "22", "26", "27", "30", "31", "33", "34", "35", "36", "37"),
    ),
    "north-central-central-coast": (
        "Bắc Trung Bộ và duyên hải miền Trung",
        ("38", "40", "42", "44", "45", "46", "48", "49", "51", "52", "54", "56", "58", "60"),
    ),
    "central-highlands": ("Tây Nguyên", ("62", "64", "66", "67", "68")),
    "southeast": ("Đông Nam Bộ", ("70", "72", "74", "75", "77", "79")),
    "mekong-delta": (
        "Đồng bằng sông Cửu Long",
        ("80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"),
    ),
}

_CURRENT_STATISTICAL: dict[str, tuple[str, tuple[str, ...]]] = {
    "northern-midlands-mountains": (
        "Trung du và miền núi phía Bắc",
        ("04", "08", "11", "12", "14", "15", "19", "20", "25"),
    ),
    "red-river-delta": ("Đồng bằng sông Hồng", ("01", "22", "24", "31", "33", "37")),
    "north-central-central-coast": (
        "Bắc Trung Bộ và duyên hải miền Trung",
        ("38", "40", "42", "44", "46", "48", "51", "56"),
    ),
    "central-highlands": ("Tây Nguyên", ("52", "66", "68")),
    "southeast": ("Đông Nam Bộ", ("75", "79", "80")),
    "mekong-delta": ("Đồng bằng sông Cửu Long", ("82", "86", "91", "92", "96")),
}

# Macro region -> the statistical regions it is made of.
_MACRO: dict[str, tuple[str, tuple[str, ...]]] = {
    "north": ("Miền Bắc", ("northern-midlands-mountains", "red-river-delta")),
    "central": ("Miền Trung", ("north-central-central-coast", "central-highlands")),
    "south": ("Miền Nam", ("southeast", "mekong-delta")),
}


def _specs_for(
    generation: str, statistical: dict[str, tuple[str, tuple[str, ...]]]
) -> list[RegionSpec]:
    specs = [
        RegionSpec(generation, RegionKind.MACRO, code, name, _macro_codes(statistical, parts))
        for code, (name, parts) in _MACRO.items()
    ]
    specs += [
        RegionSpec(generation, RegionKind.STATISTICAL, code, name, codes)
        for code, (name, codes) in statistical.items()
    ]
    return specs


def _macro_codes(
    statistical: dict[str, tuple[str, tuple[str, ...]]], parts: tuple[str, ...]
) -> tuple[str, ...]:
    return tuple(sorted(code for part in parts for code in statistical[part][1]))


REGIONS: tuple[RegionSpec, ...] = (
    *_specs_for(Generation.LEGACY, _LEGACY_STATISTICAL),
    *_specs_for(Generation.CURRENT, _CURRENT_STATISTICAL),
)
