"""The organisation tree: police, Women's Union, Fatherland Front and border guard units.

Each unit sits at a level (central, province, commune, branch) and is attached to an
administrative unit; a user's jurisdiction is the subtree of the unit where they hold a role.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.geo.models import AdminUnit


class OrgKind(models.TextChoices):
    POLICE = "police", _("Police")
    WOMENS_UNION = "womens_union", _("Women's Union")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    BORDER_GUARD = "border_guard", _("Border guard")


class OrgLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", pgettext_lazy("unit level", "Province")
    DISTRICT = "district", pgettext_lazy("unit level", "District")
    COMMUNE = "commune", pgettext_lazy("unit level", "Commune")
    BRANCH = "branch", _("Branch")


class OrgUnit(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=OrgLevel.choices)
    # Stable code used in register numbers and imports: "CA-01-00097", "PN-01", "PN-01-00097-CH3".
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("unit", "name"), max_length=200)
    # Accent-free, lower-case key of the name ("cong an phuong hoan kiem") for search.
    search_name = models.CharField(max_length=240, db_index=True, editable=False, default="")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    # Central units have no administrative unit (they cover the whole country).
    admin_unit = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="org_units",
        verbose_name=_("administrative unit"),
    )
    # Materialised path of ids, "/1/40/812/", so a jurisdiction is one prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Communes far from the district seat get longer forwarding deadlines (48 h instead of 24 h).
    is_remote = models.BooleanField(_("remote commune"), default=False)

    class Meta:
        indexes = [models.Index(fields=["kind", "level", "admin_unit"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="orgs_unit_validity_ordered",
            ),
        ]
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None
