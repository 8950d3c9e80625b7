"""Vietnam's administrative geography, in both generations.

A unit is valid over a date range. The legacy generation (63 provinces, ~700 districts, 10,040
communes) ends on 30/06/2025; the current one (34 provinces, 3,321 communes) starts on 01/07/2025
(Resolution 202/2025/QH15). Codes are the General Statistics Office's; a code is unique only
within a generation and level (Hà Nội is "01" in both generations).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Generation(models.TextChoices):
    LEGACY = "legacy", _("Before 01/07/2025")
    CURRENT = "current", _("From 01/07/2025")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class AdminUnit(models.Model):
    generation = models.CharField(_("generation"), max_length=8, choices=Generation.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    code = models.CharField(_("official code"), max_length=8)
    # Full official name with its type: "Thành phố Hà Nội", "Phường Bắc An Phụ".
    name = models.CharField(pgettext_lazy("place", "name"), max_length=128)
    # Name without the type word: "Hà Nội", "Bắc An Phụ".
    short_name = models.CharField(_("short name"), max_length=128)
    # The name with its ancestors, as an address is written:
    # "Xã Lê Ninh, Thị xã Kinh Môn, Tỉnh Hải Dương". Stored so lists need no ancestor queries.
    full_name = models.CharField(_("full name"), max_length=255, default="")
    # The type word as officials write it: "Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã",
    # "Xã", "Phường", "Thị trấn", "Đặc khu".
    unit_type = models.CharField(_("type"), max_length=32)
    # Accent-free, lower-case keys: "thanh pho ha noi" and "ha noi".
    search_name = models.CharField(_("search key"), max_length=160, db_index=True)
    search_short = models.CharField(_("short search key"), max_length=160, db_index=True)
    # Accent-free key of full_name: "xa le ninh thi xa kinh mon tinh hai duong", so "kinh mon"
    # finds the old town and every commune in it.
    search_full = models.CharField(_("full search key"), max_length=300, default="")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # Materialised path of ids, "/12/345/6789/", so descendants are one indexed prefix query.
    path = models.CharField(_("path"), max_length=64, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "level", "code"], name="geo_unit_code_unique_per_generation"
            ),
        ]
        indexes = [models.Index(fields=["generation", "level", "parent"])]
        ordering = ["generation", "level", "code"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class SuccessionKind(models.TextChoices):
    UNCHANGED = "unchanged", _("Unchanged")
    RENAMED = "renamed", _("Renamed")
    MERGED = "merged", _("Merged")
    DIVIDED = "divided", _("Divided")


class Succession(models.Model):
    """One edge from a legacy unit to the current unit that took over (part of) it.

    A merged unit has one edge to its successor; a divided unit has one edge per part, and the
    `is_primary` edge is where its figures go when they are re-aggregated onto today's units
    (the part that kept most of the old unit, as the official conversion table marks it).
    """

    predecessor = models.ForeignKey(
        AdminUnit,
        on_delete=models.CASCADE,
        related_name="successions",
        verbose_name=_("former unit"),
    )
    successor = models.ForeignKey(
        AdminUnit,
        on_delete=models.CASCADE,
        related_name="predecessions",
        verbose_name=_("successor unit"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    is_primary = models.BooleanField(_("primary"), default=True)
    effective_on = models.DateField(_("effective on"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_succession_unique_edge"
            ),
        ]
        verbose_name = _("succession")
        verbose_name_plural = _("successions")

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.kind})"


class RegionKind(models.TextChoices):
    MACRO = "macro", _("North / Central / South")
    STATISTICAL = "statistical", _("Statistical region")


class Region(models.Model):
    """A grouping of provinces, kept as editable data per generation (a 2019–2024 campaign's
    "northern region" is a list of old provinces; today's is a list of new ones)."""

    generation = models.CharField(_("generation"), max_length=8, choices=Generation.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=RegionKind.choices)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(pgettext_lazy("place", "name"), max_length=128)
    provinces = models.ManyToManyField(
        AdminUnit, related_name="regions", blank=True, verbose_name=_("provinces")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "kind", "code"], name="geo_region_code_unique"
            ),
        ]
        ordering = ["generation", "kind", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name
