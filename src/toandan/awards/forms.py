"""Forms of the awards pages (parsing only: the rules are in the services)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from toandan.awards.models import AwardForm, Campaign, Criterion, SubjectType
from toandan.geo.models import AdminUnit, Level
from toandan.orgs.models import OrgUnit


class NominationForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Nominating unit"))
    subject_type = forms.ChoiceField(label=_("Subject type"), choices=SubjectType.choices)
    subject_name = forms.CharField(label=_("Name of the collective or person"), max_length=200)
    women_led = forms.BooleanField(
        label=_("A woman, or a collective of at least 70 % women"), required=False
    )
    form = forms.ModelChoiceField(queryset=AwardForm.objects.none(), label=_("Award form"))
    achievement_summary = forms.CharField(label=_("Achievement in one line"), max_length=300)
    achievement = forms.CharField(label=_("Achievement report"), widget=forms.Textarea)
    achievement_key = forms.CharField(
        label=_("Achievement key (model, case or initiative it rests on)"),
        max_length=120,
        required=False,
    )
    active_from = forms.DateField(label=_("Active in the movement since"))
    police_opinion = forms.CharField(
        label=_("Opinion of the commune police"), widget=forms.Textarea, required=False
    )
    minutes = forms.CharField(
        label=_("Minutes of the assessment meeting (summary)"),
        widget=forms.Textarea,
        required=False,
    )
    consent_to_name = forms.BooleanField(
        label=_("The individual agrees to be named publicly"), required=False
    )

    def __init__(self, *args: Any, campaign: Campaign, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_unit: Any = self.fields["unit"]
        field_unit.queryset = units
        field_form: Any = self.fields["form"]
        field_form.queryset = campaign.forms.filter(active=True)
        subject: Any = self.fields["subject_type"]
        subject.choices = [c for c in SubjectType.choices if c[0] in campaign.subject_types]


class TipsterNominationForm(forms.Form):
    reference = forms.CharField(label=_("Reference of the valuable tip"), max_length=16)
    form = forms.ModelChoiceField(queryset=AwardForm.objects.none(), label=_("Award form"))
    achievement_summary = forms.CharField(
        label=_("What the tip made possible (no detail that could identify the sender)"),
        max_length=300,
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_form: Any = self.fields["form"]
        field_form.queryset = campaign.forms.filter(active=True)


class StepForm(forms.Form):
    action = forms.CharField(max_length=20)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)


class ScoreForm(forms.Form):
    """One number per criterion; empty = abstain on it."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (0–{criterion.max_score}, ×{criterion.weight})",
                min_value=0,
                max_value=criterion.max_score,
                required=False,
            )

    def values(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("score_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_")
        }


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Number and symbol"), max_length=60)
    date = forms.DateField(label=pgettext_lazy("decision", "Date"))
    place = forms.CharField(
        label=pgettext_lazy("decision", "Place"), max_length=100, initial="Hà Nội"
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=150)
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    issuing_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Issuing unit"))

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_unit: Any = self.fields["issuing_unit"]
        field_unit.queryset = campaign.organisers.all()


class RevokeForm(forms.Form):
    decision_ref = forms.CharField(label=_("Revocation decision (number, date)"), max_length=120)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=12)


class CampaignForm(forms.Form):
    """A campaign's essentials; the rubric as lines "criterion | weight", one quota for every
    province unit of the organising Women's Union (edited per province in the admin later)."""

    title = forms.CharField(label=pgettext_lazy("campaign", "Title"), max_length=300)
    period_start = forms.DateField(label=_("Period honoured from"))
    period_end = forms.DateField(label=_("Period honoured until"))
    generation = forms.ChoiceField(
        label=_("Geography of the period"),
        choices=[
            ("legacy", _("Before 01/07/2025 (63 provinces)")),
            ("current", _("From 01/07/2025 (34 provinces)")),
        ],
    )
    provinces = forms.ModelMultipleChoiceField(
        queryset=AdminUnit.objects.none(),
        label=_("Provinces in scope (none: all of that geography)"),
        required=False,
    )
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    subject_types = forms.MultipleChoiceField(
        label=_("Subject types"), choices=SubjectType.choices, widget=forms.CheckboxSelectMultiple
    )
    award_forms = forms.ModelMultipleChoiceField(
        queryset=AwardForm.objects.filter(active=True),
        label=_("Award forms"),
        widget=forms.CheckboxSelectMultiple,
    )
    criteria = forms.CharField(
        label=_("Criteria, one a line: name | weight"),
        widget=forms.Textarea,
        initial="Phát hiện, tố giác tội phạm | 4\nXây dựng, nhân rộng mô hình | 3\nSức lan tỏa | 3",
    )
    quota = forms.IntegerField(
        label=_("Quota per province and subject type"), min_value=0, initial=3
    )
    nominations_close_commune = forms.DateField(label=_("Commune nominations close"))
    nominations_close_province = forms.DateField(label=_("Province nominations close"))
    council_date = forms.DateField(label=_("Council date"))
    ceremony_date = forms.DateField(label=_("Ceremony date"))
    ceremony_place = forms.CharField(label=_("Ceremony place"), max_length=200, initial="Hà Nội")

    organisers = forms.ModelMultipleChoiceField(
        queryset=OrgUnit.objects.none(),
        label=_("Organising units"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: Any = self.fields["organisers"]
        units.queryset = organisers
        field: Any = self.fields["provinces"]
        field.queryset = AdminUnit.objects.filter(level=Level.PROVINCE).order_by(
            "-generation", "code"
        )
        field.label_from_instance = _province_label

    def clean_criteria(self) -> list[tuple[str, Decimal]]:
        rows: list[tuple[str, Decimal]] = []
        for line in str(self.cleaned_data["criteria"]).splitlines():
            if not line.strip():
                continue
            name, _sep, weight = line.rpartition("|")
            try:
                rows.append((name.strip(), Decimal(weight.strip())))
            except InvalidOperation:
                raise forms.ValidationError(_("Write each criterion as: name | weight.")) from None
            if not name.strip():
                raise forms.ValidationError(_("Write each criterion as: name | weight."))
        if not rows:
            raise forms.ValidationError(_("Give at least one criterion."))
        return rows


class CouncilForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("council", "Name"), max_length=300)
    chair = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Chair"))
    members = forms.ModelMultipleChoiceField(
        queryset=OrgUnit.objects.none(), label=_("Members"), widget=forms.CheckboxSelectMultiple
    )
    blind = forms.BooleanField(label=_("Blind scoring (names hidden)"), required=False)

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chair: Any = self.fields["chair"]
        members: Any = self.fields["members"]
        chair.queryset = reviewers
        members.queryset = reviewers
        chair.label_from_instance = members.label_from_instance = _reviewer_label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chair = data.get("chair")
        others = [a for a in data.get("members", []) if chair is None or a.pk != chair.pk]
        data["others"] = others
        return data


def _province_label(province: AdminUnit) -> str:
    """Both generations are listed: the period decides which one a campaign uses."""
    when = _("before 01/07/2025") if province.generation == "legacy" else _("from 01/07/2025")
    return f"{province.name} ({when})"


def _reviewer_label(assignment: Any) -> str:
    return f"{assignment.user.get_full_name()} ({assignment.org_unit.name})"
