"""The request to start an export, as a page's export buttons post it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from toandan.exports.models import ExportFormat


class ExportStartForm(forms.Form):
    kind = forms.CharField(max_length=80)
    format = forms.ChoiceField(choices=ExportFormat.choices)
    # The page's filters (indicator, period, unit…) as a JSON object; the producer checks them.
    params = forms.JSONField(required=False, max_length=4_000)

    def clean_params(self) -> dict[str, Any]:
        value = self.cleaned_data.get("params")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The export parameters are not valid."))
        return value
