"""Models of antifraud: indicators (identifiers a scammer used), the officers' reports that
ground them in tips, appeals by their holders, the curated official list, the listing rules
(data with their legal source), aggregate lookup counters, and warnings.

An indicator never holds a tip's text or anything about its tipster: a report keeps the tip's
id and reference (for the officers), its unit and its category.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.identifiers import Kind
from toandan.orgs.models import OrgUnit

# "One citizen report never lists a number by itself" (issue 15): the floor of the rule.
MIN_REPORTS_TO_SHOW = 2


class IdentifierKind(models.TextChoices):
    PHONE = Kind.PHONE.value, _("Phone number")
    BANK_ACCOUNT = Kind.BANK_ACCOUNT.value, _("Bank account")
    EWALLET = Kind.EWALLET.value, _("E-wallet")
    URL = Kind.URL.value, _("Link")
    DOMAIN = Kind.DOMAIN.value, _("Website domain")
    SOCIAL = Kind.SOCIAL.value, _("Social network account")


class ScamType(models.Model):
    """A kind of scam as the public page names it, with what to do (data, admin-editable).
    `category_code` is the tips category a fraud tip of this kind is filed under."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category_code = models.SlugField(_("tip category code"), max_length=40, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    advice_vi = models.TextField(_("what to do (Vietnamese)"), blank=True)
    advice_en = models.TextField(_("what to do (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ("order", "code")
        verbose_name = _("scam type")
        verbose_name_plural = _("scam types")

    def __str__(self) -> str:
        return self.name_vi

    def localized_name(self) -> str:
        from django.utils import translation

        return self.name_en if translation.get_language() == "en" else self.name_vi

    def localized_advice(self) -> str:
        from django.utils import translation

        return self.advice_en if translation.get_language() == "en" else self.advice_vi


class ListingRule(models.Model):
    """How many independent reports show an indicator as "being verified", and after how
    many days without a new report a listed indicator expires. UNCONFIRMED in law: data an
    administrator edits, with its source; the newest active row applies."""

    reports_to_show = models.PositiveSmallIntegerField(
        _("independent reports before 'being verified' shows"),
        default=2,
        validators=[
            MinValueValidator(
                MIN_REPORTS_TO_SHOW,
                message=_(
                    "At least 2: one citizen's report never lists a number by itself "
                    "(reports from one sender count once)."
                ),
            )
        ],
    )
    expiry_days = models.PositiveIntegerField(_("days without a new report before expiry"))
    legal_source = models.CharField(_("legal or policy source"), max_length=300)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reports_to_show__gte=MIN_REPORTS_TO_SHOW),
                name="af_rule_two_reporters",
            )
        ]
        verbose_name = _("listing rule")
        verbose_name_plural = _("listing rules")

    def __str__(self) -> str:
        return f"{self.reports_to_show} / {self.expiry_days}"


class IndicatorStatus(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("antifraud", "Reported")
    VERIFIED = "verified", _("Verified as fraud")
    DELISTED = "delisted", _("Delisted")
    EXPIRED = "expired", pgettext_lazy("antifraud", "Expired")


class IndicatorSource(models.TextChoices):
    POLICE = "police", _("Verified by the police from tips")
    IMPORTED = "imported", _("Imported from a partner")


class Indicator(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=500)
    display = models.CharField(_("shown as"), max_length=500, blank=True)
    # HMAC-SHA256 of "kind:value" under the range key (hex), for the hash-prefix API.
    digest = models.CharField(max_length=64, db_index=True)
    # The same under the previous key while a rotation's overlap runs (`RangeKey`), so
    # partner apps still on it get answers; "" otherwise.
    digest_previous = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=IndicatorStatus.choices,
        default=IndicatorStatus.REPORTED,
    )
    source = models.CharField(
        pgettext_lazy("antifraud", "source"),
        max_length=10,
        choices=IndicatorSource.choices,
        default=IndicatorSource.POLICE,
    )
    source_name = models.CharField(_("source name"), max_length=200, blank=True)
    scam_type = models.ForeignKey(
        ScamType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Distinct reporters (tips of one sender count once: `IndicatorReport.reporter_keys`).
    report_count = models.PositiveIntegerField(_("independent reports"), default=0)
    # Of those, reports from tips that carry nothing to tell their sender apart (anonymous,
    # by API or phone): each counts as one reporter, and the officers' page says so.
    unkeyed_reports = models.PositiveIntegerField(
        _("reports whose sender cannot be told apart"), default=0
    )
    loss_vnd = models.PositiveBigIntegerField(_("losses reported (VND)"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The level of the unit that verified it ("province", "commune"), shown as "why listed".
    verified_level = models.CharField(max_length=10, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("delisted or expired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value", "source"], name="af_indicator_unique")
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="af_indicator_status"),
            # Only during an overlap is the column filled: the index stays empty otherwise.
            models.Index(
                fields=["digest_previous"],
                condition=~models.Q(digest_previous=""),
                name="af_indicator_digest_prev",
            ),
        ]
        verbose_name = pgettext_lazy("antifraud", "indicator")
        verbose_name_plural = pgettext_lazy("antifraud", "indicators")

    def __str__(self) -> str:
        return f"{self.kind}:{self.display or self.value}"


class RangeKey(models.Model):
    """A key of the hash-prefix API (`toandan.antifraud.hashing`). The newest is current; the
    one before answers too until `retired_after` (the overlap of a rotation, during which
    partner apps switch). Without any row, the configured key (TOANDAN_FRAUD_RANGE_KEY) is
    version 1; the first rotation stores it here as such. The key sits in the database next
    to the indicators it hashes, which are there in clear anyway: it keeps the range API to
    partners, it does not protect the table."""

    version = models.PositiveIntegerField(unique=True)
    key_hex = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    retired_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-version",)

    def __str__(self) -> str:
        return f"range key v{self.version}"


class IndicatorReport(models.Model):
    """An officer confirmed, on a fraud tip, that this identifier is the fraudster's. One per
    identifier per tip. Reports are independent when their senders differ: `reporter_keys`
    are the tip's sender keys (`toandan.tips.senders`) hashed with this indicator's id, so
    two reports of one sender share a key here but nothing links a sender's reports about
    different identifiers, and no key says who sent anything."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="reports")
    tip_id = models.PositiveBigIntegerField()
    tip_reference = models.CharField(max_length=16)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    province_code = models.CharField(max_length=10, blank=True)
    category_code = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    reporter_keys = models.JSONField(default=list, blank=True)
    loss_vnd = models.PositiveBigIntegerField(_("loss (VND)"), default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "tip_id"], name="af_report_once_per_tip")
        ]
        indexes = [models.Index(fields=["tip_id"], name="af_report_tip")]

    def __str__(self) -> str:
        return f"{self.tip_reference} -> {self.indicator_id}"


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("antifraud", "Submitted")
    UPHELD = "upheld", _("Upheld: delisted")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    """The holder of a listed number, account or site asks for review; an officer decides
    with a reason (audited). The appellant follows it with a receipt, like a tip."""

    reference = models.CharField(_("appeal reference"), max_length=16, unique=True)
    receipt_hash = models.CharField(max_length=64, unique=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="appeals")
    statement = models.TextField(_("why it should be delisted"))
    contact = models.CharField(_("contact (optional)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return self.reference


class OfficialEntry(models.Model):
    """A number or site on the curated official list (banks' hotlines, government): the only
    identifiers the lookup calls "official"."""

    kind = models.CharField(_("kind"), max_length=16, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=500)
    display = models.CharField(_("shown as"), max_length=500, blank=True)
    owner = models.CharField(_("owner"), max_length=200)
    source = models.CharField(pgettext_lazy("antifraud", "source"), max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="af_official_unique")]
        verbose_name = _("official number or site")
        verbose_name_plural = _("official numbers and sites")

    def __str__(self) -> str:
        return f"{self.owner}: {self.display or self.value}"


class LookupCount(models.Model):
    """How many lookups per day, identifier kind and verdict: never what was asked."""

    day = models.DateField()
    kind = models.CharField(max_length=16)
    verdict = models.CharField(max_length=20)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "verdict"], name="af_lookup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.verdict}: {self.count}"


class WarningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class FraudWarning(models.Model):
    """A warning (cảnh báo) written by police or union staff for an audience: the members of
    a unit's subtree (a province's communes, a district's union branches) are told in the app
    and by email; the public page and the Atom feed list it once published."""

    title = models.CharField(_("title"), max_length=200)
    scam_type = models.ForeignKey(
        ScamType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("scam type"),
    )  # fmt: skip
    how_it_works = models.TextField(_("how the scam works"))
    what_to_do = models.TextField(_("what to do"))
    audience = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("audience (unit and the units below it)"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-published_at", "-created_at")
        verbose_name = _("fraud warning")
        verbose_name_plural = _("fraud warnings")

    def __str__(self) -> str:
        return self.title


class WarningReach(models.Model):
    """How far a warning went, per unit: notifications sent to its members, and visits
    through the link they got. Never per person."""

    warning = models.ForeignKey(FraudWarning, on_delete=models.CASCADE, related_name="reach")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    sent = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warning", "unit"], name="af_reach_unique")]

    def __str__(self) -> str:
        return f"{self.warning_id}@{self.unit_id}: {self.sent}/{self.opened}"
