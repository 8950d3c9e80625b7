"""The working-day calendar's announced changes: what no holiday library can know.

The fixed rules (Labour Code 2019 Art. 112: New Year, Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9,
days off in lieu) come from the `holidays` package. Each year the Government also swaps days
(a Saturday made a working day so that a bridge day is off) and announces extra days off;
administrators record those here, each with the document that announced it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChangeKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarChange(models.Model):
    """One announced day: off although the rules say working, or working although they say
    off (the Saturday worked in exchange for a bridge day)."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ChangeKind.choices)
    name = models.CharField(pgettext_lazy("calendar change", "name"), max_length=200)
    # The document that announced it (number, date, issuer); "UNCONFIRMED" when it could not
    # be checked against an official text.
    source = models.CharField(_("legal source"), max_length=400)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("announced calendar change")
        verbose_name_plural = _("announced calendar changes")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"
