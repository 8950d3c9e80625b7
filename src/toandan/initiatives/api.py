"""The JSON API of community models, under /api/v1/community-models/.

- `GET /counts?on=YYYY-MM-DD[&by=province|commune|organisation|theme|grade]
  [&geography=old|current][&unit=ORG]` is public: counts, never names of people or contacts
  (by organisation: the Women's Union units below `unit`, each with its subtree).
- Everything else needs staff with jurisdiction (Bearer token or the session): a model
  outside the caller's area answers 404 exactly like one that does not exist; a step the
  workflow refuses answers 409 with the message and the field; unknown references 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from toandan.accounts.api_auth import ApiAuth
from toandan.core.access import public
from toandan.core.pagination import DatabaseId
from toandan.geo.models import AdminUnit, Level
from toandan.initiatives import selectors, services
from toandan.initiatives.models import Grade, Initiative, Review, Site, Theme
from toandan.orgs.models import OrgUnit
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError

router = Router(tags=["community models"])


class ErrorOut(Schema):
    code: str
    detail: str
    field: str = ""


def _error(status: int, code: str, detail: str, field: str = "") -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail, "field": field}, status=status)


def _not_found() -> JsonResponse:
    return _error(404, "not_found", _("No such community model."))


# --- Public counts --------------------------------------------------------------------------


class CountsQuery(Schema):
    on: dt.date
    by: str = ""
    geography: str = ""
    # by=organisation: the Women's Union unit whose units below are counted (default: the root)
    unit: str = Field("", max_length=40)


class CountRowOut(Schema):
    code: str
    name: str
    models: int
    sites: int | None = None
    teams: int | None = None
    members: int | None = None


class CountsOut(Schema):
    on: dt.date
    by: str
    geography: str
    models: int
    sites: int
    teams: int
    members: int
    rows: list[CountRowOut]


@router.get(
    "/counts", response={200: CountsOut, 422: ErrorOut}, auth=None, summary="Counts on a date"
)
@public
def counts(request: HttpRequest, query: Query[CountsQuery]) -> Any:
    """Models, sites (điểm), teams (tổ) and members active at the end of a date (public)."""
    if query.by not in selectors.BY_CHOICES:
        return _error(
            422, "invalid", _("by: province, commune, organisation, theme or grade."), "by"
        )
    if query.geography not in selectors.GEOGRAPHIES:
        return _error(422, "invalid", _("geography: old or current."), "geography")
    if query.by == "organisation":
        found = selectors.counts_by_organisation(query.on, unit=query.unit)
        if found is None:
            return _error(422, "invalid", _("Unknown unit."), "unit")
        result = found
    else:
        result = selectors.counts_on(query.on, by=query.by, geography=query.geography)
    return {
        "on": result.on,
        "by": result.by,
        "geography": "old" if result.geography == "legacy" else "current",
        "models": result.models,
        "sites": result.sites,
        "teams": result.teams,
        "members": result.members,
        "rows": result.rows,
    }


# --- Staff ----------------------------------------------------------------------------------


class InitiativeOut(Schema):
    id: int
    name: str
    theme: str
    status: str
    exemplary: bool
    host_unit: str
    police_unit: str | None
    commune: str
    current_commune: str | None
    started_on: dt.date
    ended_on: dt.date | None
    origin_id: int | None


class SiteOut(Schema):
    id: int
    name: str
    commune: str
    started_on: dt.date
    ended_on: dt.date | None


class TeamOut(Schema):
    id: int
    site_id: int
    name: str
    member_count: int
    started_on: dt.date
    ended_on: dt.date | None


class ReviewOut(Schema):
    id: int
    initiative_id: int
    year: int
    status: str
    due_on: dt.date
    activities: int
    members: int
    meetings: int
    tips_passed: int
    grade: str | None


class InitiativeDetailOut(InitiativeOut):
    contact_name: str
    contact_phone: str
    decision_number: str
    sites: list[SiteOut]
    teams: list[TeamOut]
    reviews: list[ReviewOut]


class ListQuery(Schema):
    q: str = ""
    theme: str = ""
    status: str = ""
    commune: str = ""
    active_on: dt.date | None = None
    limit: int = Field(50, ge=1, le=500)
    # Bounded like every page number of the API: past the database's bigint, PostgreSQL
    # refused the OFFSET with a server error (the API fuzzer found it).
    offset: int = Field(0, ge=0, le=1_000_000)


def _initiative_out(i: Initiative) -> dict[str, Any]:
    return {
        "id": i.pk,
        "name": i.name,
        "theme": i.theme.code,
        "status": i.status,
        "exemplary": i.exemplary,
        "host_unit": i.host_unit.code,
        "police_unit": i.police_unit.code if i.police_unit else None,
        "commune": i.commune.code,
        "current_commune": i.current_commune.code if i.current_commune else None,
        "started_on": i.started_on,
        "ended_on": i.ended_on,
        "origin_id": i.origin_id,
    }


def _review_out(r: Review) -> dict[str, Any]:
    return {
        "id": r.pk,
        "initiative_id": r.initiative_id,
        "year": r.year,
        "status": r.status,
        "due_on": r.due_on,
        "activities": r.activities,
        "members": r.members,
        "meetings": r.meetings,
        "tips_passed": r.tips_passed,
        "grade": r.grade.code if r.grade else None,
    }


def _commune(code: str, *, generation: str = "current") -> AdminUnit | None:
    return AdminUnit.objects.filter(generation=generation, level=Level.COMMUNE, code=code).first()


@router.get("", response=list[InitiativeOut], auth=ApiAuth(), summary="List models")
def initiative_list(request: HttpRequest, query: Query[ListQuery]) -> Any:
    commune = _commune(query.commune) if query.commune else None
    rows = selectors.initiative_list(
        request.user,
        q=query.q,
        theme=query.theme,
        status=query.status,
        commune=commune.pk if commune else (-1 if query.commune else None),
        active_on=query.active_on,
    )
    return [_initiative_out(i) for i in rows[query.offset : query.offset + query.limit]]


@router.get("/reviews", response=list[ReviewOut], auth=ApiAuth(), summary="List reviews")
def review_list(request: HttpRequest, status: str = "", year: int | None = None) -> Any:
    return [
        _review_out(r)
        for r in selectors.reviews_visible(request.user, status=status, year=year)[:500]
    ]


@router.get(
    "/{initiative_id}",
    response={200: InitiativeDetailOut, 404: ErrorOut},
    auth=ApiAuth(),
    summary="One model with its sites, teams and reviews",
)
def initiative_detail(request: HttpRequest, initiative_id: int) -> Any:
    initiative = selectors.initiative_get(request.user, initiative_id)
    if initiative is None:
        return _not_found()
    sites = list(initiative.sites.all())
    return {
        **_initiative_out(initiative),
        "contact_name": initiative.contact_name,
        "contact_phone": initiative.contact_phone,
        "decision_number": initiative.decision_number,
        "sites": [
            {
                "id": s.pk,
                "name": s.name,
                "commune": s.commune.code,
                "started_on": s.started_on,
                "ended_on": s.ended_on,
            }
            for s in sites
        ],
        "teams": [
            {
                "id": t.pk,
                "site_id": t.site_id,
                "name": t.name,
                "member_count": t.member_count,
                "started_on": t.started_on,
                "ended_on": t.ended_on,
            }
            for s in sites
            for t in s.teams.all()
        ],
        "reviews": [_review_out(r) for r in initiative.reviews.all()],
    }


class RegisterIn(Schema):
    name: str
    theme: str
    host_unit: str
    police_unit: str = ""
    commune: str
    started_on: dt.date
    area_kind: str = "residential"
    practice: str = ""
    decision_number: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def _refused(exc: WorkflowRefusedError) -> JsonResponse:
    return _error(409, "refused", exc.message, exc.field)


@router.post(
    "",
    response={201: InitiativeOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=ApiAuth(),
    summary="Register a model",
)
def initiative_register(request: HttpRequest, payload: RegisterIn) -> Any:
    theme = Theme.objects.filter(code=payload.theme).first()
    host = OrgUnit.objects.filter(code=payload.host_unit).first()
    police = (
        OrgUnit.objects.filter(code=payload.police_unit).first() if payload.police_unit else None
    )
    commune = _commune(payload.commune)
    for value, field in ((theme, "theme"), (host, "host_unit"), (commune, "commune")):
        if value is None:
            return _error(422, "unknown", _("Unknown value."), field)
    if payload.police_unit and police is None:
        return _error(422, "unknown", _("Unknown value."), "police_unit")
    assert theme is not None
    assert host is not None
    assert commune is not None
    try:
        initiative = services.initiative_register(
            actor=request.user,
            name=payload.name,
            theme=theme,
            host_unit=host,
            police_unit=police,
            commune=commune,
            started_on=payload.started_on,
            area_kind=payload.area_kind,
            practice=payload.practice,
            decision_number=payload.decision_number,
            contact_name=payload.contact_name,
            contact_phone=payload.contact_phone,
        )
    except WorkflowAccessError:
        return _error(403, "forbidden", _("This unit is outside your area."), "host_unit")
    except WorkflowRefusedError as exc:
        return _refused(exc)
    return Status(201, _initiative_out(initiative))


class SiteIn(Schema):
    name: str
    commune: str
    started_on: dt.date


@router.post(
    "/{initiative_id}/sites",
    response={201: SiteOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=ApiAuth(),
    summary="Add a site",
)
def site_add(request: HttpRequest, initiative_id: int, payload: SiteIn) -> Any:
    initiative = selectors.initiative_get(request.user, initiative_id)
    if initiative is None:
        return _not_found()
    commune = _commune(payload.commune)
    if commune is None:
        return _error(422, "unknown", _("Unknown value."), "commune")
    try:
        site = services.site_add(
            actor=request.user,
            initiative=initiative,
            name=payload.name,
            commune=commune,
            started_on=payload.started_on,
        )
    except WorkflowAccessError:
        return _not_found()
    except WorkflowRefusedError as exc:
        return _refused(exc)
    return Status(
        201,
        {
            "id": site.pk,
            "name": site.name,
            "commune": commune.code,
            "started_on": site.started_on,
            "ended_on": None,
        },
    )


# Counts a form would bound, bounded here too: a number past the database's integer is a 422,
# not a server error (the API fuzzer found 2**64 in site_id).
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class TeamIn(Schema):
    site_id: DatabaseId
    name: str
    member_count: Count
    started_on: dt.date


@router.post(
    "/{initiative_id}/teams",
    response={201: TeamOut, 404: ErrorOut, 409: ErrorOut},
    auth=ApiAuth(),
    summary="Add a team",
)
def team_add(request: HttpRequest, initiative_id: int, payload: TeamIn) -> Any:
    initiative = selectors.initiative_get(request.user, initiative_id)
    if initiative is None:
        return _not_found()
    site = Site.objects.filter(pk=payload.site_id, initiative=initiative).first()
    if site is None:
        return _not_found()
    try:
        team = services.team_add(
            actor=request.user,
            site=site,
            name=payload.name,
            member_count=payload.member_count,
            started_on=payload.started_on,
        )
    except WorkflowAccessError:
        return _not_found()
    except WorkflowRefusedError as exc:
        return _refused(exc)
    return Status(
        201,
        {
            "id": team.pk,
            "site_id": site.pk,
            "name": team.name,
            "member_count": team.member_count,
            "started_on": team.started_on,
            "ended_on": None,
        },
    )


class ReviewIn(Schema):
    year: Annotated[int, Field(ge=2000, le=2100)]
    activities: Count
    members: Count
    meetings: Count
    tips_passed: Count
    channel_posts: Count = 0
    scores: dict[str, int] = {}
    self_assessment: str = ""


@router.post(
    "/{initiative_id}/reviews",
    response={201: ReviewOut, 404: ErrorOut, 409: ErrorOut},
    auth=ApiAuth(),
    summary="File and submit the yearly review",
)
def review_file(request: HttpRequest, initiative_id: int, payload: ReviewIn) -> Any:
    initiative = selectors.initiative_get(request.user, initiative_id)
    if initiative is None:
        return _not_found()
    try:
        review = services.review_file(
            actor=request.user,
            initiative=initiative,
            year=payload.year,
            activities=payload.activities,
            members=payload.members,
            meetings=payload.meetings,
            tips_passed=payload.tips_passed,
            channel_posts=payload.channel_posts,
            scores=payload.scores,
            self_assessment=payload.self_assessment,
        )
    except WorkflowAccessError:
        return _not_found()
    except WorkflowRefusedError as exc:
        return _refused(exc)
    return Status(201, _review_out(review))


class StepIn(Schema):
    action: str
    reason: str = ""
    grade: str = ""


@router.post(
    "/reviews/{review_id}/steps",
    response={200: ReviewOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=ApiAuth(),
    summary="Confirm, return or grade a review",
)
def review_step(request: HttpRequest, review_id: int, payload: StepIn) -> Any:
    review = selectors.review_get(request.user, review_id)
    if review is None:
        return _not_found()
    grade = Grade.objects.filter(code=payload.grade).first() if payload.grade else None
    if payload.grade and grade is None:
        return _error(422, "unknown", _("Unknown value."), "grade")
    try:
        review = services.review_step(
            actor=request.user,
            review=review,
            action=payload.action,
            reason=payload.reason,
            grade=grade,
        )
    except WorkflowAccessError:
        return _error(403, "forbidden", _("You may not take this step."), "action")
    except WorkflowRefusedError as exc:
        return _refused(exc)
    review = Review.objects.select_related("grade").get(pk=review.pk)
    return Status(200, _review_out(review))
