"""Community models (mô hình) of the all-people movement to protect national security.

Counted the way Guidance 22/HD-BCA-V05 (18/11/2022) counts: the model's name, its sites (điểm:
each area it works in or was replicated to) and its teams (tổ, where a site has several) with
member counts per team: counts, not lists of people. Every row carries its dates
(`started_on`, `ended_on`) so that "how many were active on 20/11/2023" has one answer.

The rules the guidance leaves open (the review calendar, the criteria, the grades, the share
of "xuất sắc", the minimum age of a graded team) are data an administrator edits, each with
its `legal_source`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit


class Theme(models.Model):
    """What a model works on (anti-drug, domestic violence, cameras, ...): a data list."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("initiative theme", "name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PILOTED = "piloted", _("Piloted")
    RECOGNISED = "recognised", _("Recognised")
    ACTIVE = "active", pgettext_lazy("initiative", "Active")
    CONSOLIDATING = "consolidating", _("Under consolidation")
    DISSOLVED = "dissolved", _("Dissolved")
    MERGED = "merged", pgettext_lazy("initiative", "Merged")


ENDED_STATUSES = frozenset({Status.DISSOLVED, Status.MERGED})


class AreaKind(models.TextChoices):
    """QĐ 510/QĐ-BCA-V05: residential areas review before 20/11, communes, agencies,
    enterprises and schools before 30/11 (the dates themselves are data: ReviewCalendar)."""

    RESIDENTIAL = "residential", _("Residential area")
    COMMUNE = "commune", pgettext_lazy("area kind", "Commune")
    AGENCY = "agency", _("Agency, enterprise or school")


class Initiative(models.Model):
    name = models.CharField(pgettext_lazy("initiative", "name"), max_length=300)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("theme")
    )
    # How it works, for other communes (shown in the public catalogue of exemplary models).
    practice = models.TextField(_("way of working"), blank=True)
    area_kind = models.CharField(
        _("kind of area"), max_length=12, choices=AreaKind.choices, default=AreaKind.RESIDENTIAL
    )
    # The union branch or commune union that runs it; the commune police co-host.
    host_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="hosted_initiatives",
        verbose_name=_("host unit"),
    )
    other_hosts = models.ManyToManyField(
        OrgUnit, blank=True, related_name="cohosted_initiatives", verbose_name=_("other hosts")
    )
    police_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="police_initiatives",
        verbose_name=_("co-host police unit"),
    )
    # The commune it was registered in (old generation for models before 01/07/2025) and,
    # after the 2025 reform, the commune that took it over (`toandan.geo` succession).
    commune = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=pgettext_lazy("initiative", "commune"),
    )
    current_commune = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune since 01/07/2025"),
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    decision_file = models.FileField(
        _("decision file"), upload_to="initiatives/decisions/", blank=True
    )
    # Visible to staff of the area only (never in the catalogue or the public API).
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    exemplary = models.BooleanField(_("exemplary model"), default=False)
    origin = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replicas",
        verbose_name=_("replicated from"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PROPOSED
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        indexes = [models.Index(fields=["started_on", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="initiatives_initiative_dates_ordered",
            ),
        ]
        verbose_name = _("community model")
        verbose_name_plural = _("community models")

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class Site(models.Model):
    """An area where the model works (điểm): its first one, or one it was replicated to."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="sites", verbose_name=_("model")
    )
    name = models.CharField(_("place"), max_length=200)
    commune = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="initiative_sites",
        verbose_name=pgettext_lazy("initiative", "commune"),
    )
    current_commune = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune since 01/07/2025"),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="initiatives_site_dates_ordered",
            ),
        ]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team (tổ) of a site, with its member count (not its members)."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="teams", verbose_name=_("site")
    )
    name = models.CharField(pgettext_lazy("team", "name"), max_length=200)
    member_count = models.PositiveIntegerField(_("members"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="initiatives_team_dates_ordered",
            ),
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class ChannelKind(models.TextChoices):
    ZALO = "zalo", _("Zalo group")
    FACEBOOK = "facebook", _("Facebook page")
    LOUDSPEAKER = "loudspeaker", _("Loudspeaker programme")
    WEBSITE = "website", _("Website")
    OTHER = "other", _("Other")


class Channel(models.Model):
    """An IT communication channel a model runs (the article asks for such models)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="channels", verbose_name=_("model")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ChannelKind.choices)
    address = models.CharField(_("address"), max_length=300)
    audience = models.PositiveIntegerField(_("audience"), default=0)
    posts_per_month = models.PositiveIntegerField(_("posts per month"), default=0)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = pgettext_lazy("communication channel", "channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.address


class ReviewCalendar(models.Model):
    """The review year and its deadlines. QĐ 510/QĐ-BCA-V05: residential areas before 20/11,
    communes before 30/11; HD 01/HD-BCA-V05: the year runs 15/11 to 14/11, "xuất sắc" at most
    20 % of "tốt", teams under 9 months or under complaint are not graded. All editable."""

    name = models.CharField(pgettext_lazy("calendar", "name"), max_length=160)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    year_starts_month = models.PositiveSmallIntegerField(_("year starts (month)"), default=11)
    year_starts_day = models.PositiveSmallIntegerField(_("year starts (day)"), default=15)
    residential_due_month = models.PositiveSmallIntegerField(default=11)
    residential_due_day = models.PositiveSmallIntegerField(default=20)
    commune_due_month = models.PositiveSmallIntegerField(default=11)
    commune_due_day = models.PositiveSmallIntegerField(default=30)
    # The day the year's count is stated ("Tính đến ngày 20/11/2023 ...").
    count_month = models.PositiveSmallIntegerField(_("count date (month)"), default=11)
    count_day = models.PositiveSmallIntegerField(_("count date (day)"), default=20)
    top_grade_cap_percent = models.PositiveSmallIntegerField(
        _("top grade at most (% of the next grade)"), default=20
    )
    min_months_to_grade = models.PositiveSmallIntegerField(
        _("months of activity before grading"), default=9
    )
    remind_days_before = models.PositiveSmallIntegerField(_("reminder (days before)"), default=14)
    legal_source = models.TextField(_("legal source"))

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("review calendar")
        verbose_name_plural = _("review calendars")

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A self-assessment criterion with the text it comes from."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text = models.TextField(_("criterion"))
    max_points = models.PositiveSmallIntegerField(_("points at most"), default=10)
    source_text = models.TextField(_("source text"), blank=True)
    legal_source = models.CharField(_("legal source"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.code


class Grade(models.Model):
    """A grade the province gives (xuất sắc, tốt, khá, trung bình, yếu)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(pgettext_lazy("grade", "name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Counts as an effective model (a commune must keep at least one).
    effective = models.BooleanField(_("effective"), default=True)
    # Capped as a share of the grade named here (xuất sắc ≤ 20 % of tốt); empty: no cap.
    capped_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("capped as a share of"),
    )
    legal_source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        ordering = ["order"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")

    def __str__(self) -> str:
        return self.name


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("review status", "Submitted")
    RETURNED = "returned", _("Returned")
    CONFIRMED = "confirmed", _("Confirmed by the commune police")
    GRADED = "graded", _("Graded")


class Review(models.Model):
    """The yearly (or half-year) review of one model (sơ kết / tổng kết)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("model")
    )
    year = models.PositiveSmallIntegerField(_("review year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due on"))
    activities = models.PositiveIntegerField(_("activities held"), default=0)
    members = models.PositiveIntegerField(_("members"), default=0)
    meetings = models.PositiveIntegerField(_("meetings"), default=0)
    tips_passed = models.PositiveIntegerField(_("tips passed to the police"), default=0)
    channel_posts = models.PositiveIntegerField(_("posts on its channels"), default=0)
    # {criterion code: points}
    scores = models.JSONField(_("self-assessment"), default=dict, blank=True)
    self_assessment = models.TextField(_("self-assessment remarks"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    grade = models.ForeignKey(
        Grade,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("grade"),
    )
    graded_on = models.DateField(_("graded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "year"], name="initiatives_review_one_per_year"
            ),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.initiative} {self.year}"

    @property
    def score_total(self) -> int:
        return sum(int(v) for v in self.scores.values())


class StockKey(models.Model):
    """One place (and theme) the counts are kept for: a commune, or a whole province when
    `commune` is empty (so the country's and the provinces' counts need one lookup per
    province); `theme` empty is the place's total."""

    commune = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, null=True, related_name="+")
    province = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "theme"], name="initiatives_stockkey_unique"
            ),
            models.UniqueConstraint(
                fields=["commune"],
                condition=models.Q(theme__isnull=True),
                name="initiatives_stockkey_unique_total",
            ),
            models.UniqueConstraint(
                fields=["province", "theme"],
                condition=models.Q(commune__isnull=True),
                name="initiatives_stockkey_unique_province",
            ),
            models.UniqueConstraint(
                fields=["province"],
                condition=models.Q(commune__isnull=True, theme__isnull=True),
                name="initiatives_stockkey_unique_province_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id or self.province_id}/{self.theme_id or '*'}"


class StockPoint(models.Model):
    """The counts of a key at the end of `day`, kept on every day they change: the counts on
    any date are, per key, the last point on or before it (one index lookup per key).

    A commune's total key also has a point at every month end from its first point through
    `StockMonthEnds.through`, so the counts of every commune on a date are the last point of
    each key between the month end before it and the date: one range of the day index
    (`toandan.initiatives.stock`)."""

    key = models.ForeignKey(StockKey, on_delete=models.CASCADE, related_name="points")
    day = models.DateField()
    models_count = models.IntegerField(default=0)
    sites = models.IntegerField(default=0)
    teams = models.IntegerField(default=0)
    members = models.IntegerField(default=0)
    # The key is a commune's total (commune set, no theme): the partial index of the counts by
    # commune holds only these points.
    commune_total = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "day"], name="initiatives_stockpoint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key_id}@{self.day}"


class StockMonthEnds(models.Model):
    """The last month end through which every commune's total key has its month-end points
    (one row; none until the stock is built or the morning task first extends them)."""

    through = models.DateField()

    def __str__(self) -> str:
        return f"{self.through}"
