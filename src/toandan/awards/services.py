"""Writes of awards: keyword-only, typed, one transaction each with its audit event.

Refusals raise `WorkflowRefusedError` (a message for the user, the field at fault) and access
failures `WorkflowAccessError`, as the nomination's own steps do, so pages and the API answer
them the same way.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.accounts.models import Role
from toandan.accounts.selectors import user_has_any_role
from toandan.audit.services import audit_record
from toandan.awards import policies
from toandan.awards.audit_actions import AwardsAction
from toandan.awards.events import DECISION_ISSUED, NOMINATION_STEPPED
from toandan.awards.evidence import EvidenceQuery, evidence_collect
from toandan.awards.machine import NOMINATION
from toandan.awards.models import (
    Award,
    AwardForm,
    AwardMultiple,
    BallotRule,
    BallotTally,
    BallotVoter,
    BaseSalary,
    Campaign,
    CampaignStatus,
    Council,
    CouncilMember,
    CouncilPhase,
    Criterion,
    Decision,
    MemberRole,
    Nomination,
    NominationFile,
    NominationStatus,
    Quota,
    Recusal,
    Score,
    SubjectType,
)
from toandan.core.events import publish
from toandan.geo.models import AdminUnit
from toandan.media.files import RejectedFileError, UploadData, clean_upload
from toandan.orgs.models import OrgLevel, OrgUnit
from toandan.workflow.machine import Transition, WorkflowAccessError, WorkflowRefusedError
from toandan.workflow.services import workflow_apply, workflow_record_creation

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed by hand
CODE_LENGTH = 8
CHOICES = ("yes", "no", "abstain")


def _refuse(message: str, field: str = "") -> WorkflowRefusedError:
    return WorkflowRefusedError(message, field=field)


# --- Campaign ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: Decimal
    max_score: int = 10


@dataclass(frozen=True)
class QuotaInput:
    org_unit: OrgUnit
    subject_type: str
    max_count: int
    legal_source: str = ""


def campaign_create(
    *,
    actor: Any,
    title: str,
    organisers: Sequence[OrgUnit],
    period_start: dt.date,
    period_end: dt.date,
    scope_provinces: Sequence[AdminUnit],
    region: str,
    subject_types: Sequence[str],
    forms: Sequence[AwardForm],
    criteria: Sequence[CriterionInput],
    quotas: Sequence[QuotaInput],
    nominations_close_commune: dt.date,
    nominations_close_province: dt.date,
    council_date: dt.date,
    ceremony_date: dt.date,
    ceremony_place: str,
) -> Campaign:
    """Law 06/2022 Art. 16–18: a thematic movement's content, criteria, review and reward.
    The organiser must hold the campaign-organiser role in (or above) an organising unit."""
    if not organisers:
        raise _refuse(_("Name at least one organising unit."), "organisers")
    reach_ok = any(policies._covers(actor, unit, policies.ORGANISER_ROLES) for unit in organisers)
    if not reach_ok:
        raise WorkflowAccessError
    if period_end < period_start:
        raise _refuse(_("The period ends before it starts."), "period_end")
    unknown = set(subject_types) - set(SubjectType.values)
    if unknown or not subject_types:
        raise _refuse(_("Choose the subject types."), "subject_types")
    if criteria and sum(c.weight for c in criteria) <= 0:
        raise _refuse(_("The criteria's weights must add up to more than zero."), "criteria")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            region=region.strip(),
            subject_types=list(subject_types),
            nominations_close_commune=nominations_close_commune,
            nominations_close_province=nominations_close_province,
            council_date=council_date,
            ceremony_date=ceremony_date,
            ceremony_place=ceremony_place.strip(),
        )
        campaign.organisers.set(organisers)
        campaign.scope_provinces.set(scope_provinces)
        campaign.forms.set(forms)
        Criterion.objects.bulk_create(
            Criterion(
                campaign=campaign, name=c.name, weight=c.weight, max_score=c.max_score, order=i
            )
            for i, c in enumerate(criteria)
        )
        Quota.objects.bulk_create(
            Quota(
                campaign=campaign,
                org_unit=q.org_unit,
                subject_type=q.subject_type,
                max_count=q.max_count,
                legal_source=q.legal_source,
            )
            for q in quotas
        )
        audit_record(
            actor=actor,
            action=AwardsAction.CAMPAIGN_CREATE,
            target=campaign,
            data={"title": campaign.title, "provinces": len(scope_provinces)},
        )
    return campaign


# --- Nominations ------------------------------------------------------------------------------


def province_unit_of(unit: OrgUnit) -> OrgUnit:
    """The province-level unit at or above `unit` (the level that consolidates)."""
    if unit.level in {OrgLevel.PROVINCE, OrgLevel.CENTRAL}:
        return unit
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    above = OrgUnit.objects.filter(pk__in=ids, level=OrgLevel.PROVINCE).first()
    return above or unit


@dataclass(frozen=True)
class NominationInput:
    subject_type: str
    subject_name: str
    unit: OrgUnit
    place: AdminUnit
    form: AwardForm
    achievement: str
    achievement_summary: str
    active_from: dt.date
    active_until: dt.date | None = None
    achievement_key: str = ""
    women_led: bool = False
    police_opinion: str = ""
    minutes: str = ""
    consent_to_name: bool = False


def nomination_create(
    *, actor: Any, campaign: Campaign, data: NominationInput, now: dt.datetime | None = None
) -> Nomination:
    """A commune or branch union (or a police leader) nominates; the dossier starts as a draft
    the unit completes and sends (Law 06/2022 Art. 84)."""
    if not policies.may_nominate(actor, data.unit):
        raise WorkflowAccessError
    if campaign.status != CampaignStatus.OPEN:
        raise _refuse(_("This campaign no longer takes nominations."))
    if data.subject_type not in campaign.subject_types:
        raise _refuse(_("This campaign does not commend this kind of subject."), "subject_type")
    if not campaign.forms.filter(pk=data.form.pk).exists():
        raise _refuse(_("This campaign does not give this award form."), "form")
    if data.subject_type != SubjectType.INDIVIDUAL and data.consent_to_name:
        data = NominationInput(**{**data.__dict__, "consent_to_name": False})
    name = data.subject_name.strip()
    if not name:
        raise _refuse(_("Give the nominee's name."), "subject_name")
    if not data.achievement.strip() or not data.achievement_summary.strip():
        raise _refuse(_("Describe the achievement."), "achievement")
    now = now or timezone.now()
    with transaction.atomic():
        nomination = Nomination.objects.create(
            campaign=campaign,
            subject_type=data.subject_type,
            subject_name=name,
            women_led=data.women_led,
            unit=data.unit,
            province_unit=province_unit_of(data.unit),
            place=data.place,
            form=data.form,
            achievement=data.achievement.strip(),
            achievement_summary=data.achievement_summary.strip()[:300],
            achievement_key=data.achievement_key.strip(),
            active_from=data.active_from,
            active_until=data.active_until,
            police_opinion=data.police_opinion.strip(),
            minutes=data.minutes.strip(),
            consent_to_name=data.consent_to_name,
            consent_recorded_at=now if data.consent_to_name else None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        workflow_record_creation(
            NOMINATION, nomination, actor=actor, actor_unit=data.unit.name, now=now
        )
        audit_record(
            actor=actor,
            action=AwardsAction.NOMINATION_CREATE,
            target=nomination,
            data={"campaign": campaign.pk, "subject_type": data.subject_type},
        )
    return nomination


def nomination_update(*, actor: Any, nomination: Nomination, data: NominationInput) -> Nomination:
    """The unit corrects its dossier while it is a draft or after it was returned (the reason
    says what to fix); the history keeps the return, the audit event what changed."""
    if not policies.may_file(actor, nomination) or not policies.may_nominate(actor, data.unit):
        raise WorkflowAccessError
    if nomination.status not in {NominationStatus.DRAFT, NominationStatus.RETURNED}:
        raise _refuse(_("Only a draft or a returned nomination can be corrected."))
    if nomination.is_tipster:
        raise _refuse(_("A tip's sender is nominated by the police, not edited here."))
    if data.subject_type not in nomination.campaign.subject_types:
        raise _refuse(_("This campaign does not commend this kind of subject."), "subject_type")
    if not data.subject_name.strip() or not data.achievement.strip():
        raise _refuse(_("Give the nominee's name."), "subject_name")
    values = {
        "subject_type": data.subject_type,
        "subject_name": data.subject_name.strip(),
        "women_led": data.women_led,
        "unit": data.unit,
        "province_unit": province_unit_of(data.unit),
        "place": data.place,
        "form": data.form,
        "achievement": data.achievement.strip(),
        "achievement_summary": data.achievement_summary.strip()[:300],
        "achievement_key": data.achievement_key.strip(),
        "active_from": data.active_from,
        "police_opinion": data.police_opinion.strip(),
        "minutes": data.minutes.strip(),
    }
    changed = sorted(k for k, v in values.items() if getattr(nomination, k) != v)
    with transaction.atomic():
        for key, value in values.items():
            setattr(nomination, key, value)
        nomination.save()
        audit_record(
            actor=actor,
            action=AwardsAction.NOMINATION_UPDATE,
            target=nomination,
            data={"changed": changed},
        )
    return nomination


def tipster_nominate(
    *,
    actor: Any,
    campaign: Campaign,
    reference: str,
    form: AwardForm,
    achievement_summary: str,
    achievement: str = "",
) -> Nomination:
    """A police leader nominates "the sender of tip X" for a valuable tip. Who sent it stays
    sealed in tips: awards keeps the tip's id and reference, never a name or contact."""
    from toandan.tips.interface.commendation import (
        TipNotAvailableError,
        TipNotNominableError,
        valuable_tip_for_nomination,
    )

    if not user_has_any_role(actor, {Role.POLICE_LEADER}):
        raise WorkflowAccessError
    try:
        tip = valuable_tip_for_nomination(actor, reference)
    except TipNotAvailableError:
        raise _refuse(_("No tip with this reference in your units."), "reference") from None
    except TipNotNominableError as refused:
        message = (
            _("Only a tip found valuable can be nominated.")
            if refused.reason == "not_valuable"
            else _("Only a concluded tip can be nominated.")
        )
        raise _refuse(message, "reference") from None
    if SubjectType.INDIVIDUAL not in campaign.subject_types:
        raise _refuse(_("This campaign does not commend individuals."))
    unit = OrgUnit.objects.get(pk=tip.unit_id)
    place = AdminUnit.objects.get(pk=tip.province_id)
    if Nomination.objects.filter(campaign=campaign, tip_id=tip.tip_id).exists():
        raise _refuse(_("The sender of this tip is already nominated."), "reference")
    summary = achievement_summary.strip() or _("Sent a valuable tip to the police")
    with transaction.atomic():
        nomination = Nomination.objects.create(
            campaign=campaign,
            subject_type=SubjectType.INDIVIDUAL,
            subject_name="",
            unit=unit,
            province_unit=province_unit_of(unit),
            place=place,
            form=form,
            achievement=achievement.strip() or summary,
            achievement_summary=summary[:300],
            achievement_key=f"tip:{tip.reference}",
            active_from=tip.concluded_on or campaign.period_start,
            tip_id=tip.tip_id,
            tip_reference=tip.reference,
            created_by=actor,
        )
        workflow_record_creation(NOMINATION, nomination, actor=actor, actor_unit=unit.name)
        audit_record(
            actor=actor,
            action=AwardsAction.TIPSTER_NOMINATE,
            target=nomination,
            data={"campaign": campaign.pk, "reference": tip.reference},
        )
    return nomination


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def _place_in_scope(nomination: Nomination) -> bool:
    scope = list(nomination.campaign.scope_provinces.all())
    if not scope:
        return True
    path = nomination.place.path
    return any(path.startswith(province.path) for province in scope)


def quota_used(campaign: Campaign, province_unit: OrgUnit, subject_type: str) -> int:
    return Nomination.objects.filter(
        campaign=campaign,
        province_unit=province_unit,
        subject_type=subject_type,
        status__in=[
            NominationStatus.FORWARDED,
            NominationStatus.RECEIVED,
            NominationStatus.AWARDED,
            NominationStatus.NOT_AWARDED,
            NominationStatus.REVOKED,
        ],
    ).count()


def eligibility_problems(nomination: Nomination, *, for_forward: bool = False) -> list[Problem]:
    """Decree 152/2025 Art. 4 and Law 06/2022 Art. 6, computed: active in the period and the
    scope; one achievement, one award; a pending discipline or complaint freezes; the quota."""
    campaign = nomination.campaign
    problems: list[Problem] = []
    until = nomination.active_until or campaign.period_end
    if nomination.active_from > campaign.period_end or until < campaign.period_start:
        problems.append(Problem("period", _("Not active in the period the campaign honours.")))
    if not _place_in_scope(nomination):
        problems.append(Problem("scope", _("Outside the provinces of the campaign.")))
    if (
        nomination.form.subject_types
        and nomination.subject_type not in nomination.form.subject_types
    ):
        problems.append(Problem("form", _("This award form is not given to this kind of subject.")))
    if nomination.achievement_key:
        twice = (
            Nomination.objects.filter(
                achievement_key=nomination.achievement_key,
                status__in=[
                    NominationStatus.FORWARDED,
                    NominationStatus.RECEIVED,
                    NominationStatus.AWARDED,
                ],
            )
            .exclude(pk=nomination.pk)
            .exists()
        )
        if twice:
            problems.append(
                Problem("twice", _("This achievement is already nominated or rewarded."))
            )
    if nomination.frozen:
        problems.append(
            Problem(
                "frozen",
                _("Frozen while a discipline, inspection or complaint is examined: %(why)s")
                % {"why": nomination.frozen_reason},
            )
        )
    if for_forward:
        quota = Quota.objects.filter(
            campaign=campaign,
            org_unit=nomination.province_unit,
            subject_type=nomination.subject_type,
        ).first()
        if quota is not None:
            used = quota_used(campaign, nomination.province_unit, nomination.subject_type)
            if used >= quota.max_count:
                problems.append(
                    Problem(
                        "quota",
                        _("The province's quota (%(max)d) is used up.") % {"max": quota.max_count},
                    )
                )
    return problems


def _evidence_of(nomination: Nomination) -> dict[str, Any]:
    ids = tuple(
        OrgUnit.objects.filter(path__startswith=nomination.unit.path).values_list("pk", flat=True)
    )
    campaign = nomination.campaign
    lines = evidence_collect(
        EvidenceQuery(org_unit_ids=ids, start=campaign.period_start, end=campaign.period_end)
    )
    return {"computed_at": timezone.now().isoformat(), "lines": lines}


def nomination_step(
    *,
    actor: Any,
    nomination: Nomination,
    action: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Nomination:
    """One step of the nomination's workflow (`toandan.awards.machine`), with the computed
    eligibility as its guard: a frozen nomination goes nowhere, the province forwards within
    its quota, and the dossier keeps the evidence from data as it was when sent."""

    day = timezone.localdate(now) if now is not None else timezone.localdate()

    def guard(locked: Nomination, transition: Transition) -> None:
        # The campaign's calendar (Law 06/2022 Art. 84: each level sends by the date the
        # organiser sets): a commune's dossier after its closing date, or the province's
        # forward after its own, is refused; a return or a freeze is not.
        campaign = locked.campaign
        if transition.action == "submit" and day > campaign.nominations_close_commune:
            raise _refuse(
                _("Nominations from communes and branches closed on %(day)s.")
                % {"day": campaign.nominations_close_commune.strftime("%d/%m/%Y")}
            )
        if transition.action == "forward" and day > campaign.nominations_close_province:
            raise _refuse(
                _("Provinces could forward nominations until %(day)s.")
                % {"day": campaign.nominations_close_province.strftime("%d/%m/%Y")}
            )
        if transition.action in {"submit", "forward", "receive", "award"}:
            problems = eligibility_problems(locked, for_forward=transition.action == "forward")
            if problems:
                raise _refuse(" ".join(p.message for p in problems))
        if transition.action == "freeze" and locked.frozen:
            raise _refuse(_("The nomination is already frozen."))
        if transition.action == "unfreeze" and not locked.frozen:
            raise _refuse(_("The nomination is not frozen."))

    def execute(locked: Nomination, transition: Transition) -> dict[str, Any]:
        if transition.action == "submit":
            locked.evidence = _evidence_of(locked)
            return {"evidence_lines": len(locked.evidence.get("lines", []))}
        if transition.action == "freeze":
            locked.frozen = True
            locked.frozen_reason = reason.strip()[:300]
        if transition.action == "unfreeze":
            locked.frozen = False
            locked.frozen_reason = ""
        if transition.action == "receive":
            council = Council.objects.filter(campaign_id=locked.campaign_id).first()
            if council is not None:
                _auto_recusals(council, [locked])
        return {}

    nomination, _change = workflow_apply(
        NOMINATION,
        nomination,
        action=action,
        actor=actor,
        audit_action=AwardsAction.NOMINATION_STEP,
        reason=reason,
        guard=guard,
        execute=execute,
        event=NOMINATION_STEPPED,
        now=now,
    )
    return nomination


def nominations_rank(
    *, actor: Any, campaign: Campaign, province_unit: OrgUnit, ordered_ids: Sequence[int]
) -> None:
    """The province ranks its nominations (1 = first) before forwarding within its quota."""
    if not policies._covers(actor, province_unit, policies.PROVINCE_ROLES):
        raise WorkflowAccessError
    with transaction.atomic():
        rows = {
            n.pk: n
            for n in Nomination.objects.select_for_update().filter(
                campaign=campaign, province_unit=province_unit, pk__in=list(ordered_ids)
            )
        }
        for rank, pk in enumerate(ordered_ids, start=1):
            if pk in rows:
                rows[pk].province_rank = rank
                rows[pk].save(update_fields=["province_rank"])
        audit_record(
            actor=actor,
            action=AwardsAction.NOMINATION_RANK,
            target=province_unit,
            data={"campaign": campaign.pk, "order": [pk for pk in ordered_ids if pk in rows]},
        )


def consent_record(*, actor: Any, nomination: Nomination, consent: bool) -> Nomination:
    """The individual agrees (or no longer agrees) to be named on the honour roll and the
    verify page; without it they appear as "một hội viên, Hội LHPN …"."""
    if not policies.may_file(actor, nomination) and not policies.may_organise(
        actor, nomination.campaign
    ):
        raise WorkflowAccessError
    if nomination.subject_type != SubjectType.INDIVIDUAL or nomination.is_tipster:
        raise _refuse(_("Only an individual's consent is recorded."))
    with transaction.atomic():
        nomination.consent_to_name = consent
        nomination.consent_recorded_at = timezone.now()
        nomination.save(update_fields=["consent_to_name", "consent_recorded_at"])
        audit_record(
            actor=actor,
            action=AwardsAction.NOMINATION_CONSENT,
            target=nomination,
            data={"consent": consent},
        )
    return nomination


# --- Council ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberInput:
    user: Any
    role: str
    unit: OrgUnit


def _own_unit(member: CouncilMember, nomination: Nomination) -> bool:
    """A member is recused from nominees of their own unit: the nominating unit, its province
    unit, or a unit under the member's own (central members reach every unit, so only the
    first two count for them)."""
    unit = member.unit
    if unit.pk in {nomination.unit_id, nomination.province_unit_id}:
        return True
    return unit.level != OrgLevel.CENTRAL and nomination.unit.path.startswith(unit.path)


def _auto_recusals(council: Council, nominations: Iterable[Nomination]) -> int:
    made = 0
    members = list(council.members.select_related("unit"))
    for nomination in nominations:
        for member in members:
            if _own_unit(member, nomination):
                _created = Recusal.objects.get_or_create(
                    member=member,
                    nomination=nomination,
                    defaults={
                        "reason": _("Nominee of the member's own unit") + f" ({member.unit.name})"
                    },
                )[1]
                made += int(_created)
    return made


def council_create(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    ballot_rule: BallotRule,
    members: Sequence[MemberInput],
    blind: bool = False,
) -> Council:
    """The organiser seats the council (members with roles and the units they come from); a
    member is recused from the nominees of their own unit, recorded with the reason, for the
    nominations received so far and for each one received later."""
    if not policies.may_organise(actor, campaign):
        raise WorkflowAccessError
    if not members:
        raise _refuse(_("A council needs members."), "members")
    with transaction.atomic():
        council = Council.objects.create(
            campaign=campaign, name=name.strip(), ballot_rule=ballot_rule, blind=blind
        )
        CouncilMember.objects.bulk_create(
            CouncilMember(council=council, user=m.user, role=m.role, unit=m.unit) for m in members
        )
        received = Nomination.objects.filter(
            campaign=campaign, status=NominationStatus.RECEIVED
        ).select_related("unit")
        recused = _auto_recusals(council, received)
        audit_record(
            actor=actor,
            action=AwardsAction.COUNCIL_CREATE,
            target=council,
            data={"members": len(members), "recusals": recused, "rule": ballot_rule.pk},
        )
    return council


def member_of(actor: Any, campaign: Campaign) -> CouncilMember:
    member: CouncilMember | None = None
    if getattr(actor, "is_authenticated", False):
        member = (
            CouncilMember.objects.filter(council__campaign=campaign, user=actor)
            .select_related("council")
            .first()
        )
    if member is None or not user_has_any_role(actor, {Role.REVIEWER}):
        raise WorkflowAccessError
    return member


def recusal_declare(*, actor: Any, nomination: Nomination, reason: str) -> Recusal:
    """A member declares a conflict of interest and steps aside from a nominee (with reason)."""
    member = member_of(actor, nomination.campaign)
    # The pass share is taken of the members not recused: once the member's paper is in the
    # box (or the ballot is closed) a recusal would change the count after the fact.
    if (
        member.council.phase == CouncilPhase.CLOSED
        or BallotVoter.objects.filter(member=member).exists()
    ):
        raise _refuse(_("A recusal is declared before you vote."))
    text = reason.strip()
    if not text:
        raise _refuse(_("Give a reason (required)."), "reason")
    with transaction.atomic():
        recusal, _created = Recusal.objects.get_or_create(
            member=member, nomination=nomination, defaults={"reason": text[:300], "declared": True}
        )
        Score.objects.filter(member=member, nomination=nomination).delete()
        audit_record(
            actor=actor,
            action=AwardsAction.RECUSAL_DECLARE,
            target=nomination,
            reason=text,
            data={"member": member.pk},
        )
    return recusal


def _scorable(member: CouncilMember, nomination: Nomination) -> None:
    if nomination.campaign_id != member.council.campaign_id:
        raise WorkflowAccessError
    if nomination.status != NominationStatus.RECEIVED:
        raise _refuse(_("Only nominations received by the centre are reviewed."))
    if Recusal.objects.filter(member=member, nomination=nomination).exists():
        raise _refuse(_("You are recused from this nomination."))


def scores_record(
    *, actor: Any, nomination: Nomination, values: Mapping[int, int | None]
) -> list[Score]:
    """A member scores each criterion of the rubric (None: abstains on it). Scores may be
    changed until the ballot opens."""
    member = member_of(actor, nomination.campaign)
    if member.council.phase != CouncilPhase.SCORING:
        raise _refuse(_("Scoring is closed."))
    _scorable(member, nomination)
    criteria = {c.pk: c for c in nomination.campaign.criteria.all()}
    for criterion_id, value in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise _refuse(_("Unknown criterion."), "scores")
        if value is not None and not 0 <= value <= criterion.max_score:
            raise _refuse(
                _("A score of “%(name)s” is between 0 and %(max)d.")
                % {"name": criterion.name, "max": criterion.max_score},
                f"score_{criterion_id}",
            )
    saved: list[Score] = []
    with transaction.atomic():
        for criterion_id, value in values.items():
            score, _created = Score.objects.update_or_create(
                member=member,
                nomination=nomination,
                criterion_id=criterion_id,
                defaults={"value": value},
            )
            saved.append(score)
        audit_record(
            actor=actor,
            action=AwardsAction.SCORE_RECORD,
            target=nomination,
            data={"criteria": len(values), "abstained": sum(v is None for v in values.values())},
        )
    return saved


def _council_for_chair(actor: Any, campaign: Campaign) -> Council:
    council = Council.objects.filter(campaign=campaign).first()
    if council is None:
        raise _refuse(_("The campaign has no council yet."))
    is_chair = council.members.filter(
        user=actor, role__in=[MemberRole.CHAIR, MemberRole.SECRETARY]
    ).exists()
    if not (policies.may_organise(actor, campaign) or is_chair):
        raise WorkflowAccessError
    return council


def ballot_open(*, actor: Any, campaign: Campaign) -> Council:
    """Scoring ends and the secret ballot opens on every received nomination."""
    council = _council_for_chair(actor, campaign)
    if council.phase != CouncilPhase.SCORING:
        raise _refuse(_("The ballot is already open or closed."))
    with transaction.atomic():
        council.phase = CouncilPhase.BALLOT
        council.save(update_fields=["phase"])
        # Nominations close when the ballot opens: the council votes on a fixed list.
        campaign.status = CampaignStatus.COUNCIL
        campaign.save(update_fields=["status"])
        received = Nomination.objects.filter(campaign=campaign, status=NominationStatus.RECEIVED)
        BallotTally.objects.bulk_create(
            [BallotTally(council=council, nomination=n) for n in received],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action=AwardsAction.BALLOT_OPEN,
            target=council,
            data={"nominations": received.count()},
        )
    return council


def ballot_cast(*, actor: Any, campaign: Campaign, choices: Mapping[int, str]) -> int:
    """A member casts their ballot paper: one choice (yes, no, abstain) per nomination they are
    not recused from; a nomination left out counts as an abstention.

    Secrecy: the choices only increment the tallies (`BallotTally`); that the member voted is
    written apart (`BallotVoter`, with the day only) and the audit event says who voted, never
    what. No row anywhere links a voter to a choice (`tests/test_ballot_secrecy.py` checks
    every table a vote writes). Returns how many nominations the paper covered."""
    member = member_of(actor, campaign)
    council = member.council
    if council.phase != CouncilPhase.BALLOT:
        raise _refuse(_("The ballot is not open."))
    for choice in choices.values():
        if choice not in CHOICES:
            raise _refuse(_("Unknown choice."), "choices")
    recused = set(Recusal.objects.filter(member=member).values_list("nomination_id", flat=True))
    tallies = list(BallotTally.objects.filter(council=council).exclude(nomination_id__in=recused))
    counts: dict[str, list[int]] = {c: [] for c in CHOICES}
    for tally in tallies:
        counts[choices.get(tally.nomination_id, "abstain")].append(tally.pk)
    try:
        with transaction.atomic():
            BallotVoter.objects.create(
                council=council, member=member, voted_on=timezone.localdate()
            )
            # One UPDATE per choice over all its nominations, in no per-voter order.
            for choice, pks in counts.items():
                if pks:
                    BallotTally.objects.filter(pk__in=pks).update(**{choice: F(choice) + 1})
            audit_record(actor=actor, action=AwardsAction.BALLOT_CAST, target=council, data={})
    except IntegrityError:
        raise _refuse(_("You have already voted.")) from None
    return len(tallies)


def ballot_close(*, actor: Any, campaign: Campaign) -> Council:
    council = _council_for_chair(actor, campaign)
    if council.phase != CouncilPhase.BALLOT:
        raise _refuse(_("The ballot is not open."))
    with transaction.atomic():
        council.phase = CouncilPhase.CLOSED
        council.ballot_closed_at = timezone.now()
        council.save(update_fields=["phase", "ballot_closed_at"])
        audit_record(
            actor=actor,
            action=AwardsAction.BALLOT_CLOSE,
            target=council,
            data={
                "voters": council.voters.count(),
                "tallies": {
                    str(t.nomination_id): [t.yes, t.no, t.abstain] for t in council.tallies.all()
                },
            },
        )
    return council


# --- Decision and certificates -------------------------------------------------------------------


def base_salary_on(day: dt.date) -> BaseSalary:
    salary = BaseSalary.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if salary is None:
        raise _refuse(_("No base salary is recorded for this date (admin data)."), "date")
    return salary


def multiple_on(form: AwardForm, subject_type: str, day: dt.date) -> Decimal:
    row = (
        AwardMultiple.objects.filter(form=form, subject_type=subject_type, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    return row.multiple if row is not None else Decimal(0)


def amount_vnd(multiple: Decimal, base: int) -> int:
    """Decree 152/2025 Art. 4: money is a multiple of the base salary, rounded up to the
    thousand dong as treasuries pay it (the rounding itself is the usual practice)."""
    raw = (multiple * base).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(((raw + 999) // 1000) * 1000) if raw else 0


def certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def decision_issue(
    *,
    actor: Any,
    campaign: Campaign,
    number: str,
    signer_name: str,
    signer_title: str,
    date: dt.date,
    place: str,
    issuing_unit: OrgUnit,
    deliver: bool = True,
) -> Decision:
    """The organiser issues the decision once the ballot is closed: every nomination that
    passed the ballot rule is awarded (annex line, money = multiple × base salary in force on
    the decision's date, certificate code); the others are declined. The sender of a tip
    hears of it on the follow-up page of the receipt, with the certificate to download."""
    from toandan.awards.selectors import results_for

    if not policies.may_organise(actor, campaign):
        raise WorkflowAccessError
    council = Council.objects.filter(campaign=campaign).first()
    if council is None or council.phase != CouncilPhase.CLOSED:
        raise _refuse(_("The council's ballot must be closed first."))
    if Decision.objects.filter(campaign=campaign).exists():
        raise _refuse(_("The decision is already issued."))
    if not number.strip() or not signer_name.strip():
        raise _refuse(_("Give the number and the signer."), "number")
    salary = base_salary_on(date)
    results = results_for(campaign)
    with transaction.atomic():
        decision = Decision.objects.create(
            campaign=campaign,
            issuing_unit=issuing_unit,
            number=number.strip(),
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            date=date,
            place=place.strip(),
            base_salary_vnd=salary.amount_vnd,
            issued_by=actor,
        )
        line = 0
        awarded: list[Award] = []
        ordered = sorted(
            results.rows,
            key=lambda r: (r.nomination.subject_type != SubjectType.COLLECTIVE, r.rank),
        )
        for row in ordered:
            nomination = row.nomination
            if row.passed:
                line += 1
                multiple = multiple_on(nomination.form, nomination.subject_type, date)
                awarded.append(
                    Award.objects.create(
                        decision=decision,
                        nomination=nomination,
                        line=line,
                        form=nomination.form,
                        multiple=multiple,
                        amount_vnd=amount_vnd(multiple, salary.amount_vnd),
                        code=_unique_code(),
                    )
                )
            nomination_step(
                actor=actor,
                nomination=nomination,
                action="award" if row.passed else "decline",
            )
        campaign.status = CampaignStatus.DECIDED
        campaign.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AwardsAction.DECISION_ISSUE,
            target=decision,
            data={
                "number": decision.number,
                "awarded": len(awarded),
                "base_salary_vnd": salary.amount_vnd,
            },
        )
        if deliver:
            for award in awarded:
                if award.nomination.is_tipster:
                    _deliver_to_tipster(actor, award)
        publish(DECISION_ISSUED, decision.pk)
    return decision


def _unique_code() -> str:
    while True:
        code = certificate_code()
        if not Award.objects.filter(code=code).exists():
            return code


def _deliver_to_tipster(actor: Any, award: Award) -> None:
    from toandan.tips.interface.commendation import tipster_message_send

    nomination = award.nomination
    assert nomination.tip_id is not None
    decision = award.decision
    text = _(
        "%(campaign)s: by decision %(number)s of %(date)s, %(unit)s commends you, the sender "
        "of this tip, with “%(form)s” for a valuable tip. Your name was never shown to anyone. "
        "Certificate code: %(code)s (anyone may check it on the verify page)."
    ) % {
        "campaign": decision.campaign.title,
        "number": decision.number,
        "date": decision.date.strftime("%d/%m/%Y"),
        "unit": decision.issuing_unit.name,
        "form": award.form.name,
        "code": award.code,
    }
    tipster_message_send(
        actor=actor,
        tip_id=nomination.tip_id,
        text=text,
        link=f"/awards/certificates/{award.code}.pdf",
    )


def award_revoke(*, actor: Any, award: Award, reason: str, decision_ref: str) -> Award:
    """Law 06/2022 Ch. VII: a commendation obtained by false declarations, forged dossiers or
    unlawful approval is revoked by decision; the verify page then says "revoked" and the
    honour roll no longer lists it."""
    if not decision_ref.strip():
        raise _refuse(_("Give the revocation decision's number."), "decision_ref")
    if award.is_revoked:
        raise _refuse(_("This certificate is already revoked."))
    with transaction.atomic():
        nomination_step(actor=actor, nomination=award.nomination, action="revoke", reason=reason)
        award.revoked_at = timezone.now()
        award.revocation_reason = reason.strip()
        award.revocation_decision = decision_ref.strip()
        award.save(update_fields=["revoked_at", "revocation_reason", "revocation_decision"])
        audit_record(
            actor=actor,
            action=AwardsAction.AWARD_REVOKE,
            target=award,
            reason=reason.strip(),
            data={"code": award.code, "decision": award.revocation_decision},
        )
    return award


# --- Reference data (the admin) -------------------------------------------------------------------


def reference_save(*, actor: Any, obj: Any, changed: Sequence[str] = ()) -> None:
    """An administrator's edit of the reference data (forms, base salaries, multiples, ballot
    rules, certificate layouts): saved and audited together, with the legal source it cites."""
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        audit_record(
            actor=actor,
            action=AwardsAction.REFERENCE_EDIT,
            target=obj,
            data={
                "changed": sorted(changed),
                "legal_source": str(getattr(obj, "legal_source", "")),
            },
        )


def reference_delete(*, actor: Any, obj: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AwardsAction.REFERENCE_EDIT,
            target=obj,
            data={"deleted": True, "legal_source": str(getattr(obj, "legal_source", ""))},
        )
        obj.delete()


# --- Dossier files ------------------------------------------------------------------------------

FILE_MAX_BYTES = 10 * 1024 * 1024
FILES_PER_NOMINATION = 10


def nomination_file_add(
    *, actor: Any, nomination: Nomination, upload: UploadData
) -> NominationFile:
    """A file of the dossier (the achievement report signed, photos), cleaned of identifying
    metadata like every upload (`toandan.media.files`); while the unit may still edit it."""
    if not policies.may_file(actor, nomination):
        raise WorkflowAccessError
    if nomination.status not in {NominationStatus.DRAFT, NominationStatus.RETURNED}:
        raise _refuse(_("Files are added while the nomination is a draft or returned."))
    if nomination.files.count() >= FILES_PER_NOMINATION:
        raise _refuse(_("A dossier holds at most %(n)d files.") % {"n": FILES_PER_NOMINATION})
    try:
        clean = clean_upload(upload, max_bytes=FILE_MAX_BYTES)
    except RejectedFileError as rejected:
        raise _refuse(rejected.message, "file") from None
    stem = (upload.name.rsplit(".", 1)[0] or "tep")[:150]
    with transaction.atomic():
        stored = NominationFile.objects.create(
            nomination=nomination,
            name=f"{stem}{clean.extension}",
            content_type=clean.content_type,
            data=clean.data,
        )
        audit_record(
            actor=actor,
            action=AwardsAction.NOMINATION_FILE,
            target=nomination,
            data={"file": stored.pk, "size": len(clean.data)},
        )
    return stored
