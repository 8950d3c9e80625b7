"""Tips (tin báo, tố giác) from citizens and union members, as the intake register keeps them.

What a tip says (its content) and who sent it (contact details) are encrypted at rest with
envelope encryption: each tip has its own data key, wrapped by a key-encryption key (KEK) that
lives outside the database (see `toandan.tips.crypto`). Contact details have a separate data key
and a separate table, so opening a tip never opens who sent it. Only the fields needed to route,
count and list tips are stored in clear: category, place, dates, status, register number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class Category(models.Model):
    """What a tip is about. Data, editable in the admin: names are stored in both languages
    because categories are added by administrators, not by translators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=CategoryGroup.choices)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=160)
    name_en = models.CharField(_("name (English)"), max_length=160)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # Serious categories also send an information copy to the province police.
    is_serious = models.BooleanField(_("serious"), default=False)
    # BLTTHS Art. 155: some offences (minor injury, Criminal Code Art. 134(1) ...) are only
    # prosecuted at the victim's request, so the form asks for it.
    asks_victim_request = models.BooleanField(_("asks whether the victim requests prosecution"))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("tip category")
        verbose_name_plural = _("tip categories")

    def __str__(self) -> str:
        return self.name_vi

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
    # The handling issue (tip handling by the police) extends the timeline after "checking".
    RECEIVED = "received", _("Received")
    CHECKING = "checking", _("Being checked")
    FORWARDED = "forwarded", _("Forwarded")
    CONCLUDED = "concluded", _("Concluded")


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
    # Keyed hash of the receipt (see tips.receipts); the receipt itself is never stored.
    receipt_hash = models.CharField(max_length=64, unique=True)
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
    province = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    commune = models.ForeignKey(
        AdminUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commune"),
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
    )
    register_year = models.PositiveSmallIntegerField(_("register year"))
    register_seq = models.PositiveIntegerField(_("register sequence"))
    register_number = models.CharField(_("register number"), max_length=60, unique=True)
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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["register_unit", "register_year", "register_seq"],
                name="tips_register_seq_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["register_unit", "status", "received_at"]),
            models.Index(fields=["province", "received_at"]),
            models.Index(fields=["commune", "received_at"]),
            # The retention purge and `toandan keys status/rotate` look tips up by these.
            models.Index(fields=["retention_until"]),
            models.Index(fields=["kek_id"]),
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
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="tip_routes")
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

    name = models.CharField(_("name"), max_length=160)
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
    active = models.BooleanField(_("active"), default=True)

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
