"""Commendation (thi đua, khen thưởng): campaigns, nominations up the organisation tree,
councils with a secret ballot, decisions, certificates and the honour roll.

Law 06/2022/QH15 on emulation and commendation (in force 01/01/2024) and its decree (Decree
98/2023/NĐ-CP until 30/06/2025, Decree 152/2025/NĐ-CP from 01/07/2025). Whatever the texts
leave to each organiser or that could not be confirmed (ballot thresholds, tie rules, quotas,
money multiples, the base salary) is data an administrator edits, each row with its
`legal_source`, never a constant in code.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit


class SubjectType(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household")


# Labels statistics uses for its breakdowns of awards (`toandan.stats.sources.awards`).
ALL_SUBJECT_TYPES = _("All subject types")
ALL_FORMS = _("All forms")


class FormKind(models.TextChoices):
    BANG_KHEN = "bang_khen", _("Certificate of merit (Bằng khen)")
    GIAY_KHEN = "giay_khen", _("Letter of commendation (Giấy khen)")
    KY_NIEM_CHUONG = "ky_niem_chuong", _("Commemorative medal (Kỷ niệm chương)")
    BIEU_DUONG = "bieu_duong", _("Public praise (biểu dương)")


# --- Reference data (admin-edited, each row with its legal source) ------------------------------


class AwardForm(models.Model):
    """A form of award and the authority that grants it (Law 06/2022 Art. 80 and sector rules)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FormKind.choices)
    name = models.CharField(pgettext_lazy("award form", "name"), max_length=200)
    granting_authority = models.CharField(_("granting authority"), max_length=200)
    subject_types = models.JSONField(_("subject types"), default=list, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=300)
    active = models.BooleanField(pgettext_lazy("award form", "active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("award form")
        verbose_name_plural = _("award forms")

    def __str__(self) -> str:
        return self.name


class BaseSalary(models.Model):
    """The base salary (mức lương cơ sở) in force from a date: award money is a multiple of
    the amount in force on the decision's date."""

    amount_vnd = models.PositiveIntegerField(_("amount (VND)"))
    valid_from = models.DateField(_("valid from"), unique=True)
    legal_source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")

    def __str__(self) -> str:
        return f"{self.amount_vnd} VND ({self.valid_from:%d/%m/%Y})"


class AwardMultiple(models.Model):
    """Money for a form and a subject type, as a multiple of the base salary, by the decree in
    force (Decree 98/2023 until 30/06/2025, Decree 152/2025 from 01/07/2025)."""

    form = models.ForeignKey(
        AwardForm, on_delete=models.CASCADE, related_name="multiples", verbose_name=_("award form")
    )
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    multiple = models.DecimalField(_("multiple of the base salary"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        ordering = ["form", "subject_type", "-valid_from"]
        verbose_name = _("award multiple")
        verbose_name_plural = _("award multiples")

    def __str__(self) -> str:
        return f"{self.form.code} {self.subject_type} × {self.multiple}"


class TieRule(models.TextChoices):
    WOMEN_FIRST = "women_first", _("Women (or collectives of at least 70 % women) first")
    MORE_VOTES = "more_votes", _("More votes in favour first")
    HIGHER_SCORE = "higher_score", _("Higher score first")
    COLLECTIVE_FIRST = "collective_first", _("Collectives first")


class BallotRule(models.Model):
    """How a council's secret ballot passes a nomination and orders ties, in force between two
    dates. The thresholds are UNCONFIRMED in the stored legal sources: data, not code."""

    name = models.CharField(pgettext_lazy("rule", "name"), max_length=200)
    pass_share = models.DecimalField(
        _("share of members' votes needed to pass"), max_digits=4, decimal_places=3
    )
    quorum_share = models.DecimalField(
        _("share of members who must vote"), max_digits=4, decimal_places=3, default=Decimal("0.5")
    )
    tie_rules = models.JSONField(_("tie rules, in order"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("ballot rule")
        verbose_name_plural = _("ballot rules")

    def __str__(self) -> str:
        return self.name


# --- Campaign ---------------------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open for nominations")
    COUNCIL = "council", _("Council reviewing")
    DECIDED = "decided", _("Decided")


class Campaign(models.Model):
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=300)
    organisers = models.ManyToManyField(
        OrgUnit, related_name="awards_campaigns", verbose_name=_("organisers")
    )
    period_start = models.DateField(_("period honoured from"))
    period_end = models.DateField(_("period honoured until"))
    # The geography of the period: provinces as they were then (old or current generation).
    scope_provinces = models.ManyToManyField(
        AdminUnit, related_name="+", verbose_name=_("provinces in scope")
    )
    region = models.CharField(pgettext_lazy("campaign", "region"), max_length=120, blank=True)
    subject_types = models.JSONField(_("subject types"), default=list)
    forms = models.ManyToManyField(AwardForm, related_name="campaigns", verbose_name=_("forms"))
    nominations_close_commune = models.DateField(_("commune nominations close"))
    nominations_close_province = models.DateField(_("province nominations close"))
    council_date = models.DateField(_("council date"))
    ceremony_date = models.DateField(_("ceremony date"))
    ceremony_place = models.CharField(_("ceremony place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ceremony_date", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One line of the campaign's weighted rubric, scored 0..max_score by each member."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(pgettext_lazy("criterion", "name"), max_length=300)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """How many nominations a province unit may forward for a subject type."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    max_count = models.PositiveSmallIntegerField(_("at most"))
    legal_source = models.CharField(_("legal source"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org_unit", "subject_type"], name="awards_quota_unique"
            )
        ]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self) -> str:
        return f"{self.org_unit} {self.subject_type} ≤ {self.max_count}"


# --- Nomination -------------------------------------------------------------------------------


class NominationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("nomination", "Draft")
    SUBMITTED = "submitted", _("Sent to the province")
    RETURNED = "returned", _("Returned")
    FORWARDED = "forwarded", _("Forwarded to the centre")
    RECEIVED = "received", _("Received by the centre")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    REVOKED = "revoked", _("Revoked")


class Nomination(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominations")
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    # A collective's name, an individual's or household head's full name; "" for a tipster.
    subject_name = models.CharField(_("name"), max_length=200, blank=True)
    # An individual: a woman (Decree 152/2025 Art. 4: on a tie, women first); a collective:
    # at least 70 % women.
    women_led = models.BooleanField(_("woman / at least 70 % women"), default=False)
    # The union (or police) unit the nominee belongs to, which nominated them.
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nominating unit")
    )
    # The province unit that consolidates and forwards (the unit's province ancestor).
    province_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("province unit")
    )
    # Where the nominee is active (a commune or a province, of the campaign's generation).
    place = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    form = models.ForeignKey(
        AwardForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("award form")
    )
    achievement = models.TextField(_("achievement report"))
    achievement_summary = models.CharField(_("achievement summary"), max_length=300)
    # The achievement's key (e.g. the model or case it rests on): one achievement, one award.
    achievement_key = models.CharField(_("achievement key"), max_length=120, blank=True)
    active_from = models.DateField(_("active from"))
    active_until = models.DateField(_("active until"), null=True, blank=True)
    police_opinion = models.TextField(_("opinion of the commune police"), blank=True)
    minutes = models.TextField(_("minutes of the assessment meeting"), blank=True)
    # Evidence computed from data at submission (toandan.awards.evidence), kept as it was.
    evidence = models.JSONField(_("evidence from data"), default=dict, blank=True)
    # Decree 152/2025 Art. 4: pending discipline, inspection, complaint or press allegation.
    frozen = models.BooleanField(_("frozen"), default=False)
    frozen_reason = models.CharField(_("why frozen"), max_length=300, blank=True)
    # Consent to be named publicly (honour roll, verify page); without it "một hội viên, …".
    consent_to_name = models.BooleanField(_("consents to be named publicly"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # An anonymous tipster: the tip (in tips) whose sender is nominated; identity stays sealed.
    tip_id = models.PositiveIntegerField(null=True, blank=True)
    tip_reference = models.CharField(max_length=16, blank=True)
    province_rank = models.PositiveSmallIntegerField(
        _("rank in the province"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NominationStatus.choices, default=NominationStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "province_unit", "province_rank", "id"]
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "tip_id"],
                condition=models.Q(tip_id__isnull=False),
                name="awards_one_nomination_per_tip",
            )
        ]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        return f"#{self.pk} {self.display_name}"

    @property
    def is_tipster(self) -> bool:
        return self.tip_id is not None

    @property
    def display_name(self) -> str:
        """The name staff see: a tipster is never named, only the tip's reference."""
        if self.is_tipster:
            return str(_("Sender of tip %(reference)s") % {"reference": self.tip_reference})
        return self.subject_name


class NominationFile(models.Model):
    """A file of the dossier (a report, a photo of the ceremony), cleaned of metadata."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


# --- Council ----------------------------------------------------------------------------------


class CouncilPhase(models.TextChoices):
    SCORING = "scoring", _("Scoring")
    BALLOT = "ballot", _("Secret ballot")
    CLOSED = "closed", _("Closed")


class Council(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="council")
    name = models.CharField(pgettext_lazy("council", "name"), max_length=300)
    # Blind phase: members score without seeing names (the dossier is shown without them).
    blind = models.BooleanField(_("blind scoring"), default=False)
    phase = models.CharField(
        _("phase"), max_length=10, choices=CouncilPhase.choices, default=CouncilPhase.SCORING
    )
    ballot_rule = models.ForeignKey(BallotRule, on_delete=models.PROTECT, related_name="+")
    ballot_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    # The unit the member comes from: nominees of that unit are recused automatically.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="awards_member_once")
        ]
        ordering = ["council", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Recusal(models.Model):
    """A member does not score or vote on a nomination (own unit, or a declared conflict)."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="recusals")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField(_("reason"), max_length=300)
    declared = models.BooleanField(_("declared by the member"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "nomination"], name="awards_recusal_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}→{self.nomination_id}"


class Score(models.Model):
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="scores")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # None: abstained
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "nomination", "criterion"], name="awards_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}/{self.criterion_id}"


# --- Secret ballot: tallies and who voted, never who voted what --------------------------------


class BallotTally(models.Model):
    """The counts of one nomination in the council's ballot: no row says who chose what."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="tallies")
    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="tally")
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.yes}/{self.no}/{self.abstain}"


class BallotVoter(models.Model):
    """That a member cast their ballot paper (once), kept apart from what it said. No time of
    its own beyond the day, so that it cannot be lined up with the tallies."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="voters")
    member = models.OneToOneField(CouncilMember, on_delete=models.CASCADE, related_name="+")
    voted_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.council_id}: {self.member_id}"


# --- Decision and certificates ------------------------------------------------------------------


class Decision(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT, related_name="decision")
    issuing_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number and symbol"), max_length=60)
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    base_salary_vnd = models.PositiveIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.number


class Award(models.Model):
    """One line of the decision's annex: a nominee, the form, the money and the certificate."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="awards")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="award")
    line = models.PositiveSmallIntegerField()
    form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+")
    multiple = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    amount_vnd = models.PositiveIntegerField(default=0)
    # The certificate: a short code printed with a QR that opens the public verify page.
    code = models.CharField(_("certificate code"), max_length=12, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    revocation_decision = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["decision", "line"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateLayout(models.Model):
    """Where each field goes on a pre-printed blank (millimetres from the top-left corner of
    an A4 landscape sheet), as the printing offices measure their stock."""

    name = models.CharField(pgettext_lazy("layout", "name"), max_length=120, unique=True)
    positions = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("certificate layout")
        verbose_name_plural = _("certificate layouts")

    def __str__(self) -> str:
        return self.name
