"""The JSON API of awards, under /api/v1/awards/.

Public (no account): the campaigns with their counts, a campaign's honour roll, and the verify
check of a certificate's code. Staff (Bearer token or session): nominations in the caller's
reach and their steps, the council's results, reviewers' scores, the decision's annex. The
same services as the pages apply the rules: out of reach answers 404 like unknown, a refused
step 409 with the message and the field to correct.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema, Status

from toandan.accounts.api_auth import ApiAuth
from toandan.awards import policies, selectors, services
from toandan.awards.machine import PAGE_ACTIONS
from toandan.awards.models import Campaign, Nomination
from toandan.core.access import public
from toandan.orgs.models import OrgUnit
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

router = Router(tags=["awards"])


# --- Schemas ----------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    region: str
    period_start: dt.date
    period_end: dt.date
    ceremony_date: dt.date
    ceremony_place: str
    status: str
    awarded_total: int
    awarded_collectives: int
    awarded_individuals: int
    awarded_households: int


class HonourEntryOut(Schema):
    line: int
    name: str
    subject_type: str
    unit: str
    province: str
    achievement: str
    form: str


class HonourRollOut(Schema):
    campaign: CampaignOut
    collectives: list[HonourEntryOut]
    individuals: list[HonourEntryOut]
    households: list[HonourEntryOut]


class VerifyOut(Schema):
    status: str = Field(description='"valid", "revoked" or "unknown"')
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


class ErrorOut(Schema):
    code: str
    detail: str
    field: str = ""


class NominationOut(Schema):
    id: int
    campaign_id: int
    name: str
    subject_type: str
    unit: str
    province_unit: str
    form: str
    achievement_summary: str
    status: str
    frozen: bool
    province_rank: int | None
    evidence: list[dict[str, Any]]


class StepIn(Schema):
    action: str = Field(description="submit, forward, return, receive, send_back, freeze, unfreeze")
    reason: str = ""


class RankingIn(Schema):
    province_unit_id: int
    order: list[int] = Field(description="nomination ids, first = rank 1", max_length=500)


class ScoresIn(Schema):
    scores: dict[int, int | None] = Field(description="criterion id → score (null: abstain)")


class ResultRowOut(Schema):
    rank: int
    nomination_id: int
    name: str
    score: Decimal | None
    yes: int
    no: int
    abstain: int
    eligible: int
    passed: bool
    tie_broken_by: str


class ResultsOut(Schema):
    rule: str
    rule_source: str
    pass_share: Decimal
    tie_rules: list[str]
    rows: list[ResultRowOut]


class AwardOut(Schema):
    line: int
    nomination_id: int
    name: str
    form: str
    multiple: Decimal
    amount_vnd: int
    code: str
    revoked: bool


class DecisionOut(Schema):
    number: str
    date: dt.date
    signer_name: str
    signer_title: str
    issuing_unit: str
    base_salary_vnd: int
    awards: list[AwardOut]


# --- Public -----------------------------------------------------------------------------------


def _campaign_out(summary: selectors.CampaignSummary) -> dict[str, Any]:
    return {**summary.__dict__, "awarded_total": summary.awarded_total}


@router.get("/campaigns", response=list[CampaignOut], auth=None, summary="Campaigns and counts")
@public
def campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    """Every campaign with how many collectives, individuals and households it commends
    (awards in force: a revoked one no longer counts)."""
    return [_campaign_out(c) for c in selectors.campaigns_public()]


@router.get(
    "/campaigns/{campaign_id}/honour-roll",
    response={200: HonourRollOut, 404: ErrorOut},
    auth=None,
    summary="A campaign's honour roll",
)
@public
def honour_roll(request: HttpRequest, campaign_id: int) -> Any:
    """Collectives and individuals with unit, province and achievement; an individual by name
    only with recorded consent; a tipster never."""
    try:
        roll = selectors.honour_roll(campaign_id)
    except Http404:
        return Status(404, {"code": "not_found", "detail": "No such campaign."})
    return {
        "campaign": _campaign_out(roll.campaign),
        "collectives": [e.__dict__ for e in roll.collectives],
        "individuals": [e.__dict__ for e in roll.individuals],
        "households": [e.__dict__ for e in roll.households],
    }


@router.get("/verify/{code}", response=VerifyOut, auth=None, summary="Check a certificate")
@public
def verify(
    request: HttpRequest,
    response: HttpResponse,
    code: Annotated[str, Path(min_length=1, max_length=12, pattern=r"^[A-Za-z0-9]+$")],
) -> dict[str, Any]:
    """The status of a certificate by the code printed on it (letters and digits)."""
    response["Cache-Control"] = "no-cache"
    return selectors.verify(code).__dict__


# --- Staff ------------------------------------------------------------------------------------


def _nomination_out(n: Nomination) -> dict[str, Any]:
    return {
        "id": n.pk,
        "campaign_id": n.campaign_id,
        "name": n.display_name,
        "subject_type": n.subject_type,
        "unit": "" if n.is_tipster else n.unit.name,
        "province_unit": n.province_unit.name,
        "form": n.form.name,
        "achievement_summary": n.achievement_summary,
        "status": n.status,
        "frozen": n.frozen,
        "province_rank": n.province_rank,
        "evidence": list((n.evidence or {}).get("lines", [])),
    }


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _refused(refused: WorkflowRefusedError) -> Status[Any]:
    return Status(409, {"code": "refused", "detail": refused.message, "field": refused.field})


NOT_FOUND = {"code": "not_found", "detail": "Not found."}


@router.get(
    "/nominations", response=list[NominationOut], auth=ApiAuth(), summary="Nominations in reach"
)
def nominations(request: HttpRequest, campaign: int | None = None) -> list[dict[str, Any]]:
    chosen = Campaign.objects.filter(pk=campaign).first() if campaign else None
    rows = selectors.nominations_for(_user(request), chosen).order_by("id")[:500]
    return [_nomination_out(n) for n in rows]


@router.get(
    "/nominations/{nomination_id}",
    response={200: NominationOut, 404: ErrorOut},
    auth=ApiAuth(),
    summary="One nomination",
)
def nomination(request: HttpRequest, nomination_id: int) -> Any:
    try:
        return _nomination_out(selectors.nomination_for(_user(request), nomination_id))
    except Http404:
        return Status(404, NOT_FOUND)


@router.post(
    "/nominations/{nomination_id}/steps",
    response={200: NominationOut, 404: ErrorOut, 409: ErrorOut},
    auth=ApiAuth(),
    summary="Take a step (submit, forward, return, receive ...)",
)
def nomination_step(request: HttpRequest, nomination_id: int, payload: StepIn) -> Any:
    user = _user(request)
    if payload.action not in PAGE_ACTIONS:
        # award and decline come with the decision, revoke with the certificate's revocation.
        return Status(
            409,
            {
                "code": "refused",
                "detail": "This step is taken with the decision or the revocation.",
                "field": "action",
            },
        )
    try:
        nomination = selectors.nomination_for(user, nomination_id)
        done = services.nomination_step(
            actor=user, nomination=nomination, action=payload.action, reason=payload.reason
        )
    except (Http404, WorkflowAccessError):
        return Status(404, NOT_FOUND)
    except WorkflowRefusedError as refused:
        return _refused(refused)
    return _nomination_out(done)


@router.post(
    "/nominations/{nomination_id}/scores",
    response={200: dict[str, int], 404: ErrorOut, 409: ErrorOut},
    auth=ApiAuth(),
    summary="A council member scores a nomination",
)
def scores(request: HttpRequest, nomination_id: int, payload: ScoresIn) -> Any:
    user = _user(request)
    nomination = Nomination.objects.filter(pk=nomination_id).first()
    if nomination is None:
        return Status(404, NOT_FOUND)
    try:
        saved = services.scores_record(actor=user, nomination=nomination, values=payload.scores)
    except WorkflowAccessError:
        return Status(404, NOT_FOUND)
    except WorkflowRefusedError as refused:
        return _refused(refused)
    return {"saved": len(saved)}


@router.post(
    "/campaigns/{campaign_id}/ranking",
    response={200: list[NominationOut], 404: ErrorOut},
    auth=ApiAuth(),
    summary="The province ranks its nominations",
)
def ranking(request: HttpRequest, campaign_id: int, payload: RankingIn) -> Any:
    """The province's order of its nominations before it forwards them within its quota."""
    user = _user(request)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    unit = OrgUnit.objects.filter(pk=payload.province_unit_id).first()
    if campaign is None or unit is None:
        return Status(404, NOT_FOUND)
    try:
        services.nominations_rank(
            actor=user, campaign=campaign, province_unit=unit, ordered_ids=payload.order
        )
    except WorkflowAccessError:
        return Status(404, NOT_FOUND)
    rows = selectors.nominations_for(user, campaign).filter(province_unit=unit)
    return [_nomination_out(n) for n in rows.order_by("province_rank", "id")]


def _campaign_in_reach(user: Any, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not (
        policies.may_organise(user, campaign) or policies.is_council_member(user, campaign)
    ):
        raise Http404
    return campaign


@router.get(
    "/campaigns/{campaign_id}/results",
    response={200: ResultsOut, 404: ErrorOut},
    auth=ApiAuth(),
    summary="The council's results",
)
def results(request: HttpRequest, campaign_id: int) -> Any:
    try:
        campaign = _campaign_in_reach(_user(request), campaign_id)
    except Http404:
        return Status(404, NOT_FOUND)
    found = selectors.results_for(campaign)
    return {
        "rule": found.rule_name,
        "rule_source": found.rule_source,
        "pass_share": found.pass_share,
        "tie_rules": found.tie_rules,
        "rows": [
            {
                "rank": r.rank,
                "nomination_id": r.nomination.pk,
                "name": r.nomination.display_name,
                "score": r.score,
                "yes": r.yes,
                "no": r.no,
                "abstain": r.abstain,
                "eligible": r.eligible,
                "passed": r.passed,
                "tie_broken_by": r.tie_broken_by,
            }
            for r in found.rows
        ],
    }


@router.get(
    "/campaigns/{campaign_id}/decision",
    response={200: DecisionOut, 404: ErrorOut},
    auth=ApiAuth(),
    summary="The decision and its annex",
)
def decision(request: HttpRequest, campaign_id: int) -> Any:
    try:
        campaign = _campaign_in_reach(_user(request), campaign_id)
    except Http404:
        return Status(404, NOT_FOUND)
    issued = getattr(campaign, "decision", None)
    if issued is None:
        return Status(404, {"code": "not_issued", "detail": "No decision yet."})
    return {
        "number": issued.number,
        "date": issued.date,
        "signer_name": issued.signer_name,
        "signer_title": issued.signer_title,
        "issuing_unit": issued.issuing_unit.name,
        "base_salary_vnd": issued.base_salary_vnd,
        "awards": [
            {
                "line": a.line,
                "nomination_id": a.nomination_id,
                "name": a.nomination.display_name,
                "form": a.form.name,
                "multiple": a.multiple,
                "amount_vnd": a.amount_vnd,
                "code": a.code,
                "revoked": a.is_revoked,
            }
            for a in issued.awards.select_related("nomination", "form").order_by("line")
        ],
    }
