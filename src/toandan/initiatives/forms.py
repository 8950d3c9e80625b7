"""Forms of the community-model pages (no JavaScript: plain selects and date inputs)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.accounts.selectors import jurisdiction_admin_units, jurisdiction_org_units
from toandan.geo.models import AdminUnit, Generation, Level
from toandan.initiatives.models import (
    AreaKind,
    ChannelKind,
    Criterion,
    Grade,
    Initiative,
    Site,
    Team,
    Theme,
)
from toandan.orgs.models import OrgKind, OrgLevel, OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def communes_of(user: Any) -> QuerySet[AdminUnit]:
    return (
        jurisdiction_admin_units(user)
        .filter(generation=Generation.CURRENT, level=Level.COMMUNE)
        .order_by("code")
    )


def host_units_of(user: Any) -> QuerySet[OrgUnit]:
    return (
        jurisdiction_org_units(user)
        .filter(
            level__in=[OrgLevel.COMMUNE, OrgLevel.BRANCH],
            kind__in=[OrgKind.WOMENS_UNION, OrgKind.POLICE],
            valid_to__isnull=True,
        )
        .order_by("path")
    )


def police_units_of(user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        kind=OrgKind.POLICE,
        level=OrgLevel.COMMUNE,
        admin_unit__in=communes_of(user),
        valid_to__isnull=True,
    ).order_by("code")


class InitiativeForm(forms.Form):
    name = forms.CharField(label=_("Name of the model"), max_length=300)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.filter(active=True))
    host_unit = UnitChoiceField(label=_("Host unit"), queryset=OrgUnit.objects.none())
    police_unit = UnitChoiceField(
        label=_("Co-host police unit"), queryset=OrgUnit.objects.none(), required=False
    )
    commune = UnitChoiceField(
        label=pgettext_lazy("initiative", "Commune"), queryset=AdminUnit.objects.none()
    )
    first_site = forms.CharField(
        label=_("First site (place)"),
        max_length=200,
        required=False,
        help_text=_("e.g. Tổ dân phố số 5; empty: the commune"),
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE)
    area_kind = forms.ChoiceField(label=_("Kind of area"), choices=AreaKind.choices)
    practice = forms.CharField(
        label=_("Way of working"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE, required=False)
    decision_issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = host_units_of(user)  # type: ignore[attr-defined]
        self.fields["police_unit"].queryset = police_units_of(user)  # type: ignore[attr-defined]
        self.fields["commune"].queryset = communes_of(user)  # type: ignore[attr-defined]
        self.fields["started_on"].initial = timezone.localdate()


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Place"), max_length=200)
    commune = UnitChoiceField(
        label=pgettext_lazy("initiative", "Commune"), queryset=AdminUnit.objects.none()
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE)

    def __init__(self, *args: Any, user: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_of(user)  # type: ignore[attr-defined]
        self.fields["commune"].initial = initiative.current_commune or initiative.commune
        self.fields["started_on"].initial = timezone.localdate()


class TeamForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    name = forms.CharField(label=_("Name of the team"), max_length=200)
    member_count = forms.IntegerField(label=_("Members"), min_value=1, max_value=10000)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = initiative.sites.filter(  # type: ignore[attr-defined]
            ended_on__isnull=True
        )
        self.fields["started_on"].initial = timezone.localdate()


class TeamEndForm(forms.Form):
    """A team that stops: counted until the day it ended, its history kept."""

    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            site__initiative=initiative, ended_on__isnull=True
        ).order_by("site__name", "name")
        self.fields["ended_on"].initial = timezone.localdate()


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of channel"), choices=ChannelKind.choices)
    address = forms.CharField(label=_("Address or name"), max_length=300)
    audience = forms.IntegerField(label=_("Audience"), min_value=0, initial=0)
    posts_per_month = forms.IntegerField(label=_("Posts per month"), min_value=0, initial=0)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Review year"), min_value=2015, max_value=2100)
    activities = forms.IntegerField(label=_("Activities held"), min_value=0)
    members = forms.IntegerField(label=_("Members"), min_value=0)
    meetings = forms.IntegerField(label=_("Meetings"), min_value=0)
    tips_passed = forms.IntegerField(label=_("Tips passed to the police"), min_value=0)
    channel_posts = forms.IntegerField(label=_("Posts on its channels"), min_value=0, initial=0)
    self_assessment = forms.CharField(
        label=_("Self-assessment remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(Criterion.objects.filter(active=True))
        for criterion in self.criteria:
            self.fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=criterion.text,
                min_value=0,
                max_value=criterion.max_points,
                required=False,
                help_text=_("0 to %(max)d points. %(source)s")
                % {"max": criterion.max_points, "source": criterion.source_text},
            )
        self.fields["year"].initial = timezone.localdate().year

    def scores(self) -> dict[str, int]:
        return {
            c.code: self.cleaned_data[f"score_{c.code}"]
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.code}") is not None
        }


class StepForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    document = forms.CharField(label=_("Document (number)"), max_length=200, required=False)
    effective_on = forms.DateField(label=_("Effective on"), widget=DATE, required=False)
    merged_into = forms.IntegerField(
        label=_("Merged into (number of the model)"), required=False, min_value=1
    )


class ReviewStepForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"), queryset=Grade.objects.all(), required=False, to_field_name="code"
    )


class ReplicateForm(forms.Form):
    name = forms.CharField(label=_("Name of the new model"), max_length=300)
    host_unit = UnitChoiceField(label=_("Host unit"), queryset=OrgUnit.objects.none())
    commune = UnitChoiceField(
        label=pgettext_lazy("initiative", "Commune"), queryset=AdminUnit.objects.none()
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = host_units_of(user)  # type: ignore[attr-defined]
        self.fields["commune"].queryset = communes_of(user)  # type: ignore[attr-defined]
        self.fields["started_on"].initial = timezone.localdate()
