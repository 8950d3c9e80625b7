from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BranchCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Branch name"),
        max_length=200,
        help_text=_("For example “Chi hội Phụ nữ tổ dân phố số 5”."),
    )
