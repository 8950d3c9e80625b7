"""Writes of community models: register, sites, teams, channels, lifecycle steps, reviews.

Every write checks the actor's policy, runs in one transaction with its audit event and keeps
the stock of counts (`toandan.initiatives.stock`) right in that same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from toandan.audit.services import audit_record
from toandan.core.phones import normalise_phone
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives import policies
from toandan.initiatives.audit_actions import InitiativesAction
from toandan.initiatives.events import INITIATIVE_STEPPED, REVIEW_STEPPED
from toandan.initiatives.machines import INITIATIVE, REVIEW
from toandan.initiatives.models import (
    ENDED_STATUSES,
    AreaKind,
    Channel,
    Grade,
    Initiative,
    Review,
    ReviewCalendar,
    ReviewStatus,
    Site,
    Status,
    Team,
    Theme,
)
from toandan.initiatives.stock import contributions_of, stock_apply_change
from toandan.orgs.models import OrgKind, OrgUnit
from toandan.workflow.machine import Transition, WorkflowAccessError, WorkflowRefusedError
from toandan.workflow.services import workflow_apply, workflow_record_creation

Refused = WorkflowRefusedError
NAME_MAX = 200  # the length of a site's and a team's name (models.Site/Team.name)
MEMBERS_MAX = 10_000  # as the team form allows
REVIEW_YEARS = (2000, 2100)  # a date of the review year must exist (dt.date raises otherwise)
COUNT_MAX = 1_000_000  # a review's counts (positive integer columns)


def _today() -> dt.date:
    return timezone.localdate()


def _check_commune(commune: AdminUnit, day: dt.date, field: str = "commune") -> None:
    if commune.level != Level.COMMUNE:
        raise Refused(_("Choose a commune."), field=field)
    # A commune of today may carry a model that began before the 2025 reform (it is counted
    # there from its start, and under the old commune it took over for the old geography);
    # an old commune cannot take a model that starts after it ceased to exist.
    if commune.valid_to is not None and day > commune.valid_to:
        raise Refused(
            _("This commune no longer existed on %(date)s.") % {"date": day.strftime("%d/%m/%Y")},
            field=field,
        )


def _successor_of(commune: AdminUnit) -> AdminUnit | None:
    if commune.generation != Generation.LEGACY:
        return None
    edge = commune.successions.filter(is_primary=True).select_related("successor").first()
    return edge.successor if edge else None


class _Stock:
    """Keeps the counts right around a change: `with _Stock(initiative): ...`."""

    def __init__(self, initiative: Initiative) -> None:
        self.initiative = initiative

    def __enter__(self) -> _Stock:
        self.before = contributions_of(self.initiative) if self.initiative.pk else []
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            fresh = Initiative.objects.get(pk=self.initiative.pk)
            stock_apply_change(self.before, contributions_of(fresh))


# --- Reference data (the admin saves through here) -----------------------------------------


def reference_save(*, actor: Any, obj: Any, changed: list[str]) -> None:
    """Save a theme, calendar, criterion or grade an administrator edited, with its audit
    event (the rules the guidance leaves open are data: who changed them is on record)."""
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        audit_record(
            actor=actor,
            action=InitiativesAction.REFERENCE_SAVE,
            target=obj,
            data={"changed": sorted(changed)},
        )


# --- Registration ---------------------------------------------------------------------------


def initiative_register(
    *,
    actor: Any,
    name: str,
    theme: Theme,
    host_unit: OrgUnit,
    commune: AdminUnit,
    started_on: dt.date,
    police_unit: OrgUnit | None = None,
    area_kind: str = AreaKind.RESIDENTIAL,
    practice: str = "",
    decision_number: str = "",
    decision_date: dt.date | None = None,
    decision_issuer: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    first_site: str = "",
    origin: Initiative | None = None,
) -> Initiative:
    """Register a model in `commune`, hosted by `host_unit`, with its first site (điểm) there
    (HD 22/HD-BCA-V05 counts a model by its name, its sites and its teams)."""
    if not policies.may_register(actor, host_unit):
        raise WorkflowAccessError
    name = " ".join(name.split())
    if not name:
        raise Refused(_("Give the model's name."), field="name")
    if police_unit is not None and police_unit.kind != OrgKind.POLICE:
        raise Refused(_("The co-host must be a police unit."), field="police_unit")
    _check_commune(commune, started_on)
    if not theme.active:
        raise Refused(_("This theme is no longer in use."), field="theme")
    if contact_phone:
        phone = normalise_phone(contact_phone)
        if phone is None:
            raise Refused(_("Enter a valid Vietnamese phone number."), field="contact_phone")
        contact_phone = phone
    if origin is not None and not origin.exemplary:
        raise Refused(_("Only an exemplary model can be replicated."), field="origin")
    with transaction.atomic():
        initiative = Initiative(
            name=name,
            theme=theme,
            host_unit=host_unit,
            police_unit=police_unit,
            commune=commune,
            current_commune=_successor_of(commune),
            area_kind=area_kind,
            practice=practice.strip() or (origin.practice if origin else ""),
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            decision_issuer=decision_issuer.strip(),
            contact_name=contact_name.strip(),
            contact_phone=contact_phone,
            origin=origin,
            started_on=started_on,
            status=Status.PROPOSED,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        try:
            initiative.full_clean(exclude=["decision_file"])
        except ValidationError as invalid:
            # A value the model refuses (too long, unknown kind) is the caller's to correct.
            field, errors = next(iter(invalid.message_dict.items()))
            raise Refused(" ".join(errors), field=field.replace("__all__", "")) from None
        with _Stock(initiative):
            initiative.save()
            Site.objects.create(
                initiative=initiative,
                name=first_site.strip() or commune.name,
                commune=commune,
                current_commune=initiative.current_commune,
                started_on=started_on,
            )
        workflow_record_creation(
            INITIATIVE,
            initiative,
            actor=actor,
            action="register",
            document=initiative.decision_number,
            effective_on=started_on,
        )
        audit_record(
            actor=actor,
            action=InitiativesAction.REGISTER,
            target=initiative,
            data={
                "name": name,
                "host_unit": host_unit.code,
                "origin": origin.pk if origin else None,
            },
        )
    return initiative


def initiative_replicate(
    *,
    actor: Any,
    origin: Initiative,
    host_unit: OrgUnit,
    commune: AdminUnit,
    started_on: dt.date,
    name: str = "",
    police_unit: OrgUnit | None = None,
) -> Initiative:
    """Start a new model from an exemplary one (nhân rộng): its theme and way of working are
    copied and its origin recorded, so the origin sees where it spread."""
    return initiative_register(
        actor=actor,
        name=name or origin.name,
        theme=origin.theme,
        host_unit=host_unit,
        police_unit=police_unit,
        commune=commune,
        started_on=started_on,
        area_kind=origin.area_kind,
        practice=origin.practice,
        origin=origin,
    )


# --- Lifecycle ------------------------------------------------------------------------------


def initiative_step(
    *,
    actor: Any,
    initiative: Initiative,
    action: str,
    reason: str = "",
    document: str = "",
    effective_on: dt.date | None = None,
    merged_into: Initiative | None = None,
) -> Initiative:
    """One step of the lifecycle (proposed → piloted → recognised → active → under
    consolidation → dissolved or merged), with its reason, date and document."""
    day = effective_on or _today()

    def guard(obj: Initiative, transition: Transition) -> None:
        if transition.action in ("dissolve", "merge") and day < obj.started_on:
            raise Refused(_("The end cannot be before the start."), field="effective_on")
        if transition.action in ("dissolve", "merge") and (
            Site.objects.filter(initiative=obj, ended_on__isnull=True, started_on__gt=day).exists()
            or Team.objects.filter(
                site__initiative=obj, ended_on__isnull=True, started_on__gt=day
            ).exists()
        ):
            # Its open sites and teams end with it: none may have started after that day.
            raise Refused(
                _("A site or team of this model started after that day."), field="effective_on"
            )
        if transition.action in ("dissolve", "merge") and (
            Site.objects.filter(initiative=obj, ended_on__gt=day).exists()
            or Team.objects.filter(site__initiative=obj, ended_on__gt=day).exists()
        ):
            # One that already ended keeps its end: it would be counted after the model's.
            raise Refused(
                _("A site or team of this model ended after that day."), field="effective_on"
            )
        if transition.action == "merge":
            if merged_into is None or merged_into.pk == obj.pk:
                raise Refused(_("Choose the model it is merged into."), field="merged_into")
            if merged_into.status in ENDED_STATUSES:
                raise Refused(_("That model has ended."), field="merged_into")
        if transition.action == "recognise" and not (document.strip() or obj.decision_number):
            raise Refused(_("Give the number of the recognition decision."), field="document")

    def execute(obj: Initiative, transition: Transition) -> dict[str, Any]:
        data: dict[str, Any] = {"effective_on": day.isoformat()}
        if transition.action in ("dissolve", "merge"):
            obj.ended_on = day
            Site.objects.filter(initiative=obj, ended_on__isnull=True).update(ended_on=day)
            Team.objects.filter(site__initiative=obj, ended_on__isnull=True).update(ended_on=day)
            Channel.objects.filter(initiative=obj, ended_on__isnull=True).update(ended_on=day)
        if transition.action == "merge" and merged_into is not None:
            obj.merged_into = merged_into
            data["merged_into"] = merged_into.pk
        if transition.action == "mark_exemplary":
            obj.exemplary = True
        if transition.action == "recognise" and document.strip():
            obj.decision_number = obj.decision_number or document.strip()
            obj.decision_date = obj.decision_date or day
        return data

    with transaction.atomic(), _Stock(initiative):
        updated, _change = workflow_apply(
            INITIATIVE,
            initiative,
            action=action,
            actor=actor,
            audit_action=InitiativesAction.STEP,
            reason=reason,
            document=document,
            effective_on=day,
            guard=guard,
            execute=execute,
            event=INITIATIVE_STEPPED,
        )
    return updated


def _check_open(initiative: Initiative) -> None:
    if initiative.status in ENDED_STATUSES:
        raise Refused(_("This model has ended."), field="initiative")


# --- Sites, teams, channels -----------------------------------------------------------------


def site_add(
    *, actor: Any, initiative: Initiative, name: str, commune: AdminUnit, started_on: dt.date
) -> Site:
    """A new area the model works in (a replication site counts as one more điểm)."""
    if not policies.may_edit(actor, initiative):
        raise WorkflowAccessError
    _check_open(initiative)
    name = " ".join(name.split())
    if not name:
        raise Refused(_("Name the place."), field="name")
    if len(name) > NAME_MAX:
        raise Refused(_("At most %(max)d characters.") % {"max": NAME_MAX}, field="name")
    _check_commune(commune, started_on)
    if started_on < initiative.started_on:
        raise Refused(_("A site cannot start before its model."), field="started_on")
    with transaction.atomic(), _Stock(initiative):
        site = Site.objects.create(
            initiative=initiative,
            name=name,
            commune=commune,
            current_commune=_successor_of(commune),
            started_on=started_on,
        )
        audit_record(
            actor=actor,
            action=InitiativesAction.SITE_ADD,
            target=site,
            data={"initiative": initiative.pk, "commune": commune.code},
        )
    return site


def team_add(*, actor: Any, site: Site, name: str, member_count: int, started_on: dt.date) -> Team:
    """A team (tổ) of a site, with how many members it has (not who they are)."""
    initiative = site.initiative
    if not policies.may_edit(actor, initiative):
        raise WorkflowAccessError
    _check_open(initiative)
    name = " ".join(name.split())
    if not name:
        raise Refused(_("Name the team."), field="name")
    if len(name) > NAME_MAX:
        raise Refused(_("At most %(max)d characters.") % {"max": NAME_MAX}, field="name")
    if member_count < 1:
        raise Refused(_("A team has at least one member."), field="member_count")
    if member_count > MEMBERS_MAX:
        raise Refused(
            _("At most %(max)d members in a team.") % {"max": MEMBERS_MAX}, field="member_count"
        )
    if started_on < site.started_on or (site.ended_on and started_on > site.ended_on):
        raise Refused(_("A team must start while its site is active."), field="started_on")
    with transaction.atomic(), _Stock(initiative):
        team = Team.objects.create(
            site=site, name=name, member_count=member_count, started_on=started_on
        )
        audit_record(
            actor=actor,
            action=InitiativesAction.TEAM_ADD,
            target=team,
            data={"site": site.pk, "members": member_count},
        )
    return team


def team_end(*, actor: Any, team: Team, ended_on: dt.date, reason: str) -> Team:
    initiative = team.site.initiative
    if not policies.may_edit(actor, initiative):
        raise WorkflowAccessError
    if ended_on < team.started_on:
        raise Refused(_("The end cannot be before the start."), field="ended_on")
    if initiative.ended_on is not None and ended_on > initiative.ended_on:
        raise Refused(_("A team cannot end after its model."), field="ended_on")
    if not reason.strip():
        raise Refused(_("Give a reason (required)."), field="reason")
    with transaction.atomic(), _Stock(initiative):
        Team.objects.filter(pk=team.pk).update(ended_on=ended_on)
        audit_record(
            actor=actor,
            action=InitiativesAction.TEAM_END,
            target=team,
            reason=reason.strip(),
            data={"ended_on": ended_on.isoformat()},
        )
    team.refresh_from_db()
    return team


def channel_add(
    *,
    actor: Any,
    initiative: Initiative,
    kind: str,
    address: str,
    audience: int,
    posts_per_month: int,
    started_on: dt.date,
) -> Channel:
    """An IT communication channel the model runs (Zalo group, Facebook page, loudspeaker)."""
    if not policies.may_edit(actor, initiative):
        raise WorkflowAccessError
    _check_open(initiative)
    if not address.strip():
        raise Refused(_("Give the channel's address or name."), field="address")
    with transaction.atomic():
        channel = Channel(
            initiative=initiative,
            kind=kind,
            address=address.strip(),
            audience=audience,
            posts_per_month=posts_per_month,
            started_on=started_on,
        )
        channel.full_clean()
        channel.save()
        audit_record(
            actor=actor,
            action=InitiativesAction.CHANNEL_ADD,
            target=channel,
            data={"initiative": initiative.pk, "kind": kind},
        )
    return channel


# --- Reviews --------------------------------------------------------------------------------


def calendar_on(day: dt.date) -> ReviewCalendar:
    calendar = (
        ReviewCalendar.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .order_by("-valid_from")
        .first()
    )
    if calendar is None:
        raise Refused(_("No review calendar covers this date: ask an administrator."))
    return calendar


def review_period(year: int, area_kind: str) -> tuple[dt.date, dt.date, dt.date]:
    """The review year ending in `year` (15/11 of the year before to 14/11, HD 01) and its
    deadline (QĐ 510: 20/11 for residential areas, 30/11 for communes and agencies)."""
    calendar = calendar_on(dt.date(year, 11, 1))
    start = dt.date(year - 1, calendar.year_starts_month, calendar.year_starts_day)
    end = dt.date(year, calendar.year_starts_month, calendar.year_starts_day) - dt.timedelta(1)
    if area_kind == AreaKind.RESIDENTIAL:
        due = dt.date(year, calendar.residential_due_month, calendar.residential_due_day)
    else:
        due = dt.date(year, calendar.commune_due_month, calendar.commune_due_day)
    return start, end, due


def review_file(
    *,
    actor: Any,
    initiative: Initiative,
    year: int,
    activities: int,
    members: int,
    meetings: int,
    tips_passed: int,
    channel_posts: int = 0,
    scores: dict[str, int] | None = None,
    self_assessment: str = "",
    submit: bool = True,
) -> Review:
    """File (or correct a returned) yearly review of a model; submit it to the commune police."""
    if not policies.may_edit(actor, initiative):
        raise WorkflowAccessError
    if not REVIEW_YEARS[0] <= year <= REVIEW_YEARS[1]:
        raise Refused(
            _("A review year between %(first)d and %(last)d.")
            % {"first": REVIEW_YEARS[0], "last": REVIEW_YEARS[1]},
            field="year",
        )
    counts = {
        "activities": activities,
        "members": members,
        "meetings": meetings,
        "tips_passed": tips_passed,
        "channel_posts": channel_posts,
    }
    for field, value in counts.items():
        if not 0 <= value <= COUNT_MAX:
            raise Refused(
                _("Write a whole number from 0 to %(max)d.") % {"max": COUNT_MAX}, field=field
            )
    start, end, due = review_period(year, initiative.area_kind)
    if initiative.started_on > end:
        raise Refused(_("The model had not started in this review year."), field="year")
    from toandan.initiatives.models import Criterion

    criteria = {c.code: c for c in Criterion.objects.filter(active=True)}
    clean_scores: dict[str, int] = {}
    for code, points in (scores or {}).items():
        criterion = criteria.get(code)
        if criterion is None:
            raise Refused(_("Unknown criterion %(code)s.") % {"code": code}, field="scores")
        if not 0 <= int(points) <= criterion.max_points:
            raise Refused(
                _("%(code)s: between 0 and %(max)d points.")
                % {"code": code, "max": criterion.max_points},
                field=f"score_{code}",
            )
        clean_scores[code] = int(points)
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(initiative=initiative, year=year).first()
        if review is None:
            review = Review(initiative=initiative, year=year)
        elif review.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            raise Refused(_("This year's review has already been submitted."), field="year")
        created = review.pk is None
        review.period_start, review.period_end, review.due_on = start, end, due
        review.activities, review.members, review.meetings = activities, members, meetings
        review.tips_passed, review.channel_posts = tips_passed, channel_posts
        review.scores, review.self_assessment = clean_scores, self_assessment.strip()
        review.save()
        if created:
            workflow_record_creation(REVIEW, review, actor=actor, action="draft")
        audit_record(
            actor=actor,
            action=InitiativesAction.REVIEW_FILE,
            target=review,
            data={"initiative": initiative.pk, "year": year},
        )
        if submit:
            review.submitted_on = _today()
            review.save(update_fields=["submitted_on"])
            review, _change = workflow_apply(
                REVIEW,
                review,
                action="submit",
                actor=actor,
                audit_action=InitiativesAction.REVIEW_STEP,
                event=REVIEW_STEPPED,
            )
    return review


def _grade_guard(review: Review, grade: Grade | None, day: dt.date) -> None:
    if grade is None:
        raise Refused(_("Choose a grade."), field="grade")
    calendar = calendar_on(review.period_end)
    months = (review.period_end.year - review.initiative.started_on.year) * 12 + (
        review.period_end.month - review.initiative.started_on.month
    )
    if months < calendar.min_months_to_grade:
        raise Refused(
            _("A model active for less than %(months)d months in the review year is not graded.")
            % {"months": calendar.min_months_to_grade},
            field="grade",
        )
    if grade.capped_by is not None:
        place = review.initiative.current_commune or review.initiative.commune
        prefix = "/" + place.path.strip("/").split("/")[0] + "/"
        same = Review.objects.filter(year=review.year, status=ReviewStatus.GRADED).filter(
            Q(initiative__commune__path__startswith=prefix)
            | Q(initiative__current_commune__path__startswith=prefix)
        )
        top = same.filter(grade=grade).count() + 1
        base = same.filter(grade=grade.capped_by).count()
        if top * 100 > calendar.top_grade_cap_percent * base:
            raise Refused(
                _(
                    "“%(grade)s” is capped at %(cap)d%% of “%(base)s” in the province this year "
                    "(%(top)d would be over %(base_count)d)."
                )
                % {
                    "grade": grade.name,
                    "cap": calendar.top_grade_cap_percent,
                    "base": grade.capped_by.name,
                    "top": top,
                    "base_count": base,
                },
                field="grade",
            )
    del day


def review_step(
    *,
    actor: Any,
    review: Review,
    action: str,
    reason: str = "",
    grade: Grade | None = None,
) -> Review:
    """Confirm or return (commune police), grade or return (province)."""
    day = _today()

    def guard(obj: Review, transition: Transition) -> None:
        if transition.action == "grade":
            _grade_guard(obj, grade, day)

    def execute(obj: Review, transition: Transition) -> dict[str, Any]:
        if transition.action == "grade" and grade is not None:
            obj.grade = grade
            obj.graded_on = day
            return {"grade": grade.code}
        return {}

    updated, _change = workflow_apply(
        REVIEW,
        review,
        action=action,
        actor=actor,
        reason=reason,
        audit_action=InitiativesAction.REVIEW_STEP,
        guard=guard,
        execute=execute,
        event=REVIEW_STEPPED,
    )
    return updated
