""" "Due soon" is one number (`inbox.DUE_SOON_DAYS`): the inbox filter, the dashboard and the
notification kind say the number the queries count with, never a copy of it."""

from __future__ import annotations

from typing import cast

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from toandan.notifications.kinds import kind_label
from toandan.tips.dashboard.views import SORT_COLUMNS
from toandan.tips.handling import inbox
from toandan.tips.handling.forms import InboxFilterForm
from toandan.tips.handling.notices import DEADLINE_SOON


@pytest.fixture
def five_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "DUE_SOON_DAYS", 5)


@pytest.mark.usefixtures("five_days")
@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_labels_say_the_days_counted(language: str) -> None:
    with translation.override(language):
        due = cast("forms.ChoiceField", InboxFilterForm.base_fields["due"])
        soon = dict(cast("list[tuple[str, str]]", due.choices))[inbox.DueFilter.SOON]
        column = dict(SORT_COLUMNS)["due_soon"]
        labels = [str(soon), str(column), str(kind_label(DEADLINE_SOON))]
    assert all("5" in label for label in labels), labels
    assert not any("3" in label for label in labels), labels


@pytest.mark.usefixtures("five_days")
def test_the_dashboard_page_says_the_days_counted(client: Client, officer_hoan_kiem) -> None:
    client.force_login(officer_hoan_kiem)
    page = client.get(reverse("tips:dashboard")).content.decode()
    assert "Đến hạn trong 5 ngày" in page
    assert "trong 3 ngày" not in page
