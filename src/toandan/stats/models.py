"""Statistics: indicators, the periodic reports units send, and the summary tables of tips.

Three kinds of rows live here:

- Reference data (edited in the admin): `Indicator`, `DataSet` with its `DataElement`s and
  `ValidationRule`s.
- Periodic reports (`Report`, `ReportValue`): what a unit reports for a data set and a period,
  approved level by level (state machine in `toandan.stats.services`). A value that was not
  entered has no row: "not reported" is never confused with zero.
- Summary tables of tips (`TipFact`, `TipProvinceFact`, `TipCommuneFact`): counts only, no tip
  plaintext, kept current in the transaction of every tip change (`toandan.stats.summary`).
  They are not personal data, so they outlive the tips the retention purge deletes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit


class Aggregation(models.TextChoices):
    """How values of one unit combine over time; across units they always add up."""

    SUM = "sum", _("Sum (flows: tips, sessions)")
    LAST = "last", _("Last value (stocks: members, models)")
    AVERAGE = "average", _("Average over the periods")


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percentage")


class Indicator(models.Model):
    """What is counted. `source` names a registered source (`toandan.stats.registry`):
    "tips" (computed from the tip summary), "reports" (entered in periodic reports),
    "formula" (numerator / denominator × factor of two other indicators) or one a later module
    registers."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source = models.CharField(_("source"), max_length=30)
    # What the source reads for this indicator (the tip summary's measure, e.g. "valuable").
    source_key = models.CharField(_("source field"), max_length=60, blank=True)
    aggregation = models.CharField(
        _("aggregation over time"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    value_type = models.CharField(
        _("value type"), max_length=8, choices=ValueType.choices, default=ValueType.INTEGER
    )
    numerator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("numerator"),
    )
    denominator = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("denominator"),
    )
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    # Hidden indicators feed formulas (e.g. the sum of decision days) but are not offered.
    listed = models.BooleanField(_("offered in lists"), default=True)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name_vi

    def localized_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        lang = language or get_language() or "vi"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_vi

    def clean(self) -> None:
        from toandan.stats.registry import FORMULA, source_codes

        if self.source not in source_codes():
            raise ValidationError(
                {
                    "source": _("Unknown source; registered: %(codes)s.")
                    % {"codes": ", ".join(sorted(source_codes()))}
                }
            )
        if self.source == FORMULA and (self.numerator_id is None or self.denominator_id is None):
            raise ValidationError(_("A formula needs a numerator and a denominator."))


class PeriodType(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Half-yearly")
    YEAR = "year", _("Yearly")


class DataSet(models.Model):
    """A form that units of one kind send every period (DHIS2's data set).

    The units expected to report are those of `org_kind` at one of `levels`, valid on the last
    day of the period (so after the 01/07/2025 reform the 34 new provinces report, and before it
    the 63 old ones), limited to `assigned_units` when that list is not empty. Each unit reports
    its own activity; a roll-up adds the units up.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    period_type = models.CharField(_("period"), max_length=8, choices=PeriodType.choices)
    org_kind = models.CharField(_("kind of unit"), max_length=20, choices=OrgKind.choices)
    # OrgLevel values, e.g. ["commune", "province"]: reports at several levels are approved
    # from the bottom up.
    levels = models.JSONField(_("levels that report"), default=list)
    assigned_units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="+", verbose_name=_("only these units")
    )
    # A report counts as on time when first submitted by the end of this many days after the
    # period (DHIS2's timelyDays).
    due_days = models.PositiveSmallIntegerField(_("days after the period to report"), default=15)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def __str__(self) -> str:
        return self.name_vi

    def localized_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        lang = language or get_language() or "vi"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_vi

    def clean(self) -> None:
        levels = self.levels if isinstance(self.levels, list) else []
        if not levels or any(level not in OrgLevel.values for level in levels):
            raise ValidationError(
                {
                    "levels": _("List one or more of: %(levels)s.")
                    % {"levels": ", ".join(OrgLevel.values)}
                }
            )


class DataElement(models.Model):
    """One figure of a data set's form, with its checks."""

    dataset = models.ForeignKey(
        DataSet, on_delete=models.CASCADE, related_name="elements", verbose_name=_("data set")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="elements", verbose_name=_("indicator")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(
        _("minimum"), max_digits=20, decimal_places=2, null=True, blank=True, default=0
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    help_vi = models.CharField(_("help (Vietnamese)"), max_length=300, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["dataset", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "indicator"], name="stats_element_unique_per_dataset"
            )
        ]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return f"{self.dataset.code}: {self.indicator.code}"

    def clean(self) -> None:
        from toandan.stats.registry import REPORTS

        if self.indicator_id is not None and self.indicator.source != REPORTS:
            raise ValidationError(
                {"indicator": _("Only indicators of the source “reports” are entered in forms.")}
            )


class Comparison(models.TextChoices):
    LTE = "<=", "≤"
    LT = "<", "<"
    GTE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="


class ValidationRule(models.Model):
    """A check across two figures of a form: left (op) right × factor, e.g. "tips passed to
    police outside toandan ≤ members trained × 100". Checked on submission, when both figures
    are given."""

    dataset = models.ForeignKey(
        DataSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("data set")
    )
    left = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("left")
    )
    operator = models.CharField(_("comparison"), max_length=2, choices=Comparison.choices)
    right = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("right")
    )
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=1)
    message_vi = models.CharField(_("message (Vietnamese)"), max_length=300, blank=True)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return f"{self.left.code} {self.operator} {self.factor} × {self.right.code}"


class ReportStatus(models.TextChoices):
    """The states of a periodic report; transitions live in `toandan.stats.services`."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


# A report counts in statistics and coverage once sent, until it is sent back.
COUNTED_STATUSES = frozenset({ReportStatus.SUBMITTED.value, ReportStatus.APPROVED.value})


class Report(models.Model):
    dataset = models.ForeignKey(
        DataSet, on_delete=models.PROTECT, related_name="reports", verbose_name=_("data set")
    )
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="stats_reports", verbose_name=_("unit")
    )
    period_id = models.CharField(_("period"), max_length=16)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # First submission: what "on time" is measured by.
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(pgettext_lazy("report", "created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "org_unit", "period_id"], name="stats_report_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["dataset", "period_id", "status"], name="stats_report_period_idx")
        ]
        ordering = ["-period_start", "org_unit__path"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.dataset.code} {self.org_unit.code} {self.period_id}"


class ReportValue(models.Model):
    """One figure of a report. Unit, place, period and whether the report counts are copied
    from the report, so roll-ups read this table alone; `counted` follows the report's status in the
    same transaction."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    # The unit's place (geo.AdminUnit ids): its province, and its commune for units below the
    # province; both empty for central units.
    province_id = models.PositiveIntegerField(null=True, blank=True)
    commune_id = models.PositiveIntegerField(null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    counted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="stats_report_value_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "counted", "period_start"], name="stats_value_rollup_idx"
            )
        ]
        verbose_name = _("report value")
        verbose_name_plural = _("report values")

    def __str__(self) -> str:
        return f"{self.report_id} {self.indicator_id} = {self.value}"


# --- Summary of tips ---------------------------------------------------------------------------

# The measures both summary tables keep (see `toandan.stats.summary.tip_measures`).
TIP_MEASURES: tuple[str, ...] = (
    "received",
    "valuable",
    "assessed",
    "concluded",
    "decided_in_time",
    "prosecuted",
    "not_prosecuted",
    "handed_over",
    "merged",
    "decision_days",
    "arrested",
    "property_recovered",
    "first_action",
    "first_action_hours",
)


class _TipMeasures(models.Model):
    received = models.BigIntegerField(default=0)
    valuable = models.BigIntegerField(default=0)
    # Assessed: valuable or not recorded (None = not assessed yet).
    assessed = models.BigIntegerField(default=0)
    concluded = models.BigIntegerField(default=0)
    decided_in_time = models.BigIntegerField(default=0)
    prosecuted = models.BigIntegerField(default=0)
    not_prosecuted = models.BigIntegerField(default=0)
    handed_over = models.BigIntegerField(default=0)
    merged = models.BigIntegerField(default=0)
    # Sum over concluded tips of the calendar days from receipt to decision (Vietnam time).
    decision_days = models.BigIntegerField(default=0)
    arrested = models.BigIntegerField(default=0)
    property_recovered = models.BigIntegerField(default=0)
    # Tips the police first acted on (acknowledged, a first step: `Tip.first_action_at`), and
    # the sum over them of the whole hours from receipt to that action. Added later: a default
    # in the database too, for statements written before them (migration 0003's fill).
    first_action = models.BigIntegerField(default=0, db_default=0)
    first_action_hours = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class TipFact(_TipMeasures):
    """Tips counted by the month they were received (a cohort: a later decision updates the
    same row), by the place as recorded (old units before 01/07/2025), category, channel and
    the Women's Union unit the tipster named. 0 in `commune_id`/`union_unit_id` means none:
    a unique key with NULLs would not match itself in ON CONFLICT."""

    month = models.DateField()
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune_id = models.PositiveIntegerField(default=0)
    category_id = models.PositiveIntegerField()
    channel = models.CharField(max_length=10)
    union_unit_id = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "province",
                    "commune_id",
                    "category_id",
                    "channel",
                    "union_unit_id",
                ],
                name="stats_tipfact_key",
            ),
        ]
        indexes = [models.Index(fields=["province", "month"], name="stats_tipfact_prov_idx")]
        verbose_name = _("tip summary row")
        verbose_name_plural = _("tip summary rows")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} p{self.province_id} c{self.commune_id} k{self.category_id}"


class TipProvinceFact(_TipMeasures):
    """The same counts at the grain of (month, province, category): the national roll-up
    reads a few thousand of these rows instead of grouping millions of tips."""

    month = models.DateField()
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    category_id = models.PositiveIntegerField()
    union_received = models.BigIntegerField(default=0)
    union_valuable = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "province", "category_id"], name="stats_tipprovincefact_key"
            ),
        ]
        indexes = [models.Index(fields=["province", "month"], name="stats_tipprov_prov_idx")]
        verbose_name = _("tip summary row (province)")
        verbose_name_plural = _("tip summary rows (province)")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} p{self.province_id} k{self.category_id}"


class TipCommuneFact(_TipMeasures):
    """The same counts at the grain of (month, province, commune), without category, channel
    or union unit: a drill-down into a province (communes × months) reads a few thousand of
    these rows, where the fine table holds about one row per tip (its key tells channels and
    union units apart). 0 in `commune_id` means the commune is not known."""

    month = models.DateField()
    province = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    commune_id = models.PositiveIntegerField(default=0)
    union_received = models.BigIntegerField(default=0)
    union_valuable = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "province", "commune_id"], name="stats_tipcommunefact_key"
            ),
        ]
        indexes = [models.Index(fields=["province", "month"], name="stats_tipcomm_prov_idx")]
        verbose_name = _("tip summary row (commune)")
        verbose_name_plural = _("tip summary rows (commune)")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} p{self.province_id} c{self.commune_id}"
