"""Reads of awards: the public honour roll and verify page, and access-checked staff reads."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from toandan.accounts.selectors import user_has_any_role, user_jurisdiction
from toandan.awards import policies
from toandan.awards.models import (
    Award,
    BallotTally,
    Campaign,
    CampaignStatus,
    Council,
    CouncilMember,
    CouncilPhase,
    Nomination,
    NominationStatus,
    Recusal,
    Score,
    SubjectType,
    TieRule,
)
from toandan.geo.models import AdminUnit, Level

# --- Public -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSummary:
    id: int
    title: str
    region: str
    period_start: dt.date
    period_end: dt.date
    ceremony_date: dt.date
    ceremony_place: str
    status: str
    awarded_collectives: int
    awarded_individuals: int
    awarded_households: int

    @property
    def awarded_total(self) -> int:
        return self.awarded_collectives + self.awarded_individuals + self.awarded_households


def _awarded(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": NominationStatus.AWARDED,
        }
    )


def campaigns_public() -> list[CampaignSummary]:
    """Every campaign with the number of awards in force (revoked ones no longer count)."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        Nomination.objects.filter(_awarded())
        .values("campaign_id", "subject_type")
        .annotate(n=Count("id"))
    ):
        counts[(row["campaign_id"], row["subject_type"])] = row["n"]
    return [
        CampaignSummary(
            id=c.pk,
            title=c.title,
            region=c.region,
            period_start=c.period_start,
            period_end=c.period_end,
            ceremony_date=c.ceremony_date,
            ceremony_place=c.ceremony_place,
            status=c.status,
            awarded_collectives=counts[(c.pk, SubjectType.COLLECTIVE)],
            awarded_individuals=counts[(c.pk, SubjectType.INDIVIDUAL)],
            awarded_households=counts[(c.pk, SubjectType.HOUSEHOLD)],
        )
        for c in Campaign.objects.order_by("-ceremony_date", "-id")
    ]


def campaign_summary(campaign_id: int) -> CampaignSummary:
    for summary in campaigns_public():
        if summary.id == campaign_id:
            return summary
    raise Http404


def _union_of_place(place: AdminUnit) -> str:
    unit_type = (place.unit_type or "").strip().lower()
    return f"Hội LHPN {unit_type} {place.short_name}".replace("  ", " ")


def public_name(nomination: Nomination) -> str:
    """How a nominee appears to the public: a collective or household by name; an individual
    by name only with recorded consent; a tipster never."""
    if nomination.is_tipster:
        return _("a citizen who sent a valuable tip")
    if nomination.subject_type == SubjectType.INDIVIDUAL and not nomination.consent_to_name:
        return _("a member, %(union)s") % {"union": _union_of_place(nomination.place)}
    return nomination.subject_name


def _province_of(place: AdminUnit) -> str:
    if place.level == Level.PROVINCE:
        return place.name
    parts = [int(p) for p in place.path.strip("/").split("/") if p]
    province = AdminUnit.objects.filter(pk=parts[0]).first() if parts else None
    return province.name if province else ""


@dataclass(frozen=True)
class HonourEntry:
    line: int
    name: str
    subject_type: str
    unit: str
    province: str
    achievement: str
    form: str


@dataclass(frozen=True)
class HonourRoll:
    campaign: CampaignSummary
    collectives: list[HonourEntry]
    individuals: list[HonourEntry]
    households: list[HonourEntry]


def honour_roll(campaign_id: int) -> HonourRoll:
    summary = campaign_summary(campaign_id)
    awards = (
        Award.objects.filter(decision__campaign_id=campaign_id, revoked_at__isnull=True)
        .select_related("nomination__unit", "nomination__place", "form")
        .order_by("line")
    )
    provinces: dict[int, str] = {}
    groups: dict[str, list[HonourEntry]] = defaultdict(list)
    for award in awards:
        nomination = award.nomination
        place = nomination.place
        if place.pk not in provinces:
            provinces[place.pk] = _province_of(place)
        unit = "" if nomination.is_tipster else nomination.unit.name
        groups[nomination.subject_type].append(
            HonourEntry(
                line=award.line,
                name=public_name(nomination),
                subject_type=nomination.subject_type,
                unit=unit,
                province=provinces[place.pk],
                achievement=nomination.achievement_summary,
                form=award.form.name,
            )
        )
    return HonourRoll(
        campaign=summary,
        collectives=groups[SubjectType.COLLECTIVE],
        individuals=groups[SubjectType.INDIVIDUAL],
        households=groups[SubjectType.HOUSEHOLD],
    )


@dataclass(frozen=True)
class Verification:
    status: str  # "valid" | "revoked" | "unknown"
    code: str
    name: str = ""
    form: str = ""
    campaign: str = ""
    campaign_id: int | None = None
    decision_number: str = ""
    decision_date: dt.date | None = None
    issuing_unit: str = ""
    revoked_on: dt.date | None = None
    revocation_decision: str = ""


def verify(code: str) -> Verification:
    """The public check of a certificate's code: valid, revoked or unknown. Says no more about
    a person than the honour roll does."""
    clean = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]
    award = (
        Award.objects.filter(code=clean)
        .select_related("decision__campaign", "decision__issuing_unit", "form", "nomination__place")
        .first()
        if clean
        else None
    )
    if award is None:
        return Verification(status="unknown", code=clean)
    decision = award.decision
    return Verification(
        status="revoked" if award.is_revoked else "valid",
        code=award.code,
        name=public_name(award.nomination),
        form=award.form.name,
        campaign=decision.campaign.title,
        campaign_id=decision.campaign_id,
        decision_number=decision.number,
        decision_date=decision.date,
        issuing_unit=decision.issuing_unit.name,
        revoked_on=award.revoked_at.date() if award.revoked_at else None,
        revocation_decision=award.revocation_decision,
    )


def award_by_code(code: str) -> Award:
    award = (
        Award.objects.filter(code=(code or "").upper())
        .select_related("decision__campaign", "decision__issuing_unit", "form", "nomination__place")
        .first()
    )
    if award is None:
        raise Http404
    return award


# --- Staff ------------------------------------------------------------------------------------


def nominations_for(user: Any, campaign: Campaign | None = None) -> QuerySet[Nomination]:
    """The nominations the user may see: of units in their reach (nominators and provinces),
    every one of a campaign they organise, those received for a council they sit on."""
    reach = user_jurisdiction(user, policies.NOMINATOR_ROLES | policies.PROVINCE_ROLES)
    q = Q(pk__in=[])
    if reach.all_org_units:
        q = Q()
    else:
        for path in reach.org_paths:
            q |= Q(unit__path__startswith=path) | Q(province_unit__path__startswith=path)
    campaigns = (
        Campaign.objects.all() if campaign is None else Campaign.objects.filter(pk=campaign.pk)
    )
    organised = [
        c.pk for c in campaigns.prefetch_related("organisers") if policies.may_organise(user, c)
    ]
    if organised:
        q |= Q(campaign_id__in=organised)
    sits = (
        list(
            CouncilMember.objects.filter(user_id=int(user.pk)).values_list(
                "council__campaign_id", flat=True
            )
        )
        if getattr(user, "is_authenticated", False)
        else []
    )
    if sits:
        q |= Q(campaign_id__in=sits) & ~Q(
            status__in=[
                NominationStatus.DRAFT,
                NominationStatus.SUBMITTED,
                NominationStatus.RETURNED,
            ]
        )
    rows = Nomination.objects.filter(q)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return rows.select_related("campaign", "unit", "province_unit", "place", "form")


def nomination_for(user: Any, nomination_id: int) -> Nomination:
    """One nomination, or 404 (the same for unknown and out of reach)."""
    nomination = (
        Nomination.objects.select_related("campaign", "unit", "province_unit", "place", "form")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None or not policies.may_view_nomination(user, nomination):
        raise Http404
    return nomination


def campaign_for_staff(user: Any, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    if not (
        policies.may_organise(user, campaign)
        or policies.is_council_member(user, campaign)
        or nominations_for(user, campaign).exists()
        or user_has_any_role(user, policies.NOMINATOR_ROLES)
    ):
        raise Http404
    return campaign


# --- Results ----------------------------------------------------------------------------------


@dataclass
class ResultRow:
    nomination: Nomination
    score: Decimal | None  # 0..100, the mean of members' weighted scores
    scorers: int
    yes: int
    no: int
    abstain: int
    eligible: int  # members not recused
    passed: bool
    rank: int = 0
    tie_broken_by: str = ""


@dataclass
class Results:
    council: Council | None
    rows: list[ResultRow] = field(default_factory=list)
    pass_share: Decimal = Decimal(0)
    rule_name: str = ""
    rule_source: str = ""
    tie_rules: list[str] = field(default_factory=list)


def _member_score(scores: list[Score], criteria: dict[int, Any]) -> Decimal | None:
    total_weight = Decimal(0)
    total = Decimal(0)
    for score in scores:
        if score.value is None:
            continue
        criterion = criteria[score.criterion_id]
        total_weight += criterion.weight
        total += criterion.weight * Decimal(score.value) / Decimal(criterion.max_score)
    if total_weight == 0:
        return None
    return total * 100 / total_weight


def _tie_key(row: ResultRow, rules: list[str]) -> tuple[Any, ...]:
    key: list[Any] = []
    for rule in rules:
        if rule == TieRule.WOMEN_FIRST:
            key.append(0 if row.nomination.women_led else 1)
        elif rule == TieRule.MORE_VOTES:
            key.append(-row.yes)
        elif rule == TieRule.HIGHER_SCORE:
            key.append(-(row.score or 0))
        elif rule == TieRule.COLLECTIVE_FIRST:
            key.append(0 if row.nomination.subject_type == SubjectType.COLLECTIVE else 1)
    return tuple(key)


def results_for(campaign: Campaign) -> Results:
    """Scores, votes and rank of every nomination before the council (received, or decided
    after it). Pass: votes in favour ≥ the rule's share of the members not recused, with the
    quorum; rank: passed first, by score, ties by the rule's tie rules in order."""
    council = Council.objects.filter(campaign=campaign).select_related("ballot_rule").first()
    if council is None:
        return Results(council=None)
    rule = council.ballot_rule
    nominations = list(
        Nomination.objects.filter(
            campaign=campaign,
            status__in=[
                NominationStatus.RECEIVED,
                NominationStatus.AWARDED,
                NominationStatus.NOT_AWARDED,
                NominationStatus.REVOKED,
            ],
        ).select_related("unit", "province_unit", "place", "form")
    )
    members = council.members.count()
    recused: dict[int, int] = defaultdict(int)
    for nomination_id in Recusal.objects.filter(member__council=council).values_list(
        "nomination_id", flat=True
    ):
        recused[nomination_id] += 1
    criteria = {c.pk: c for c in campaign.criteria.all()}
    by_pair: dict[tuple[int, int], list[Score]] = defaultdict(list)
    for score in Score.objects.filter(member__council=council):
        by_pair[(score.nomination_id, score.member_id)].append(score)
    member_scores: dict[int, list[Decimal]] = defaultdict(list)
    for (nomination_id, _member), scores in by_pair.items():
        value = _member_score(scores, criteria)
        if value is not None:
            member_scores[nomination_id].append(value)
    # The tallies stay sealed until the ballot closes: read while the box is open, their
    # change after each paper would tell how that member voted.
    tallies = (
        {t.nomination_id: t for t in BallotTally.objects.filter(council=council)}
        if council.phase == CouncilPhase.CLOSED
        else {}
    )
    rows: list[ResultRow] = []
    for nomination in nominations:
        tally = tallies.get(nomination.pk)
        yes, no, abstain = (tally.yes, tally.no, tally.abstain) if tally else (0, 0, 0)
        eligible = members - recused[nomination.pk]
        values = member_scores[nomination.pk]
        mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01")) if values else None
        voted = yes + no + abstain
        passed = (
            eligible > 0
            and council.phase != "scoring"
            and Decimal(voted) >= rule.quorum_share * eligible
            and Decimal(yes) >= rule.pass_share * eligible
            and not nomination.frozen
        )
        rows.append(
            ResultRow(
                nomination=nomination,
                score=mean,
                scorers=len(values),
                yes=yes,
                no=no,
                abstain=abstain,
                eligible=eligible,
                passed=passed,
            )
        )
    tie_rules = [r for r in rule.tie_rules if r in TieRule.values]
    rows.sort(
        key=lambda r: (
            0 if r.passed else 1,
            -(r.score or Decimal(-1)),
            _tie_key(r, tie_rules),
            r.nomination.pk,
        )
    )
    labels = dict(TieRule.choices)
    for index, row in enumerate(rows, start=1):
        row.rank = index
        if index > 1:
            previous = rows[index - 2]
            if previous.passed == row.passed and previous.score == row.score and tie_rules:
                for rule_code in tie_rules:
                    if _tie_key(previous, [rule_code]) != _tie_key(row, [rule_code]):
                        row.tie_broken_by = str(labels[rule_code])
                        break
    return Results(
        council=council,
        rows=rows,
        pass_share=rule.pass_share,
        rule_name=rule.name,
        rule_source=rule.legal_source,
        tie_rules=[str(labels[r]) for r in tie_rules],
    )


def open_campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.filter(status=CampaignStatus.OPEN)
