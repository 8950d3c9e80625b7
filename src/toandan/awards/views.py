"""Pages of awards: public honour roll and verify page; staff nominate, consolidate, score,
vote, decide and revoke. Views parse, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from toandan.accounts.models import Role, RoleAssignment
from toandan.accounts.selectors import jurisdiction_org_units, user_has_any_role
from toandan.awards import documents, policies, selectors, services
from toandan.awards.forms import (
    CampaignForm,
    CouncilForm,
    DecisionForm,
    NominationForm,
    RevokeForm,
    ScoreForm,
    StepForm,
    TipsterNominationForm,
    VerifyForm,
)
from toandan.awards.machine import NOMINATION, PAGE_ACTIONS
from toandan.awards.models import (
    Award,
    BallotRule,
    BallotVoter,
    Campaign,
    CouncilPhase,
    MemberRole,
    Nomination,
    NominationStatus,
    Quota,
    Recusal,
    Score,
)
from toandan.core.access import public, staff_required
from toandan.documents.pdf import render_pdf
from toandan.documents.word import render_docx
from toandan.geo.models import AdminUnit, Level
from toandan.media.files import UploadData
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit
from toandan.workflow.machine import WorkflowAccessError, WorkflowRefusedError
from toandan.workflow.selectors import history_of
from toandan.workflow.views import REFUSED, run_for_view

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STAFF = policies.STAFF_ROLES


def _file(data: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


# --- Public -----------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "awards/index.html", {"campaigns": selectors.campaigns_public()})


public(index, description="the campaigns and their honour rolls")


def honour_roll(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return render(request, "awards/honour_roll.html", {"roll": selectors.honour_roll(campaign_id)})


public(honour_roll, description="a campaign's public honour roll")


def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("awards:verify", code=form.cleaned_data["code"].strip().upper())
    return render(request, "awards/verify.html", {"form": form, "result": None})


public(verify_form, description="type a certificate's code")


def verify(request: HttpRequest, code: str) -> HttpResponse:
    result = selectors.verify(code)
    response = render(
        request,
        "awards/verify.html",
        {"form": VerifyForm(initial={"code": code}), "result": result},
    )
    response["Cache-Control"] = "no-cache"
    return response


public(verify, description="a certificate's status: valid, revoked or unknown")


def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate of one award by its code (unguessable, printed on the certificate and
    delivered to the awardee, or to a tipster through the receipt)."""
    award = selectors.award_by_code(code)
    nomination = award.nomination
    # The public link says no more than the verify page: an individual who did not agree to
    # be named gets her certificate from the organiser, not from an open link by code.
    unnamed = (
        nomination.subject_type == "individual"
        and not nomination.is_tipster
        and not nomination.consent_to_name
    )
    if award.is_revoked or unnamed:
        raise Http404
    return _file(documents.certificates_pdf([award]), "application/pdf", f"{award.code}.pdf")


public(certificate_pdf, description="a certificate's PDF by its unguessable code")


# --- Staff: nominations -----------------------------------------------------------------------


@staff_required(STAFF, description="campaign work: nominations, council, decisions")
def work(request: HttpRequest) -> HttpResponse:
    user = request.user
    campaigns = list(Campaign.objects.prefetch_related("organisers").order_by("-ceremony_date"))
    nominations = selectors.nominations_for(user).order_by("-id")[:200]
    return render(
        request,
        "awards/work.html",
        {
            "open_campaigns": [c for c in campaigns if c.status == "open"],
            "may_nominate": user_has_any_role(user, policies.NOMINATOR_ROLES),
            "is_police_leader": user_has_any_role(user, {Role.POLICE_LEADER}),
            "may_consolidate": user_has_any_role(user, policies.PROVINCE_ROLES),
            "organised": [c for c in campaigns if policies.may_organise(user, c)],
            "councils": [c for c in campaigns if policies.is_council_member(user, c)],
            "nominations": nominations,
        },
    )


def _nomination_input(
    data: dict[str, Any], *, unit: Any, place: Any, consent: bool = False
) -> services.NominationInput:
    """The dossier's fields as the nomination form cleaned them (new and corrected alike)."""
    return services.NominationInput(
        subject_type=data["subject_type"],
        subject_name=data["subject_name"],
        unit=unit,
        place=place,
        form=data["form"],
        achievement=data["achievement"],
        achievement_summary=data["achievement_summary"],
        achievement_key=data["achievement_key"],
        active_from=data["active_from"],
        women_led=data["women_led"],
        police_opinion=data["police_opinion"],
        minutes=data["minutes"],
        consent_to_name=consent,
    )


@staff_required(policies.NOMINATOR_ROLES, description="a union nominates")
@require_http_methods(["GET", "POST"])
def nomination_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    units = jurisdiction_org_units(request.user, policies.NOMINATOR_ROLES).filter(
        kind=OrgKind.WOMENS_UNION
    )
    form = NominationForm(request.POST or None, campaign=campaign, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = data["unit"]
        nomination = run_for_view(
            request,
            lambda: services.nomination_create(
                actor=request.user,
                campaign=campaign,
                data=_nomination_input(
                    data, unit=unit, place=unit.admin_unit, consent=data["consent_to_name"]
                ),
            ),
            form=form,
            done=_("The nomination is saved as a draft."),
        )
        if nomination is not REFUSED:
            return redirect("awards:nomination", nomination_id=nomination.pk)
    return render(request, "awards/nomination_form.html", {"form": form, "campaign": campaign})


@staff_required(policies.NOMINATOR_ROLES, description="the unit corrects its dossier")
@require_http_methods(["GET", "POST"])
def nomination_edit(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_for(request.user, nomination_id)
    if not policies.may_file(request.user, nomination) or nomination.is_tipster:
        raise Http404
    units = jurisdiction_org_units(request.user, policies.NOMINATOR_ROLES).filter(
        kind=OrgKind.WOMENS_UNION
    )
    initial = {
        field: getattr(nomination, field)
        for field in (
            "unit", "subject_type", "subject_name", "women_led", "form", "achievement_summary",
            "achievement", "achievement_key", "active_from", "police_opinion", "minutes",
        )
    }  # fmt: skip
    form = NominationForm(
        request.POST or None, campaign=nomination.campaign, units=units, initial=initial
    )
    form.fields.pop("consent_to_name")  # recorded on the nomination's page
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_for_view(
            request,
            lambda: services.nomination_update(
                actor=request.user,
                nomination=nomination,
                data=_nomination_input(
                    data, unit=data["unit"], place=data["unit"].admin_unit or nomination.place
                ),
            ),
            form=form,
            done=_("The dossier is corrected."),
        )
        if saved is not REFUSED:
            return redirect("awards:nomination", nomination_id=nomination.pk)
    return render(
        request,
        "awards/nomination_form.html",
        {"form": form, "campaign": nomination.campaign, "editing": nomination},
    )


@staff_required({Role.POLICE_LEADER}, description="a police leader nominates a tip's sender")
@require_http_methods(["GET", "POST"])
def tipster_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    form = TipsterNominationForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        nomination = run_for_view(
            request,
            lambda: services.tipster_nominate(
                actor=request.user,
                campaign=campaign,
                reference=form.cleaned_data["reference"],
                form=form.cleaned_data["form"],
                achievement_summary=form.cleaned_data["achievement_summary"],
            ),
            form=form,
            done=_("The sender of the tip is nominated; who it is stays sealed."),
        )
        if nomination is not REFUSED:
            return redirect("awards:nomination", nomination_id=nomination.pk)
    return render(request, "awards/tipster_form.html", {"form": form, "campaign": campaign})


@staff_required(STAFF, description="a nomination's dossier and its steps")
@require_http_methods(["GET", "POST"])
def nomination_detail(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_for(request.user, nomination_id)
    form = StepForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") in {"consent", "file"}:
        return _dossier_post(request, nomination)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        if action not in PAGE_ACTIONS:
            raise Http404
        run_for_view(
            request,
            lambda: services.nomination_step(
                actor=request.user,
                nomination=nomination,
                action=action,
                reason=form.cleaned_data["reason"],
            ),
            done=_("Done."),
        )
        return redirect("awards:nomination", nomination_id=nomination.pk)
    actions = [
        t for t in NOMINATION.available(request.user, nomination) if t.action in PAGE_ACTIONS
    ]
    return render(
        request,
        "awards/nomination.html",
        {
            "n": nomination,
            "actions": actions,
            "problems": services.eligibility_problems(
                nomination, for_forward=nomination.status == NominationStatus.SUBMITTED
            ),
            "history": _history(nomination),
            "evidence": (nomination.evidence or {}).get("lines", []),
            "award": Award.objects.filter(nomination=nomination).first(),
            "files": nomination.files.only("pk", "name"),
            "may_edit": policies.may_file(request.user, nomination)
            and nomination.status in {NominationStatus.DRAFT, NominationStatus.RETURNED},
            "may_consent": (
                policies.may_file(request.user, nomination)
                or policies.may_organise(request.user, nomination.campaign)
            )
            and nomination.subject_type == "individual"
            and not nomination.is_tipster,
        },
    )


def _dossier_post(request: HttpRequest, nomination: Nomination) -> HttpResponse:
    """The unit completes the dossier: a file, or the individual's consent to be named."""

    def save() -> None:
        if request.POST["action"] == "consent":
            services.consent_record(
                actor=request.user,
                nomination=nomination,
                consent=request.POST.get("consent") == "yes",
            )
            return
        upload = request.FILES.get("file")
        if upload is None:
            raise WorkflowRefusedError(_("Choose a file."), field="file")
        services.nomination_file_add(
            actor=request.user,
            nomination=nomination,
            upload=UploadData(name=upload.name or "", data=upload.read()),
        )

    run_for_view(request, save, done=_("Done."))
    return redirect("awards:nomination", nomination_id=nomination.pk)


@staff_required(STAFF, description="a file of a nomination's dossier")
def nomination_file(request: HttpRequest, nomination_id: int, file_id: int) -> HttpResponse:
    nomination = selectors.nomination_for(request.user, nomination_id)
    stored = nomination.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    return _file(bytes(stored.data), stored.content_type, stored.name)


ACTION_LABELS = {
    "create": pgettext_lazy("nomination step", "Created"),
    "award": pgettext_lazy("nomination step", "Awarded by the decision"),
    "decline": pgettext_lazy("nomination step", "Not passed by the council"),
    "revoke": pgettext_lazy("nomination step", "Revoked"),
}


def _history(nomination: Nomination) -> list[dict[str, Any]]:
    states = dict(NominationStatus.choices)
    labels = {t.action: t.label for t in NOMINATION.transitions if t.label}
    return [
        {
            "at": change.at,
            "action": labels.get(change.action) or ACTION_LABELS.get(change.action, change.action),
            "to": states.get(change.to_state, change.to_state),
            "reason": change.reason,
        }
        for change in history_of(nomination)
    ]


@staff_required(STAFF, description="a nomination's submission (tờ trình) as DOCX")
def nomination_submission(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = selectors.nomination_for(request.user, nomination_id)
    doc = documents.submission_document(nomination, date=timezone.localdate())
    return _file(render_docx(doc), DOCX, f"to-trinh-{nomination.pk}.docx")


# --- Staff: campaign and council set-up ----------------------------------------------------------


@staff_required(policies.ORGANISER_ROLES, description="an organiser opens a campaign")
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    own = RoleAssignment.objects.filter(
        user_id=int(request.user.pk or 0), role=Role.CAMPAIGN_ORGANISER
    ).values_list("org_unit_id", flat=True)
    organisers = OrgUnit.objects.filter(Q(level=OrgLevel.CENTRAL) | Q(pk__in=list(own)))
    form = CampaignForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        generation = data["generation"]
        provinces = list(data["provinces"]) or list(
            AdminUnit.objects.filter(level=Level.PROVINCE, generation=generation)
        )
        provinces = [p for p in provinces if p.generation == generation]
        prefix = "PN-L" if generation == "legacy" else "PN-"
        unions = OrgUnit.objects.filter(code__in=[f"{prefix}{p.code}" for p in provinces])
        campaign = run_for_view(
            request,
            lambda: services.campaign_create(
                actor=request.user,
                title=data["title"],
                organisers=list(data["organisers"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                scope_provinces=provinces,
                region=data["region"],
                subject_types=data["subject_types"],
                forms=list(data["award_forms"]),
                criteria=[services.CriterionInput(n, w) for n, w in data["criteria"]],
                quotas=[
                    services.QuotaInput(u, t, data["quota"])
                    for u in unions
                    for t in data["subject_types"]
                ],
                nominations_close_commune=data["nominations_close_commune"],
                nominations_close_province=data["nominations_close_province"],
                council_date=data["council_date"],
                ceremony_date=data["ceremony_date"],
                ceremony_place=data["ceremony_place"],
            ),
            form=form,
            done=_("The campaign is open for nominations."),
        )
        if campaign is not REFUSED:
            return redirect("awards:council_new", campaign_id=campaign.pk)
    return render(request, "awards/campaign_form.html", {"form": form})


@staff_required(policies.ORGANISER_ROLES, description="the organiser seats the council")
@require_http_methods(["GET", "POST"])
def council_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _organised(request, campaign_id)
    if hasattr(campaign, "council"):
        return redirect("awards:council", campaign_id=campaign.pk)
    reviewers = (
        RoleAssignment.objects.filter(role=Role.REVIEWER, valid_to__isnull=True)
        .select_related("user", "org_unit")
        .order_by("user__full_name")
    )
    form = CouncilForm(request.POST or None, reviewers=reviewers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chair = data["chair"]
        members = [services.MemberInput(chair.user, MemberRole.CHAIR, chair.org_unit)] + [
            services.MemberInput(a.user, MemberRole.MEMBER, a.org_unit)
            for a in data["others"]
            if a.user_id != chair.user_id
        ]
        today = timezone.localdate()
        rule = (
            BallotRule.objects.filter(valid_from__lte=today)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .order_by("-valid_from")
            .first()
        )
        if rule is None:
            form.add_error(None, _("No ballot rule is in force today (admin data)."))
        else:
            saved = run_for_view(
                request,
                lambda: services.council_create(
                    actor=request.user,
                    campaign=campaign,
                    name=data["name"],
                    ballot_rule=rule,
                    members=members,
                    blind=data["blind"],
                ),
                form=form,
                done=_("The council is seated."),
            )
            if saved is not REFUSED:
                return redirect("awards:council", campaign_id=campaign.pk)
    return render(request, "awards/council_form.html", {"form": form, "campaign": campaign})


# --- Staff: the province consolidates ----------------------------------------------------------


@staff_required(policies.PROVINCE_ROLES, description="the province ranks within its quota")
@require_http_methods(["GET", "POST"])
def province(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The province's nominations in this campaign, its quota used per subject type, and their
    order (rank 1 first) before it forwards them."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    rows = [
        n
        for n in selectors.nominations_for(request.user, campaign).exclude(
            status=NominationStatus.DRAFT
        )
        if policies.may_consolidate(request.user, n)
    ]
    if not rows:
        raise Http404
    units = {n.province_unit_id: n.province_unit for n in rows}
    if request.method == "POST":
        for unit in units.values():
            ranked = sorted(
                (n for n in rows if n.province_unit_id == unit.pk),
                key=lambda n: (_rank_of(request, n), n.pk),
            )
            services.nominations_rank(
                actor=request.user,
                campaign=campaign,
                province_unit=unit,
                ordered_ids=[n.pk for n in ranked],
            )
        messages.success(request, _("The order is saved."))
        return redirect("awards:province", campaign_id=campaign.pk)
    quotas = []
    for unit in units.values():
        for quota in Quota.objects.filter(campaign=campaign, org_unit=unit):
            quotas.append(
                {
                    "unit": unit.name,
                    "subject": quota.get_subject_type_display(),
                    "max": quota.max_count,
                    "used": services.quota_used(campaign, unit, quota.subject_type),
                }
            )
    rows.sort(key=lambda n: (n.province_unit_id, n.province_rank or 9999, n.pk))
    return render(
        request,
        "awards/province.html",
        {"campaign": campaign, "rows": rows, "quotas": quotas},
    )


def _rank_of(request: HttpRequest, nomination: Nomination) -> int:
    raw = request.POST.get(f"rank_{nomination.pk}", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 9_999


# --- Staff: council ---------------------------------------------------------------------------


@staff_required({Role.REVIEWER, *policies.ORGANISER_ROLES}, description="the council's page")
@require_http_methods(["GET", "POST"])
def council(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_for_staff(request.user, campaign_id)
    council = getattr(campaign, "council", None)
    if council is None:
        raise Http404
    member = council.members.filter(user=request.user).first()
    is_organiser = policies.may_organise(request.user, campaign)
    if member is None and not is_organiser:
        raise Http404
    if request.method == "POST":
        return _council_post(request, campaign, member is not None)
    criteria = list(campaign.criteria.all())
    received = list(
        Nomination.objects.filter(campaign=campaign, status=NominationStatus.RECEIVED)
        .select_related("unit", "place", "form")
        .order_by("province_unit__name", "province_rank", "id")
    )
    recused = (
        set(Recusal.objects.filter(member=member).values_list("nomination_id", flat=True))
        if member
        else set()
    )
    mine: dict[int, dict[int, int | None]] = {}
    if member:
        for score in Score.objects.filter(member=member):
            mine.setdefault(score.nomination_id, {})[score.criterion_id] = score.value
    rows = [
        {
            "n": n,
            "recused": n.pk in recused,
            "form": ScoreForm(
                criteria=criteria,
                prefix=f"n{n.pk}",
                initial={f"score_{k}": v for k, v in mine.get(n.pk, {}).items()},
            ),
            "scored": n.pk in mine,
        }
        for n in received
    ]
    voted = bool(member and BallotVoter.objects.filter(member=member).exists())
    return render(
        request,
        "awards/council.html",
        {
            "campaign": campaign,
            "council": council,
            "member": member,
            "is_chair": is_organiser
            or (member is not None and member.role in {"chair", "secretary"}),
            "rows": rows,
            "voted": voted,
            "recusals": Recusal.objects.filter(member__council=council).select_related(
                "member__user", "nomination"
            ),
        },
    )


def _council_post(request: HttpRequest, campaign: Campaign, is_member: bool) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "score" and is_member:
            nomination = Nomination.objects.get(pk=int(request.POST.get("nomination", "0")))
            form = ScoreForm(
                request.POST, criteria=list(campaign.criteria.all()), prefix=f"n{nomination.pk}"
            )
            if not form.is_valid():
                raise WorkflowRefusedError(_("A score is a whole number within the range."))
            services.scores_record(actor=request.user, nomination=nomination, values=form.values())
            messages.success(request, _("Your scores are saved."))
        elif action == "recuse" and is_member:
            nomination = Nomination.objects.get(pk=int(request.POST.get("nomination", "0")))
            services.recusal_declare(
                actor=request.user, nomination=nomination, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Your recusal is recorded."))
        elif action == "vote" and is_member:
            choices = {
                int(key.removeprefix("vote_")): str(value)
                for key, value in request.POST.items()
                if key.startswith("vote_") and key.removeprefix("vote_").isdigit()
            }
            count = services.ballot_cast(actor=request.user, campaign=campaign, choices=choices)
            messages.success(
                request, _("Your ballot paper is in the box (%(n)d nominations).") % {"n": count}
            )
        elif action == "open_ballot":
            services.ballot_open(actor=request.user, campaign=campaign)
            messages.success(request, _("The secret ballot is open."))
        elif action == "close_ballot":
            services.ballot_close(actor=request.user, campaign=campaign)
            messages.success(request, _("The ballot is closed."))
            return redirect("awards:results", campaign_id=campaign.pk)
        else:
            raise Http404
    except (Nomination.DoesNotExist, ValueError, WorkflowAccessError):
        raise Http404 from None
    except WorkflowRefusedError as refused:
        messages.error(request, refused.message)
    return redirect("awards:council", campaign_id=campaign.pk)


@staff_required({Role.REVIEWER, *policies.ORGANISER_ROLES}, description="the council's results")
def results(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.campaign_for_staff(request.user, campaign_id)
    if not (
        policies.may_organise(request.user, campaign)
        or policies.is_council_member(request.user, campaign)
    ):
        raise Http404
    return render(
        request,
        "awards/results.html",
        {
            "campaign": campaign,
            "results": selectors.results_for(campaign),
            "ballot_done": getattr(getattr(campaign, "council", None), "phase", "")
            == CouncilPhase.CLOSED,
        },
    )


# --- Staff: decision, certificates, revocation -----------------------------------------------


def _organised(request: HttpRequest, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not policies.may_organise(request.user, campaign):
        raise Http404
    return campaign


@staff_required(policies.ORGANISER_ROLES, description="the organiser issues the decision")
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _organised(request, campaign_id)
    issued = getattr(campaign, "decision", None)
    form = DecisionForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and issued is None and form.is_valid():
        data = form.cleaned_data
        saved = run_for_view(
            request,
            lambda: services.decision_issue(
                actor=request.user,
                campaign=campaign,
                number=data["number"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                date=data["date"],
                place=data["place"],
                issuing_unit=data["issuing_unit"],
            ),
            form=form,
            done=_("The decision is issued."),
        )
        if saved is not REFUSED:
            return redirect("awards:decision", campaign_id=campaign.pk)
    awards = issued.awards.select_related("nomination", "form").order_by("line") if issued else []
    return render(
        request,
        "awards/decision.html",
        {"campaign": campaign, "decision": issued, "form": form, "awards": awards},
    )


@staff_required(policies.ORGANISER_ROLES, description="the decision as DOCX or PDF")
def decision_file(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    campaign = _organised(request, campaign_id)
    issued = getattr(campaign, "decision", None)
    if issued is None:
        raise Http404
    doc = documents.decision_document(issued)
    if fmt == "docx":
        return _file(render_docx(doc), DOCX, f"quyet-dinh-{campaign.pk}.docx")
    return _file(render_pdf(doc), "application/pdf", f"quyet-dinh-{campaign.pk}.pdf")


@staff_required(policies.ORGANISER_ROLES, description="every certificate in one PDF")
def certificates_bulk(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _organised(request, campaign_id)
    issued = getattr(campaign, "decision", None)
    if issued is None:
        raise Http404
    awards = list(
        issued.awards.filter(revoked_at__isnull=True)
        .select_related("nomination__unit", "nomination__place", "form", "decision__campaign")
        .order_by("line")
    )
    blank = request.GET.get("blank") == "1"
    name = f"giay-chung-nhan-{campaign.pk}{'-phoi' if blank else ''}.pdf"
    return _file(documents.certificates_pdf(awards, blank=blank), "application/pdf", name)


@staff_required(policies.ORGANISER_ROLES, description="revoke a certificate")
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    award = selectors.award_by_code(code)
    if not policies.may_organise(request.user, award.decision.campaign):
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_for_view(
            request,
            lambda: services.award_revoke(
                actor=request.user,
                award=award,
                reason=form.cleaned_data["reason"],
                decision_ref=form.cleaned_data["decision_ref"],
            ),
            form=form,
            done=_("The certificate is revoked."),
        )
        if saved is not REFUSED:
            return redirect("awards:verify", code=award.code)
    return render(request, "awards/revoke.html", {"award": award, "form": form})
