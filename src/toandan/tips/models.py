"""Tips (tin báo, tố giác) from citizens and union members, as the intake register keeps them.

What a tip says (its content) and who sent it (contact details) are encrypted at rest with
envelope encryption: each tip has its own data key, wrapped by a key-encryption key (KEK) that
lives outside the database (see `toandan.tips.crypto`). Contact details have a separate data key
and a separate table, so opening a tip never opens who sent it. Only the fields needed to route,
count and list tips are stored in clear: category, place, dates, status, register number.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.geo.models import AdminUnit
from toandan.orgs.models import OrgUnit


class CategoryGroup(models.TextChoices):
    PROPERTY = "property", _("Theft, robbery and property")
    DRUGS = "drugs", _("Drugs")
    SOCIAL_EVILS = "social_evils", _("Gambling and prostitution")
    VIOLENCE = "violence", _("Fights, injuries and domestic violence")
    TRAFFICKING = "trafficking", _("Human trafficking")
    FRAUD = "fraud", _("Fraud and high-tech fraud")
    CYBER = "cyber", _("Cybercrime")
    SMUGGLING = "smuggling", _("Smuggling")
    OTHER = "other", _("Other offences")


# Tips about drugs or trafficking are never listed publicly, whatever a category's flags say:
# the list could warn the people they are about.
NEVER_LISTED_GROUPS = frozenset({CategoryGroup.DRUGS.value, CategoryGroup.TRAFFICKING.value})
# The default categories migration 0008 marked sensitive: never listed, whatever their flag says
# (an administrator may have unticked it before the flag became permanent).
DEFAULT_SENSITIVE_CODES = frozenset(
    {
        "drug-use",
        "drug-den",
        "drug-trafficking",
        "human-trafficking",
        "domestic-violence",
        "prostitution",
        "fight-injury",
        "fraud-romance",
        "fraud-deepfake",
        "other",
    }
)


class Seriousness(models.TextChoices):
    """The classes of crime of the Criminal Code 2015, Art. 9."""

    LESS_SERIOUS = "less_serious", _("Less serious")
    SERIOUS = "serious", _("Serious")
    VERY_SERIOUS = "very_serious", _("Very serious")
    ESPECIALLY_SERIOUS = "especially_serious", _("Especially serious")


class Category(models.Model):
    """What a tip is about. Data, editable in the admin: names are stored in both languages
    because categories are added by administrators, not by translators.

    The public Open311 list (`GET /open311/v2/requests`) shows a category's tips only when an
    administrator opts it in (`open311_listed`); a sensitive category, or one in
    `NEVER_LISTED_GROUPS` or `DEFAULT_SENSITIVE_CODES`, can never be (form validation, a
    database constraint, and the list's own filter). Once sensitive, a category stays so."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(
        pgettext_lazy("category", "group"), max_length=20, choices=CategoryGroup.choices
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # Serious categories also send an information copy to the province police.
    is_serious = models.BooleanField(_("serious"), default=False)
    # What the forwarding deadline of the category's tips is (TTLT 01/2021: 24 h, 48 h from a
    # remote commune, for very serious and especially serious crimes and cases of public
    # concern; 7 days otherwise): data an administrator edits, with its legal source.
    seriousness = models.CharField(
        _("seriousness (Criminal Code Art. 9)"),
        max_length=20,
        choices=Seriousness.choices,
        blank=True,
    )
    forward_hours = models.PositiveSmallIntegerField(
        _("forward within (hours)"),
        null=True,
        blank=True,
        help_text=_("Empty: the ordinary 7 days."),
    )
    forward_remote_hours = models.PositiveSmallIntegerField(
        _("forward within (hours), remote commune"),
        null=True,
        blank=True,
        help_text=_("Empty: the setting's hours for remote communes (48)."),
    )
    seriousness_source = models.CharField(_("legal source"), max_length=300, blank=True)
    # BLTTHS Art. 155: some offences (minor injury, Criminal Code Art. 134(1) ...) are only
    # prosecuted at the victim's request, so the form asks for it.
    asks_victim_request = models.BooleanField(_("asks whether the victim requests prosecution"))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Drugs, trafficking, domestic violence, sexual offences, or anything about a "
            "person: tips of a sensitive category are never in the public Open311 list."
        ),
    )
    open311_listed = models.BooleanField(
        _("in the public Open311 list"),
        default=False,
        help_text=_(
            "Show this category's tips in the public list GET /open311/v2/requests: their "
            "reference, category, responsible police unit, status and the day they arrived "
            "(never the hour, never the content), only some days after they arrived. In a small "
            "commune even this can warn a suspect or point at a tipster: list only categories "
            "where that cannot happen. Never for sensitive categories, drugs or trafficking."
        ),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("tip category")
        verbose_name_plural = _("tip categories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(open311_listed=False)
                | (models.Q(sensitive=False) & ~models.Q(group__in=sorted(NEVER_LISTED_GROUPS))),
                name="tips_category_sensitive_never_listed",
            )
        ]

    def __str__(self) -> str:
        return self.name_vi

    def clean(self) -> None:
        # Sensitive is for good: otherwise unticking it in one save and listing the category
        # in the next would publish domestic-violence tips. The admin shows it read-only.
        if (
            not self.sensitive
            and self.pk is not None
            and Category.objects.filter(pk=self.pk, sensitive=True).exists()
        ):
            raise ValidationError(
                {"sensitive": _("A sensitive category stays sensitive; it cannot be unmarked.")}
            )
        if self.open311_listed and (
            self.sensitive
            or self.group in NEVER_LISTED_GROUPS
            or self.code in DEFAULT_SENSITIVE_CODES
        ):
            raise ValidationError(
                {
                    "open311_listed": _(
                        "A sensitive category, or one about drugs or trafficking, is never in "
                        "the public Open311 list."
                    )
                }
            )
        # A deadline is the law's: hours set without the text that sets them are not kept.
        if (self.forward_hours is not None or self.seriousness) and not self.seriousness_source:
            raise ValidationError(
                {"seriousness_source": _("Give the legal source of the seriousness and hours.")}
            )

    def localized_name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        lang = language or get_language() or "vi"
        return self.name_en if lang.startswith("en") and self.name_en else self.name_vi


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("JSON API")
    OPEN311 = "open311", _("Open311")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    MAIL = "mail", _("Mail")


STAFF_CHANNELS = {Channel.PHONE, Channel.IN_PERSON, Channel.MAIL}


class TipStatus(models.TextChoices):
    """The legal timeline (BLTTHS Art. 146-149); transitions live in
    `toandan.tips.handling.timeline`."""

    RECEIVED = "received", pgettext_lazy("tip status", "Received")
    CHECKING = "checking", pgettext_lazy("tip status", "Preliminary check")
    # Sent to another unit, which has not yet accepted it (or sent it back).
    FORWARDED = "forwarded", pgettext_lazy("tip status", "Forwarded, awaiting acceptance")
    # Taken for resolution: a decision is due (Art. 147).
    RESOLVING = "resolving", pgettext_lazy("tip status", "Being resolved")
    SUSPENDED = "suspended", pgettext_lazy("tip status", "Suspended")
    CONCLUDED = "concluded", pgettext_lazy("tip status", "Concluded")
    MERGED = "merged", pgettext_lazy("tip status", "Merged into another tip")


OPEN_STATUSES = frozenset(
    {
        TipStatus.RECEIVED.value,
        TipStatus.CHECKING.value,
        TipStatus.FORWARDED.value,
        TipStatus.RESOLVING.value,
        TipStatus.SUSPENDED.value,
    }
)


class Outcome(TextChoices):
    """How a tip ended (Art. 147(1) decisions, or not a criminal matter)."""

    PROSECUTED = "prosecuted", _("Criminal case opened (khởi tố vụ án)")
    NOT_PROSECUTED = "not_prosecuted", _("Not prosecuted (không khởi tố vụ án)")
    HANDED_OVER = "handed_over", _("Not a criminal matter; handed to the competent agency")


class DueKind(TextChoices):
    """Which legal deadline `Tip.due_at` is; `toandan.tips.handling.timeline.DUE_ARTICLES` names
    the law."""

    FORWARD = "forward", _("Forward to the competent unit")
    DECIDE = "decide", _("Decision (20 days)")
    DECIDE_COMPLEX = "decide_complex", _("Decision, complex case (2 months)")
    DECIDE_PROCURACY = "decide_procuracy", _("Decision, extended by the procuracy")
    DECIDE_RESUMED = "decide_resumed", _("Decision after resumption (1 month)")
    DECIDE_CANCELLED = (
        "decide_cancelled",
        _("Decision after the suspension was cancelled (1 month)"),
    )
    DECIDE_REOPENED = (
        "decide_reopened",
        _("Decision after the decision not to prosecute was cancelled"),
    )


class SuspensionGround(TextChoices):
    """BLTTHS Art. 148(1)."""

    EXPERT_ASSESSMENT = "expert_assessment", _("Awaiting an expert assessment (giám định)")
    VALUATION = "valuation", _("Awaiting a property valuation (định giá tài sản)")
    FOREIGN_ASSISTANCE = "foreign_assistance", _("Awaiting foreign legal assistance")
    DOCUMENTS = "documents", _("Awaiting documents or objects requested")
    FORCE_MAJEURE = "force_majeure", _("Natural disaster or epidemic")


class ValuableReason(TextChoices):
    """Why a tip counts as valuable (có giá trị) for the movement."""

    LED_TO_CASE = "led_to_case", _("Led to a criminal case")
    PREVENTED_OFFENCE = "prevented_offence", _("Prevented an offence")
    IDENTIFIED_SUSPECT = "identified_suspect", _("Identified a suspect")
    ARREST = "arrest", _("Led to an arrest")
    RECOVERED_PROPERTY = "recovered_property", _("Recovered property")
    SEIZED_EVIDENCE = "seized_evidence", _("Seized drugs, weapons or other evidence")
    ADMINISTRATIVE_SANCTION = "administrative_sanction", _("Led to an administrative sanction")
    OTHER = "other", _("Other (see the reason)")


class OffenceChapter(models.IntegerChoices):
    """Chapters of the Criminal Code 2015 (Bộ luật Hình sự) with offences."""

    NATIONAL_SECURITY = 13, _("XIII. National security")
    LIFE_HEALTH = 14, _("XIV. Life, health, dignity and honour")
    FREEDOM = 15, _("XV. Freedom and democratic rights")
    PROPERTY = 16, _("XVI. Property")
    FAMILY = 17, _("XVII. Marriage and family")
    ECONOMY = 18, _("XVIII. Economic management")
    ENVIRONMENT = 19, _("XIX. Environment")
    DRUGS = 20, _("XX. Drugs")
    PUBLIC_ORDER = 21, _("XXI. Public safety and public order")
    ADMINISTRATION = 22, _("XXII. Administrative management")
    POSITION = 23, _("XXIII. Offences of position (corruption)")
    JUSTICE = 24, _("XXIV. Judicial activities")
    MILITARY = 25, _("XXV. Military duties")
    HUMANITY = 26, _("XXVI. Peace, humanity and war crimes")


class VictimRequest(models.TextChoices):
    YES = "yes", _("Yes, the victim asks for prosecution")
    NO = "no", _("No, the victim does not ask for prosecution")
    UNKNOWN = "unknown", _("I do not know")


class ReceiptKind(models.TextChoices):
    CITIZEN = "citizen", _("Chosen by the system for the tipster")
    # Staff-entered tips: the officer hands this receipt over; the tipster must replace it on
    # first use, so the officer no longer knows a receipt that opens the tip.
    STAFF_ISSUED = "staff_issued", _("Handed over by an officer; to be replaced on first use")


class Tip(models.Model):
    # Public reference: shown to the tipster and to officers, used by Open311 as
    # service_request_id. Random, so it reveals neither the count nor the order of tips.
    reference = models.CharField(_("reference"), max_length=16, unique=True)
    # Keyed hash of the receipt (see tips.intake.receipts); the receipt itself is never stored.
    # Unique by a constraint in Meta, not `unique=True`, as `register_number`: see there.
    receipt_hash = models.CharField(max_length=64)
    receipt_kind = models.CharField(
        max_length=12, choices=ReceiptKind.choices, default=ReceiptKind.CITIZEN
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tips", verbose_name=_("category")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TipStatus.choices, default=TipStatus.RECEIVED
    )
    # Where: the province is always known; the commune may not be.
    # No index of their own on this and the other foreign keys that lead a composite index in
    # Meta (province, commune, register_unit, responsible_unit, pending_unit): that index
    # answers their lookups, and every new tip would update both inside the intake transaction.
    province = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        db_index=False,
    )
    commune = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
        db_index=False,
    )
    # When: exact when known, otherwise a date range (occurred_on ... occurred_until) and the
    # tipster's own words inside the encrypted content.
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    occurred_on = models.DateField(_("occurred on or after"), null=True, blank=True)
    occurred_until = models.DateField(_("occurred on or before"), null=True, blank=True)
    victim_request = models.CharField(
        _("victim requests prosecution"),
        max_length=8,
        choices=VictimRequest.choices,
        blank=True,
    )
    # "I am a member of branch ...": counted for the movement, says nothing about who.
    union_branch = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("union branch of the tipster"),
    )
    has_contact = models.BooleanField(_("tipster left contact details"), default=False)
    # Intake register (BLTTHS Art. 146): the receiving unit's book, one per year, no gaps.
    register_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="registered_tips",
        verbose_name=_("receiving unit"),
        db_index=False,
    )
    register_year = models.PositiveSmallIntegerField(_("register year"))
    register_seq = models.PositiveIntegerField(_("register sequence"))
    register_number = models.CharField(_("register number"), max_length=60)
    received_at = models.DateTimeField(_("received at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Staff-entered tips: who entered it (phone, in person, mail).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    # Envelope encryption of the content (description, address, people, vehicles, when in the
    # tipster's words, and later the result told to the tipster).
    kek_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    content = models.BinaryField()
    retention_until = models.DateField(_("keep until"))

    # --- Handling (the legal timeline; written only by toandan.tips.handling.timeline) ------------
    # The unit that has the tip now (the active primary route), kept on the row so the inbox
    # is one indexed query. `pending_unit` is where it was forwarded, until that unit accepts.
    responsible_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        on_delete=models.PROTECT,
        related_name="responsible_tips",
        verbose_name=_("responsible unit"),
        db_index=False,
    )
    pending_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_tips",
        verbose_name=_("forwarded to"),
        db_index=False,
    )
    # Caught in the act or an urgent case: forwarding is due within 24 h like serious ones.
    is_flagrant = models.BooleanField(_("flagrant or urgent"), default=False)
    # When the current unit received it (intake, or the delivery of a forwarded tip, not its
    # acceptance: Art. 147(1) counts "kể từ ngày nhận được"): the clock of the forwarding and
    # 20-day deadlines.
    clock_started_at = models.DateTimeField(_("clock started at"), null=True, blank=True)
    # A forwarded tip: when it reached the unit it was sent to, and when that unit accepted it.
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    due_kind = models.CharField(_("deadline"), max_length=20, choices=DueKind.choices, blank=True)
    # The last day of the running period as counted, before BLTTHS Art. 134 moves it off a day
    # off: an announced change of the calendar recomputes `due_at` from it.
    due_period_end = models.DateField(_("period ends (as counted)"), null=True, blank=True)
    complex_extended = models.BooleanField(_("extended as a complex case"), default=False)
    procuracy_decision = models.CharField(
        _("procuracy extension decision"), max_length=80, blank=True
    )
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_ground = models.CharField(
        _("ground for suspension"), max_length=20, choices=SuspensionGround.choices, blank=True
    )
    first_action_at = models.DateTimeField(_("first action at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # Decided before the deadline that applied at the time (for "share decided in time").
    decided_in_time = models.BooleanField(_("decided in time"), null=True, blank=True)
    # Within 24 h a decision to prosecute (Art. 154(2), TT 28/2020 Art. 16), not to prosecute
    # (Art. 158) or to suspend (Art. 148) goes to the procuracy.
    procuracy_due_at = models.DateTimeField(_("send to the procuracy by"), null=True, blank=True)
    procuracy_sent_at = models.DateTimeField(_("sent to the procuracy at"), null=True, blank=True)
    # What the movement counts. None = not assessed yet.
    valuable = models.BooleanField(_("valuable"), null=True, blank=True)
    valuable_reasons = models.JSONField(_("why valuable"), default=list, blank=True)
    offence_chapter = models.PositiveSmallIntegerField(
        _("offence (Criminal Code chapter)"), choices=OffenceChapter.choices, null=True, blank=True
    )
    arrested_count = models.PositiveIntegerField(_("people arrested"), null=True, blank=True)
    property_recovered_vnd = models.PositiveBigIntegerField(
        _("property recovered (VND)"), null=True, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tips",
        verbose_name=_("merged into"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["register_unit", "register_year", "register_seq"],
                name="tips_register_seq_unique",
            ),
            # Constraints rather than `unique=True`, which on PostgreSQL adds a second index
            # for prefix searches (varchar_pattern_ops) that nothing runs on these columns
            # (the inbox's register number search is case-insensitive and uses neither).
            # Named as `unique=True` named them: the database keeps the same constraints.
            models.UniqueConstraint(fields=["receipt_hash"], name="tips_tip_receipt_hash_key"),
            models.UniqueConstraint(
                fields=["register_number"], name="tips_tip_register_number_key"
            ),
        ]
        indexes = [
            models.Index(fields=["register_unit", "status", "received_at"]),
            models.Index(fields=["province", "received_at"]),
            models.Index(fields=["commune", "received_at"]),
            # The retention purge and `toandan keys status/rotate` look tips up by these.
            models.Index(fields=["retention_until"]),
            models.Index(fields=["kek_id"]),
            # The inbox: a unit's tips by status, soonest deadline first.
            # Covering the sort, so a province's page of ids comes from the index alone.
            models.Index(
                fields=["responsible_unit", "status", "due_at"],
                include=["received_at", "id"],
                name="tips_tip_inbox_idx",
            ),
            models.Index(fields=["responsible_unit", "received_at"]),
            models.Index(fields=["pending_unit", "status"]),
            models.Index(fields=["status", "due_at"]),
        ]
        ordering = ["-received_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self) -> str:
        return self.register_number


class TipsterContact(models.Model):
    """Who sent the tip, when they chose to say. Separate table and separate data key: only
    the identity-reveal procedure of the handling issue decrypts it."""

    tip = models.OneToOneField(Tip, on_delete=models.CASCADE, related_name="contact")
    kek_id = models.CharField(max_length=32)
    wrapped_key = models.BinaryField()
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["kek_id"])]
        verbose_name = _("tipster contact")
        verbose_name_plural = _("tipster contacts")

    def __str__(self) -> str:
        return f"contact of {self.tip_id}"


class RouteRole(models.TextChoices):
    PRIMARY = "primary", _("Responsible")
    INFORMATION = "information", _("Information copy")


class TipRoute(models.Model):
    """One unit that received the tip, and why (the rule that sent it there)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="routes")
    # Looked up by the index (org_unit, role, active) in Meta, which it leads: no index of its
    # own for every new tip's route to update.
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="tip_routes", db_index=False
    )
    role = models.CharField(max_length=12, choices=RouteRole.choices)
    rule = models.ForeignKey(
        "RoutingRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The explanation shown on the tip: "Nơi xảy ra: phường Hoàn Kiếm → Công an phường Hoàn Kiếm".
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "org_unit", "role"],
                condition=models.Q(active=True),
                name="tips_route_unique_active",
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "role", "active"])]
        verbose_name = _("tip route")
        verbose_name_plural = _("tip routes")

    def __str__(self) -> str:
        return f"{self.tip_id} → {self.org_unit_id} ({self.role})"


class RoutingCondition(models.TextChoices):
    COMMUNE_KNOWN = "commune_known", _("The commune is known")
    COMMUNE_UNKNOWN = "commune_unknown", _("The commune is not known")
    ALWAYS = "always", _("Always")


class RoutingTarget(models.TextChoices):
    COMMUNE_POLICE = "commune_police", _("Police of the commune")
    PROVINCE_POLICE = "province_police", _("Police of the province")


class RoutingRule(models.Model):
    """The routing table, as data. Rules are tried in `priority` order; the first matching
    `primary` rule decides the responsible unit, and every matching `information` rule adds a
    read-only copy. A rule may be limited to one category or to serious categories."""

    name = models.CharField(pgettext_lazy("category", "name"), max_length=160)
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    condition = models.CharField(_("when"), max_length=16, choices=RoutingCondition.choices)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("only for category"),
    )
    only_serious = models.BooleanField(_("only for serious categories"), default=False)
    target = models.CharField(_("send to"), max_length=16, choices=RoutingTarget.choices)
    role = models.CharField(_("as"), max_length=12, choices=RouteRole.choices)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class RegisterBook(models.Model):
    """The intake register of one unit for one year: holds the last number given.

    Numbers are taken under a row lock in the transaction that records the tip, so they are
    unique and, because a rolled-back tip rolls its number back too, without gaps.
    """

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year"], name="tips_register_book_unique")
        ]
        verbose_name = _("intake register")
        verbose_name_plural = _("intake registers")

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.year}: {self.last_seq}"


class MessageDirection(models.TextChoices):
    TO_TIPSTER = "to_tipster", _("From the police to the tipster")
    FROM_TIPSTER = "from_tipster", _("From the tipster")


class TipMessage(models.Model):
    """A question from the officer or an answer from the tipster; body encrypted with the
    tip's data key."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=12, choices=MessageDirection.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.BinaryField()
    # A page of this site the tipster may open from the message (a commendation's
    # certificate): a site-relative path, written only through `tips.interface`.
    link = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tip message")
        verbose_name_plural = _("tip messages")

    def __str__(self) -> str:
        return f"{self.tip_id} {self.direction} {self.created_at:%Y-%m-%d}"


class TipAttachment(models.Model):
    """A file sent with a tip or a reply: encrypted on disk with the tip's data key, its
    original name encrypted in the database, identifying metadata removed unless kept."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TipMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    # Random name of the encrypted file under settings.TOANDAN_ATTACHMENTS_DIR.
    storage_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    name = models.BinaryField()  # encrypted original file name
    metadata_removed = models.BooleanField(default=True)
    kept_location = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tip attachment")
        verbose_name_plural = _("tip attachments")

    def __str__(self) -> str:
        return self.storage_name


class TipAction(TextChoices):
    """Everything that can happen to a tip after intake; the history is a list of these."""

    CHECK = "check", _("Start the preliminary check")
    FORWARD = "forward", _("Forward to the competent unit")
    ACCEPT = "accept", _("Accept the forwarded tip")
    RETURN = "return", _("Send the forwarded tip back")
    REROUTE = "reroute", _("Correct the responsible unit")
    TAKE = "take", _("Take for resolution")
    EXTEND_COMPLEX = "extend_complex", _("Extend: complex case")
    EXTEND_PROCURACY = "extend_procuracy", _("Extend: procuracy decision")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    PROSECUTE = "prosecute", _("Decide: open a criminal case")
    NOT_PROSECUTE = "not_prosecute", _("Decide: not to prosecute")
    HAND_OVER = "hand_over", _("Not a criminal matter: hand over")
    MERGE = "merge", _("Merge into another tip")
    SEND_TO_PROCURACY = "send_to_procuracy", _("Record sending to the procuracy")
    PROCURACY_CANCEL_SUSPENSION = (
        "cancel_suspension",
        _("Procuracy cancelled the suspension"),
    )
    PROCURACY_CANCEL_NOT_PROSECUTE = (
        "cancel_no_prosecute",
        _("Procuracy cancelled the decision not to prosecute"),
    )
    CORRECT_OUTCOME = "correct_outcome", _("Correct the outcome")
    NOTE = "note", _("Internal note")
    MESSAGE = "message", _("Message to the tipster")
    REVEAL = "reveal", _("Tipster identity revealed")


class TipEvent(models.Model):
    """One entry of a tip's history. Free text (reasons, notes) is encrypted with the tip's data
    key; `data` holds only what is safe in clear (decision numbers, grounds, unit ids)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=TipAction.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The actor's unit and, for forwarding/re-routing, the other unit.
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    text = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["tip", "created_at"])]
        verbose_name = _("tip event")
        verbose_name_plural = _("tip events")

    def __str__(self) -> str:
        return f"{self.tip_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class RevealStatus(TextChoices):
    PENDING = "pending", _("Awaiting a second officer's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ContactReveal(models.Model):
    """A request to see who sent a tip (BLTTHS Art. 56: the tipster is a protected person).

    Made by a police leader or a designated identity custodian with a written reason; when
    TOANDAN_REVEAL_SECOND_APPROVAL is on, another such officer must approve it first. Each
    reading of the contact details is also an audit event; the unit's leaders see the list."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="reveals")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=RevealStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # An approved reveal can be read until this time (then a new request is needed).
    valid_until = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"])]
        verbose_name = _("identity reveal")
        verbose_name_plural = _("identity reveals")

    def __str__(self) -> str:
        return f"reveal {self.tip_id} by {self.requested_by_id} ({self.status})"


class TipFingerprint(models.Model):
    """What a tip says, reduced to something that can be compared but not read: a MinHash
    signature of its words, each word hashed with a key from the keyring (see
    `toandan.tips.duplicates`). The plaintext stays encrypted in `Tip.content`."""

    tip = models.OneToOneField(
        Tip, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    # Algorithm and key generation: a change makes old signatures incomparable, so
    # `toandan fingerprints_rebuild` recomputes them.
    version = models.PositiveSmallIntegerField()
    signature = models.BinaryField()

    class Meta:
        verbose_name = _("tip fingerprint")
        verbose_name_plural = _("tip fingerprints")

    def __str__(self) -> str:
        return f"fingerprint of {self.tip_id}"


class TipBand(models.Model):
    """One locality-sensitive hash band of a fingerprint: tips sharing a band key are
    candidates. Place, time and category are copied from the tip so the candidate lookup is one
    index range per band, without touching the tips table."""

    band_key = models.BigIntegerField()
    # No constraint in the database: each of a new tip's 32 rows would fire a deferred check
    # of the tip at COMMIT, under the register's lock. They are written in the tip's own
    # transaction and the ORM's cascade deletes them with it (the index stays, for that).
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # Copies of the tip's own columns, whose constraints already hold: no constraint or index
    # of their own, so the 32 rows of a new tip cost no extra checks at intake.
    province = models.ForeignKey(
        AdminUnit,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    received_at = models.DateTimeField()
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        indexes = [
            # The tip last: each band is answered from the index alone (no table reads).
            models.Index(
                fields=["band_key", "province", "received_at", "tip"],
                name="tips_band_lookup_idx",
            )
        ]
        verbose_name = _("tip fingerprint band")
        verbose_name_plural = _("tip fingerprint bands")

    def __str__(self) -> str:
        return f"band {self.band_key} of {self.tip_id}"


class UnitMonthCount(models.Model):
    """What each police unit did in each month (Vietnam calendar), kept current in the
    transaction of every tip change by `toandan.tips.dashboard.unit_counts`, so the unit dashboard
    reads a few rows per unit instead of the unit's tips.

    A tip counts for the unit responsible for it now (`Tip.responsible_unit`, as in the inbox):
    re-routing or accepting a forwarded tip moves its counts. Each measure sits in the month of
    its own date: `received` by the month of receipt; `concluded`, `decided` (concluded with a
    known timeliness), `decided_in_time` and `valuable` by the month of the conclusion;
    `first_action_count` and the `first_action_*` histogram (hours from receipt to the first
    action, in the bands of `unit_counts.FIRST_ACTION_BANDS`) by the month of the first action.
    """

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    month = models.DateField()  # its first day
    received = models.IntegerField(default=0)
    concluded = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    decided_in_time = models.IntegerField(default=0)
    valuable = models.IntegerField(default=0)
    first_action_count = models.IntegerField(default=0)
    first_action_1h = models.IntegerField(default=0)
    first_action_2h = models.IntegerField(default=0)
    first_action_4h = models.IntegerField(default=0)
    first_action_8h = models.IntegerField(default=0)
    first_action_12h = models.IntegerField(default=0)
    first_action_24h = models.IntegerField(default=0)
    first_action_48h = models.IntegerField(default=0)
    first_action_72h = models.IntegerField(default=0)
    first_action_168h = models.IntegerField(default=0)
    first_action_later = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # The UPSERT's conflict target; also the index the dashboard reads by.
            models.UniqueConstraint(fields=["org_unit", "month"], name="tips_unitmonthcount_key"),
        ]
        verbose_name = _("unit month count")
        verbose_name_plural = _("unit month counts")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} u{self.org_unit_id}"


class Reminder(models.Model):
    """A deadline reminder that went out (`toandan.tips.handling.reminders`): one per tip, kind and
    deadline, so the hourly run tells the unit once that a deadline is near and once that it
    passed. A new deadline (acceptance after forwarding, extension, resumption) is a new
    `due_at` and gets its own."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="+", verbose_name=_("tip"))
    # The notification kind it went out as: "deadline_soon" or "overdue" (`tips.handling.notices`).
    kind = models.CharField(_("kind"), max_length=20)
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        # The table and constraint it had in the notifications app: moved without copying.
        db_table = "notifications_reminder"
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "kind", "due_at"], name="notifications_reminder_once"
            )
        ]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")

    def __str__(self) -> str:
        return f"{self.kind} {self.tip_id} {self.due_at:%Y-%m-%d %H:%M}"


class DailyDigest(models.Model):
    """The daily digest of tips a staff member got on `day` (Vietnam date): at most one a day
    (`toandan.tips.handling.reminders`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        # The table and constraint it had in the notifications app: moved without copying.
        db_table = "notifications_dailydigest"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="notifications_digest_once")
        ]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.day}"
